import Foundation
import GRDB
import GlossBundle
import GlossCore

extension Store {
  /// Reads every file's framing, signature and header, then imports them all in one
  /// transaction (`importSigned`). Files named on the command line may be symbolic links
  /// (the user chose them); a shared folder's may not (`followLinks: false`).
  public func importBundles(
    _ paths: [String], trust: Bool, followLinks: Bool = true, progress: (Int, Double) -> Void = { _, _ in }
  ) throws -> [BundleImport] {
    try importSigned(try Self.openBundles(paths, followLinks: followLinks), trust: trust, progress: progress)
  }

  /// Reads bundle files up to their operations (`BundleFormat.open`), each named for
  /// messages as the path given.
  public static func openBundles(_ paths: [String], followLinks: Bool = true) throws -> [(
    name: String, bundle: SignedBundle
  )] {
    // Each file's bytes are let go once read: only its decompressed body is kept.
    try paths.map { path in
      let name = SafeText.escaped(path)
      return (name, try BundleFormat.open(try BundleFile.read(path, followLinks: followLinks), file: name))
    }
  }

  /// Imports bundles given as (name, bytes) in one transaction (`importSigned`).
  /// `progress` gets the operations applied so far and the fraction of all of them.
  public func importBundleBytes(
    _ files: [(name: String, bytes: [UInt8])], trust: Bool, progress: (Int, Double) -> Void = { _, _ in }
  ) throws -> [BundleImport] {
    var bundles: [(String, SignedBundle)] = []
    for (name, bytes) in files {
      bundles.append((SafeText.escaped(name), try BundleFormat.open(bytes, file: SafeText.escaped(name))))
    }
    return try importSigned(bundles, trust: trust, progress: progress)
  }

  /// Imports bundles in one transaction: every key checked against this store, then each
  /// operation verified (`Protocol/BUNDLE.md` §4, steps 8 and 9) as it is applied, which
  /// decodes and hashes each once rather than once to verify and again to apply.
  ///
  /// A refused bundle leaves the store as it was, not even this store's key made: the
  /// transaction commits only once every chain has ended at its signed head. A refusal
  /// names the check §4 puts first: before any other is reported, every bundle's
  /// operations are verified in full, and a fault of theirs is reported instead, as a
  /// reader that verified every file before it acted would.
  public func importSigned(
    _ bundles: [(name: String, bundle: SignedBundle)], trust: Bool, progress: (Int, Double) -> Void = { _, _ in }
  ) throws -> [BundleImport] {
    do {
      return try applySigned(bundles, trust: trust, progress: progress)
    } catch let error as StoreError where error == .cancelledWrite {
      // Ctrl-C: the user wants the prompt back, not a verdict on the files.
      throw error
    } catch {
      for (_, bundle) in bundles { _ = try bundle.verified() }
      throw error
    }
  }

  /// Imports bundles whose operations were verified in full before (`SignedBundle.verified()`,
  /// a shared folder's files), in one transaction: no body can fail, so whatever refuses
  /// one is already the check §4 puts first, and none is verified again to find out.
  public func importVerified(
    _ bundles: [(name: String, bundle: VerifiedBundle)], trust: Bool, progress: (Int, Double) -> Void = { _, _ in }
  ) throws -> [BundleImport] {
    try applySigned(bundles.map { ($0.name, $0.bundle.signed) }, trust: trust, progress: progress)
  }

  /// `rollbackJournalOperations`: from how many operations on the import writes through a
  /// rollback journal (`throughRollbackJournal`); tests lower it.
  func applySigned(
    _ bundles: [(name: String, bundle: SignedBundle)], trust: Bool,
    rollbackJournalOperations: Int = Store.rollbackJournalOperations, progress: (Int, Double) -> Void
  ) throws -> [BundleImport] {
    let total = max(1, bundles.reduce(0) { $0 + $1.bundle.operationCount })
    // The bundle cache holds until the transaction has ended: what the applier leaves for
    // its end (statuses, full-text entries) reads through it too, and through the four
    // times larger one it took a million-operation import 110 MB higher, past its bound.
    defer { try? queue.inDatabase { db in try db.execute(sql: "PRAGMA cache_size = -\(Self.cacheKilobytes)") } }
    return try write(large: total >= rollbackJournalOperations) { session in
      try session.db.exec(sql: "PRAGMA cache_size = -\(Self.bundleCacheKilobytes)")
      try session.expect(operations: total)
      if session.applier.entryLayer == .folded {
        try session.db.exec(sql: "PRAGMA cache_size = -\(Self.foldedBundleCacheKilobytes)")
      }
      var results: [BundleImport] = []
      var before = 0
      let local = session.local
      // This store's own operations that no bundle or folder file ever held: no teammate
      // can name them (`healCopiedReplica`).
      let unpublished = try Self.published(session.db, replica: local.id) + 1..<session.clock[local.id] + 1
      let namesUnpublished = { (dot: Dot) in dot.replica == local.id && unpublished.contains(dot.counter) }
      for (path, bundle) in bundles {
        let keys = PersonKeys(
          db: session.db, local: local, ownKey: try Self.existingSigningKey(session.db)?.publicKey,
          carried: bundle.introductions)
        let ownNewDevices = try Self.checkKeys(bundle, file: path, trust: trust, keys: keys)
        if bundle.ranges.contains(where: { $0.replica == local.id && $0.to > session.clock[local.id] }) {
          throw Self.forkNotLocated(file: path)
        }
        let checks = try Self.historyChecks(bundle, file: path, session: session)
        try Self.remember(bundle, db: session.db)
        if !ownNewDevices.isEmpty {
          // This person trusted their own new device here by fingerprint: vouch for it, so
          // that teammates accept it without each having to.
          let identity = try Self.signingIdentity(session.db, local: local)
          for key in ownNewDevices {
            try PersonKeys.store(try Introduction.make(person: local.person, key: key, by: identity), db: session.db)
          }
        }
        var incoming = try IncomingOperations(session: session)
        var reported = 0
        try bundle.forEachOperationDecodedAhead { op, link, payload in
          if let check = checks[op.dot], check.ours != link.chain {
            throw Self.rewrite(check.range, at: op.dot.counter, file: path)
          }
          if !unpublished.isEmpty,
            let dot = op.supersedes.first(where: namesUnpublished) ?? op.requires.first(where: namesUnpublished)
          {
            throw Self.forkReference(file: path, operation: op, names: dot)
          }
          try incoming.add(op, link: link, payload: payload)
          if incoming.applied >= reported + 1_000 {
            reported = incoming.applied
            progress(before + reported, Double(before + reported) / Double(total))
          }
        }
        let summary = try incoming.finish()
        before += bundle.operationCount
        // Clocks only grow: a shared folder's file names only its writer's own counter.
        let stored: String? = try session.db.row(
          sql: "SELECT last_clock FROM replica WHERE id = ?", arguments: [bundle.sender.replica.hex])?[0]
        let clock = (VectorClock(json: stored.flatMap { try? JSONValue(parsing: $0) }) ?? VectorClock())
          .merged(with: bundle.clock)
        try session.db.exec(
          sql: "UPDATE replica SET last_clock = ?, last_seen = ? WHERE id = ?",
          arguments: [clock.json.canonical, Int64(bundle.created), bundle.sender.replica.hex])
        results.append(BundleImport(file: path, sender: bundle.sender, receive: summary))
      }
      return results
    }
  }

  /// Checks the sender and every range against the keys this store binds to replicas and
  /// persons. Returns the new keys of this store's own person that the user trusted by
  /// fingerprint, for this store to vouch for.
  static func checkKeys(_ bundle: SignedBundle, file: String, trust: Bool, keys: PersonKeys) throws -> [[UInt8]] {
    let sender = bundle.sender
    let senderName = SafeText.escaped(sender.person)
    var ownNewDevices: [[UInt8]] = []
    if let known = try keys.key(of: sender.replica) {
      guard known == sender.publicKey else {
        throw BundleError(
          file: file,
          problem:
            "is signed by a different key than the one \(senderName) (\(sender.replica.short)) used before: "
            + "fingerprint \(sender.fingerprint), expected \(Signature.fingerprint(of: known)). SOMEONE MAY BE IMPERSONATING \(senderName.uppercased())",
          remedy: "do not import it; check with \(senderName) in person")
      }
    } else if sender.replica == keys.local.id {
      throw impersonation(file: file, name: senderName, fingerprint: sender.fingerprint, known: [], ofThisStore: true)
    }
    for (replica, person) in [(sender.replica, sender.person)] + bundle.ranges.map({ ($0.replica, $0.person) }) {
      if let bound = try keys.person(of: replica), bound != person {
        throw BundleError(
          file: file,
          problem:
            "says replica \(replica.short) is \(SafeText.escaped(person))'s, but it is \(SafeText.escaped(bound))'s",
          remedy: "do not trust this file; ask \(senderName) where it came from")
      }
    }
    for range in bundle.ranges {
      let name = SafeText.escaped(range.person)
      if let known = try keys.key(of: range.replica) {
        guard known == range.publicKey else {
          throw BundleError(
            file: file,
            problem:
              "carries operations of \(name) (\(range.replica.short)) under a key that is not \(name)'s: a forged relay",
            remedy: "do not trust this file; ask \(senderName) where it came from")
        }
        continue
      }
      if range.replica == keys.local.id {
        throw impersonation(file: file, name: name, fingerprint: "", known: [], ofThisStore: true)
      }
    }
    // New keys: the sender's (which the user must trust), then relayed ones.
    var seen: Set<[UInt8]> = []
    let newKeys =
      [(sender.publicKey, sender.person, sender.replica, true)]
      + bundle.ranges.map { ($0.publicKey, $0.person, $0.replica, $0.replica == sender.replica) }
    for (key, person, replica, isSender) in newKeys where try keys.key(of: replica) == nil {
      guard seen.insert(key).inserted else { continue }
      let name = SafeText.escaped(person)
      let fingerprint = Signature.fingerprint(of: key)
      switch try keys.verdict(newKey: key, claiming: person) {
      case .introduced: break
      case .trustedByFingerprint:
        if person == keys.local.person { ownNewDevices.append(key) }
      case .impersonation(let known):
        throw impersonation(file: file, name: name, fingerprint: fingerprint, known: known, ofThisStore: false)
      case .unknownPerson:
        if isSender && !trust {
          throw BundleError(
            file: file,
            problem: "is signed by \(name)'s key \(fingerprint), which this store does not know",
            remedy:
              "check the fingerprint with \(name) (they see it in gloss peers), then import with --trust or run: gloss peers trust \(name) \(fingerprint)"
          )
        }
      }
    }
    return ownNewDevices
  }

  static func impersonation(file: String, name: String, fingerprint: String, known: [String], ofThisStore: Bool)
    -> BundleError
  {
    if ofThisStore {
      return BundleError(
        file: file,
        problem: "claims to carry operations written by this very store, which it never signed: an impersonation",
        remedy: "do not trust this file")
    }
    let knownText = known.isEmpty ? "this store's own person" : "keys \(known.joined(separator: ", "))"
    return BundleError(
      file: file,
      problem:
        "carries a new key \(fingerprint) that claims to be \(name), whose keys this store already knows (\(knownText)), "
        + "and none of them introduced it. SOMEONE MAY BE IMPERSONATING \(name.uppercased())",
      remedy:
        "if \(name) really has a new device, check the fingerprint with \(name) and run: gloss peers trust \(name) \(fingerprint); otherwise do not import it"
    )
  }

  /// A range must continue this store's chain of its replica: an operation this store
  /// already has must be the very same operation. Comparing the chain hash at the last
  /// operation the store has of each range compares everything before it. Where that is
  /// the operation before the range, it is compared here; otherwise the returned chain,
  /// this store's, is compared when the bundle's operation at that dot is decoded.
  static func historyChecks(_ bundle: SignedBundle, file: String, session: WriteSession) throws
    -> [Dot: (ours: [UInt8], range: BundleRange)]
  {
    let clock = session.clock
    var checks: [Dot: (ours: [UInt8], range: BundleRange)] = [:]
    for range in bundle.ranges {
      let have = clock[range.replica]
      guard have >= range.from - 1, have > 0,
        let num: Int64 = try session.db.row(
          sql: "SELECT num FROM replica WHERE id = ?", arguments: [range.replica.hex])?[0]
      else { continue }
      let last = min(have, range.to)
      let ours = try chain(session.db, replicaNum: num, counter: last)
      if last < range.from {
        guard ours == range.previous else { throw rewrite(range, at: last, file: file) }
      } else {
        checks[Dot(replica: range.replica, counter: last)] = (ours, range)
      }
    }
    return checks
  }

  static func rewrite(_ range: BundleRange, at counter: UInt64, file: String) -> BundleError {
    BundleError(
      file: file,
      problem:
        "rewrites the history of \(SafeText.escaped(range.person)) (\(range.replica.short)) up to operation \(counter): it differs from what this store has",
      remedy: "do not trust this file")
  }

  /// Records the keys, signed chain heads and introductions the bundle vouches for.
  static func remember(_ bundle: SignedBundle, db: Database) throws {
    let sender = bundle.sender
    try db.exec(
      sql: """
        INSERT INTO replica (id, person, public_key) VALUES (?, ?, ?)
        ON CONFLICT(id) DO UPDATE SET public_key = coalesce(replica.public_key, excluded.public_key)
        """, arguments: [sender.replica.hex, sender.person, Data(sender.publicKey)])
    for range in bundle.ranges {
      try db.exec(
        sql: """
          INSERT INTO replica (id, person, public_key) VALUES (?, ?, ?)
          ON CONFLICT(id) DO UPDATE SET public_key = coalesce(replica.public_key, excluded.public_key)
          """, arguments: [range.replica.hex, range.person, Data(range.publicKey)])
      try db.exec(
        sql: "INSERT OR IGNORE INTO chain_signature (replica, counter, head, signature) VALUES (?, ?, ?, ?)",
        arguments: [range.replica.hex, Int64(range.to), Data(range.head), Data(range.signature)])
    }
    for introduction in bundle.introductions { try PersonKeys.store(introduction, db: db) }
  }
}
