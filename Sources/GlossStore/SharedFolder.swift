import Foundation
import GRDB
import GlossBundle
import GlossCore

#if canImport(Glibc)
  import Glibc
#endif

/// A folder that a team keeps in step with a file-sync tool (Syncthing, Dropbox,
/// Nextcloud, a network drive), used as a log of immutable files (BUNDLE.md §6).
///
/// Each store publishes only its own operations, in segment files it never rewrites; it
/// writes nothing when it has nothing new, and merges its own small segments into larger
/// ones (`SegmentCompaction`) so that the folder stays close to the size of one bundle of
/// everything. A reader skips, from the listing alone, every file whose operations it
/// already has. Everything else in the folder is hostile until verified.
public struct SharedFolder {
  public let path: String
  public let store: Store

  public init(path: String, store: Store) throws {
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue else {
      throw StoreError("\(SafeText.escaped(path)) is not a folder; create it, or name the shared folder")
    }
    self.path = path
    self.store = store
  }

  /// A file this store wrote into the folder.
  public struct Published: Sendable, Equatable {
    public let name: String
    public let operations: Int
    public let bytes: Int
  }

  /// What one pass over the folder did.
  public struct Pass {
    public var imported: [BundleImport] = []
    /// Files that failed a check: skipped, and tried again next time.
    public var refused: [(name: String, error: any Error)] = []
    public var published: [Published] = []
    /// This store's own files merged into a larger one, or superseded, and removed.
    public var removed: [String] = []
    /// Set when the folder showed another copy of this store writing as it, and this store
    /// took a new identity (`Store.healCopiedReplica`).
    public var healed: ForkHeal?
    /// Set when a refused file showed another copy of this store writing as it, which
    /// this store could not heal yet: it published none of its own operations, which would
    /// spread two histories under one replica id.
    public var withheld = false

    /// Whether the pass brought anything new into the store or changed the folder.
    public var changed: Bool {
      imported.contains { $0.receive.new > 0 || $0.receive.pending > 0 } || !published.isEmpty || !removed.isEmpty
        || healed != nil
    }
  }

  /// Imports what the folder has that this store lacks, then publishes what this store
  /// has that the folder lacks.
  public func sync(trust: Bool) throws -> Pass {
    var pass = Pass()
    try importNew(trust: trust, into: &pass)
    pass.withheld = pass.refused.contains { ($0.error as? BundleError)?.showsCopiedReader == true }
    try publish(into: &pass)
    return pass
  }

  // MARK: Reading

  /// The bundle files in the folder, by name order, with what their names say.
  func listing() throws -> [(name: String, file: FolderFile)] {
    let names: [String]
    do {
      names = try FileManager.default.contentsOfDirectory(atPath: path)
    } catch {
      throw StoreError("cannot list \(SafeText.escaped(path)): \(error.localizedDescription)")
    }
    return names.sorted().compactMap { name in FolderFile(name: name).map { (name, $0) } }
  }

  /// Imports every file that may hold something new: first all of them in one
  /// transaction; if any is refused, each on its own, in passes repeated while any goes in
  /// (a device introduced in one file may sign another).
  func importNew(trust: Bool, into pass: inout Pass) throws {
    let own = store.local.id
    let candidates = try store.read { reader in
      try listing().filter { _, file in
        switch file {
        case .segment(let replica, _, let to, let head):
          return try !Self.has(reader, replica: replica, to: to, head: head)
        case .introductions(let replica, let count):
          return try replica != own && Self.introductions(reader, by: replica) < count
        case .whole: return true
        }
      }
    }
    // Verified in full before any is applied, unlike a file the user names: anything in a
    // shared folder may be hostile, and a file refused here costs one pass over it, where
    // one refused while applying would cost an applied and rolled-back transaction in
    // every sync until its sender replaces it.
    var verified: [(name: String, bundle: VerifiedBundle)] = []
    for (name, _) in candidates {
      let shown = SafeText.escaped(name)
      do {
        let bytes = try BundleFile.read((path as NSString).appendingPathComponent(name), followLinks: false)
        verified.append((shown, try BundleFormat.decode(bytes, file: shown)))
      } catch {
        pass.refused.append((name, error))
      }
    }
    // Another copy of this store writing as it shows itself here first, in its segments.
    do {
      pass.healed = try store.healCopiedReplica(shownBy: verified.map { ($0.name, $0.bundle.signed) })
    } catch let error as BundleError {
      pass.refused.append((error.file, error))
      verified.removeAll { $0.name == error.file }
    }
    // Key statements first: a file's new device may be vouched for by another's.
    verified.sort { ($0.bundle.operationCount == 0 ? 0 : 1) < ($1.bundle.operationCount == 0 ? 0 : 1) }
    guard !verified.isEmpty else { return }
    if let all = try? store.importVerified(verified, trust: trust) {
      pass.imported += all
      return
    }
    var remaining = verified
    var refused: [(name: String, error: any Error)] = []
    var progressed = true
    while progressed, !remaining.isEmpty {
      progressed = false
      refused = []
      var next: [(name: String, bundle: VerifiedBundle)] = []
      for item in remaining {
        do {
          pass.imported += try store.importVerified([item], trust: trust)
          progressed = true
        } catch {
          refused.append((item.name, error))
          next.append(item)
        }
      }
      remaining = next
    }
    pass.refused += refused
  }

  /// Whether this store holds `replica`'s operations up to `to` with the chain hash whose
  /// first digits are `head`: a segment so named holds nothing new.
  static func has(_ reader: StoreReader, replica: ReplicaID, to: UInt64, head: String) throws -> Bool {
    guard
      let chain: Data = try reader.db.row(
        sql: "SELECT o.chain FROM operation o JOIN replica r ON r.num = o.replica WHERE r.id = ? AND o.counter = ?",
        arguments: [replica.hex, Int64(to)])?[0]
    else { return false }
    return FolderFile.head([UInt8](chain)) == head
  }

  /// How many introductions this store holds that `replica`'s key file may hold (signed
  /// by its key, or introducing it): a key file naming no more holds nothing new.
  static func introductions(_ reader: StoreReader, by replica: ReplicaID) throws -> Int {
    try Int.fetchOne(
      reader.db,
      sql: """
        SELECT count(*) FROM introduction, (SELECT public_key AS own FROM replica WHERE id = ?)
        WHERE introducer = own OR key = own
        """, arguments: [replica.hex]) ?? 0
  }

  // MARK: Writing

  /// Publishes what this store has that its files in the folder lack, merging its own
  /// segments as `SegmentCompaction` decides, and its own key statements when they
  /// changed. Runs inside a write transaction, so two processes on one store never
  /// publish the same operations twice.
  func publish(into pass: inout Pass) throws {
    let created = store.wallClock()
    try store.queue.write { db in
      let local = try store.currentIdentity(db)
      let identity = try Store.signingIdentity(db, local: local)
      let reader = StoreReader(db: db)
      let counter = try reader.vectorClock()[local.id]
      var segments: [OwnSegment] = []
      var keyFiles: [(name: String, count: Int)] = []
      for (name, file) in try listing() {
        switch file {
        case .segment(local.id, let from, let to, let head):
          if to <= counter, let bytes = regularFileSize(name),
            try Self.has(reader, replica: local.id, to: to, head: head)
          {
            segments.append(OwnSegment(name: name, from: from, to: to, bytes: bytes))
          }
        case .introductions(local.id, let count) where regularFileSize(name) != nil: keyFiles.append((name, count))
        default: break
        }
      }
      let writer = try SegmentWriter(db: db, identity: identity, local: local, created: created)
      // The segment of the new operations alone, encoded to learn its size: usually the
      // plan writes just that, and it is not encoded again.
      var measured: SegmentWriter.Segment?
      let plan =
        pass.withheld
        ? .none
        : try SegmentCompaction.plan(segments, counter: counter) { from, to in
          let segment = try writer.encode(from: from, to: to)
          measured = segment
          return segment.bytes.count
        }
      if let write = plan.write {
        let segment =
          try measured.flatMap { $0.from == write.from && $0.to == write.to ? $0 : nil }
          ?? writer.encode(from: write.from, to: write.to)
        let name = FolderFile.segment(
          replica: local.id, from: write.from, to: write.to, head: FolderFile.head(segment.head)
        ).name
        try BundleFile.writeAtomically(segment.bytes, to: file(name))
        pass.published.append(
          Published(name: name, operations: Int(write.to - write.from + 1), bytes: segment.bytes.count))
      }
      for name in plan.remove where unlink(file(name)) == 0 { pass.removed.append(name) }
      // The statements this store signed for its person's other devices, and the one its
      // old key signed for it if it is a copy that took a new identity, in a file of their
      // own: a device must be known before, or with, its first operations.
      let previous = try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'previous_key'")
        .flatMap(Hex.decode)
      let introductions = try PersonKeys.storedIntroductions(db).filter {
        $0.introducer == identity.publicKey || ($0.key == identity.publicKey && $0.introducer == previous)
      }
      if !introductions.isEmpty, !keyFiles.contains(where: { $0.count == introductions.count }) {
        let name = FolderFile.introductions(replica: local.id, count: introductions.count).name
        let bytes = try writer.encode(introductions: introductions)
        try BundleFile.writeAtomically(bytes, to: file(name))
        pass.published.append(Published(name: name, operations: 0, bytes: bytes.count))
      }
      for (name, count) in keyFiles where count != introductions.count && unlink(file(name)) == 0 {
        pass.removed.append(name)
      }
      // What earlier versions of gloss wrote here: this store's whole bundle, rewritten at
      // every sync. Its operations are in segments now; a link under its name goes too.
      let legacy = "\(local.id.hex).gloss"
      if unlink(file(legacy)) == 0 { pass.removed.append(legacy) }
    }
  }

  func file(_ name: String) -> String { (path as NSString).appendingPathComponent(name) }

  /// A file's size, if it is a regular file (not a link someone planted under our name).
  func regularFileSize(_ name: String) -> Int? {
    var status = stat()
    guard lstat(file(name), &status) == 0, (status.st_mode & S_IFMT) == S_IFREG else { return nil }
    return Int(status.st_size)
  }
}

/// Writes this store's own segments: its operations FROM…TO as a bundle of one range,
/// signed afresh, whose clock names only this replica and whose prerequisites are empty (a
/// folder's readers learn the rest from the other replicas' files, and a clock of a
/// hundred replicas would outweigh a segment of one tag).
struct SegmentWriter {
  let db: Database
  let identity: SigningIdentity
  let local: LocalReplica
  let created: UInt64
  let replicaNum: Int64

  /// An encoded segment, and the chain hash at its end that its name shows.
  struct Segment {
    let from: UInt64
    let to: UInt64
    let bytes: [UInt8]
    let head: [UInt8]
  }

  init(db: Database, identity: SigningIdentity, local: LocalReplica, created: UInt64) throws {
    self.db = db
    self.identity = identity
    self.local = local
    self.created = created
    replicaNum = try db.row(sql: "SELECT num FROM replica WHERE id = ?", arguments: [local.id.hex])![0]
  }

  var sender: BundleSender { BundleSender(replica: local.id, person: local.person, publicKey: identity.publicKey) }

  func encode(from: UInt64, to: UInt64) throws -> Segment {
    let (head, signature) = try Store.signOwnHead(
      db, identity: identity, replica: local.id, replicaNum: replicaNum, counter: to)
    let range = BundleRange(
      replica: local.id, person: local.person, publicKey: identity.publicKey, from: from, to: to,
      previous: from == 1 ? ChainHash.zero : try Store.chain(db, replicaNum: replicaNum, counter: from - 1),
      head: head, signature: signature)
    var operations: [Op] = []
    try Store.eachOperation(db, replicaNum: replicaNum, from: from, to: to) { operations.append($0) }
    var clock = VectorClock()
    clock[local.id] = to
    let bytes = try BundleFormat.encode(
      sender: sender, signer: identity, clock: clock, prerequisites: VectorClock(), ranges: [range],
      operations: operations, created: created)
    return Segment(from: from, to: to, bytes: bytes, head: head)
  }

  func encode(introductions: [Introduction]) throws -> [UInt8] {
    try BundleFormat.encode(
      sender: sender, signer: identity, clock: VectorClock(), prerequisites: VectorClock(), ranges: [],
      operations: [], introductions: introductions, created: created)
  }
}
