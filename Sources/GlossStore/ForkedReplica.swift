import Foundation
import GRDB
import GlossBundle
import GlossCore

/// What a store did when it learnt that another copy of it writes under its replica id.
public struct ForkHeal: Sendable, Equatable {
  public let reidentification: Reidentification
  /// The last of the old replica's operations that both copies hold.
  public let forkPoint: UInt64
  /// This store's own operations written since then, now its new replica's first ones.
  public let reissued: Int
}

/// A store copied block for block (a disk image or a virtual machine restored on the same
/// machine keeps the file's inode and the machine id) cannot tell at opening that it is a
/// copy (`checkLocation`), and both copies go on writing under one replica id, numbering
/// different operations alike. The first sign is a bundle signed with the store's own key
/// that holds operations of its replica it never wrote: a segment in a shared folder, or a
/// teammate's bundle relaying them.
///
/// The store then finds the **fork point**, the last operation both copies hold (their
/// hash chains agree up to it and differ after it, or the other copy simply has more),
/// takes a new replica id and key as a copy found at opening does, and renumbers its own
/// operations after the fork point as the new replica's first ones. The other copy's
/// operations keep the old id and arrive as a peer's; both copies' edits reach everyone.
///
/// Renumbering instead of writing the operations anew (which would duplicate what another
/// store already holds) is sound only because nobody else has them: a store heals only if
/// it never signed its chain (for a bundle or a folder segment) past the fork point. If it
/// did, teammates may hold either copy's operations under the same dots, and no store can
/// tell which a later reference means: the files are refused, with that said.
///
/// Each renumbered operation keeps its log row (`seq`), which every derived table refers
/// to, its timestamp and its payload. What changes is its dot, the dots it names, the id of
/// a note it creates (derived from the dot, so the target of that note's later edits too)
/// and its chain hash. The new id is drawn between the same two known replica ids as the
/// old one, so every tie-break the store already decided between the old id and another
/// replica comes out the same for the new id: the derived state is what replaying the
/// renumbered log would build, with no replay.
extension Store {
  /// Heals this store if `bundles` show another copy of it writing under its replica id;
  /// nil when they show none. Throws, naming the file, when one does and the store cannot
  /// heal: it published operations after the copies parted, or the files that show where
  /// they parted have not arrived yet.
  /// The chains it compares are verified as it reads them: a file whose operations do not
  /// end at their signed heads throws, and nothing is healed on its word.
  public func healCopiedReplica(shownBy bundles: [(name: String, bundle: SignedBundle)]) throws -> ForkHeal? {
    // Most reads hold no range of this store's own replica: no transaction for them.
    let own = local.id
    guard bundles.contains(where: { $0.bundle.ranges.contains { $0.replica == own } }) else { return nil }
    let healed = try queue.write { db -> (LocalReplica, ForkHeal)? in
      let local = try currentIdentity(db)
      guard let ownKey = try Self.existingSigningKey(db)?.publicKey,
        let num: Int64 = try db.row(sql: "SELECT num FROM replica WHERE id = ?", arguments: [local.id.hex])?[0]
      else { return nil }
      let counter = try StoreReader(db: db).vectorClock()[local.id]
      func ours(_ at: UInt64) throws -> [UInt8] {
        at == 0 ? ChainHash.zero : try Self.chain(db, replicaNum: num, counter: at)
      }
      // The last counter at which the other copy's chain is known to equal this store's,
      // and the counters at which the bundles show the other copy's chain at all. Chains
      // agree up to the fork and differ after it, so each range is compared only up to
      // its first difference, and nothing per operation is kept.
      var shared: UInt64 = 0
      var shown: [ClosedRange<UInt64>] = []
      var shownIn: String?
      for (name, bundle) in bundles {
        let forked = try bundle.ranges.filter { range in
          try range.replica == local.id && range.publicKey == ownKey
            && (range.to > counter || ours(range.to) != range.head)
        }
        guard !forked.isEmpty else { continue }
        shownIn = shownIn ?? name
        for range in forked {
          shown.append((range.from - 1)...range.to)
          if try range.from - 1 <= counter && ours(range.from - 1) == range.previous {
            shared = max(shared, range.from - 1)
          }
        }
        var previous: UInt64 = 0
        var differs = false
        try bundle.forEachOperation { op, link, _ in
          guard op.dot.replica == local.id else { return }
          let at = op.dot.counter
          if at != previous + 1 { differs = false }
          previous = at
          guard !differs, at <= counter, forked.contains(where: { $0.from <= at && at <= $0.to }) else { return }
          if try ours(at) == link.chain { shared = max(shared, at) } else { differs = true }
        }
      }
      guard let file = shownIn else { return nil }
      let fork = shared
      guard shown.contains(where: { $0.contains(fork + 1) }) else { throw Self.forkNotLocated(file: file) }
      let published = try Self.published(db, replica: local.id)
      guard published <= fork else { throw Self.forkPublished(file: file, fork: fork, published: published) }
      let (renamed, change) = try Self.reidentify(db, local: local, as: try Self.replicaID(replacing: local.id, db))
      let reissued = try Self.renumber(db, replica: (local.id, num), as: renamed.id, after: fork, through: counter)
      return (renamed, ForkHeal(reidentification: change, forkPoint: fork, reissued: reissued))
    }
    guard let (renamed, heal) = healed else { return nil }
    localReplica.withLock { $0 = renamed }
    return heal
  }

  /// The last of `replica`'s operations this store signed for a bundle or a folder file:
  /// none after it has left the store.
  static func published(_ db: Database, replica: ReplicaID) throws -> UInt64 {
    try Int64.fetchOne(db, sql: "SELECT max(counter) FROM chain_signature WHERE replica = ?", arguments: [replica.hex])
      .map(UInt64.init) ?? 0
  }

  /// A fresh replica id that sorts against every replica this store knows exactly as
  /// `old` does: uniform between its two known neighbours.
  static func replicaID(replacing old: ReplicaID, _ db: Database) throws -> ReplicaID {
    func wide(_ id: ReplicaID) -> UInt128 { UInt128(id.high) << 64 | UInt128(id.low) }
    let known = try String.fetchAll(db, sql: "SELECT id FROM replica").compactMap(ReplicaID.init(hex:))
    let low = known.filter { $0 < old }.max().map { wide($0) + 1 } ?? 0
    let high = known.filter { old < $0 }.min().map { wide($0) - 1 } ?? .max
    // Only an id planted next to this one leaves no room; any id then will do.
    guard high > low else { return .random() }
    var candidate = wide(old)
    while candidate == wide(old) { candidate = UInt128.random(in: low...high) }
    return ReplicaID(high: UInt64(truncatingIfNeeded: candidate >> 64), low: UInt64(truncatingIfNeeded: candidate))
  }

  /// Moves `replica`'s operations after `fork` (through `counter`) to the replica `new`,
  /// counted from 1, and brings along what names them. Returns how many moved.
  static func renumber(
    _ db: Database, replica old: (id: ReplicaID, num: Int64), as new: ReplicaID, after fork: UInt64,
    through counter: UInt64
  ) throws -> Int {
    let newNum: Int64 = try db.row(sql: "SELECT num FROM replica WHERE id = ?", arguments: [new.hex])![0]
    var dots: [Dot: Dot] = [:]
    var notes: [String: String] = [:]
    var chain = ChainHash.zero
    let rows = try Row.fetchAll(
      db,
      sql: """
        SELECT o.seq, r.id AS replica, o.counter, o.hlc, o.person, o.kind, o.target, o.payload, o.supersedes,
          o.requires
        FROM operation o JOIN replica r ON r.num = o.replica
        WHERE o.replica = ? AND o.counter > ? ORDER BY o.counter
        """, arguments: [old.num, Int64(fork)])
    for row in rows {
      let operation = try StoreReader.operation(row)
      let dot = Dot(replica: new, counter: operation.dot.counter - fork)
      dots[operation.dot] = dot
      var target = notes[operation.target] ?? operation.target
      if case .createNote = operation.body {
        target = NoteID.make(for: dot)
        notes[operation.target] = target
        for table in ["note_folded", "note_recent"] {
          try db.execute(sql: "UPDATE \(table) SET id = ? WHERE id = ?", arguments: [target, operation.target])
        }
      }
      if case .addTag = operation.body {
        try db.execute(
          sql: "UPDATE tag SET first_replica = ? WHERE first_replica = ? AND first_hlc = ?",
          arguments: [new.hex, old.id.hex, Int64(operation.timestamp.packed)])
      }
      let moved = Op(
        dot: dot, timestamp: operation.timestamp, person: operation.person, target: target, body: operation.body,
        supersedes: operation.supersedes.map { dots[$0] ?? $0 }, requires: operation.requires.map { dots[$0] ?? $0 })
      chain = ChainHash.next(chain, canonical: moved.canonicalBytes(payload: row["payload"]))
      try db.execute(
        sql: """
          UPDATE operation SET replica = ?, counter = ?, target = ?, supersedes = ?, requires = ?, chain = ?
          WHERE seq = ?
          """,
        arguments: [
          newNum, Int64(dot.counter), target, LogDots.text(moved.supersedes), LogDots.text(moved.requires),
          Data(chain), row["seq"] as Int64,
        ])
    }
    if fork == 0 {
      try db.execute(sql: "DELETE FROM clock WHERE replica = ?", arguments: [old.num])
    } else {
      try db.execute(sql: "UPDATE clock SET counter = ? WHERE replica = ?", arguments: [Int64(fork), old.num])
    }
    if counter > fork {
      try db.execute(
        sql: "INSERT INTO clock (replica, counter) VALUES (?, ?)", arguments: [newNum, Int64(counter - fork)])
    }
    return rows.count
  }

  static func forkNotLocated(file: String) -> BundleError {
    BundleError(
      file: file,
      problem:
        "holds operations written under this store's own replica id that this store never wrote: another copy of "
        + "this store (a cloned disk, a restored snapshot) is writing as it",
      remedy:
        "nothing is lost: this store takes a new identity by itself once the copy's earlier files, which show "
        + "where the two parted, have arrived",
      showsCopiedReader: true)
  }

  static func forkReference(file: String, operation: Op, names dot: Dot) -> BundleError {
    BundleError(
      file: file,
      problem:
        "holds \(SafeText.escaped(operation.person))'s operation \(operation.dot.short), which names this store's own "
        + "operation \(dot.counter) although this store never published it: another copy of this store (a cloned "
        + "disk, a restored snapshot) is writing as it",
      remedy:
        "nothing is imported from this file until that copy's files arrive; this store then takes a new identity "
        + "by itself",
      showsCopiedReader: true)
  }

  static func forkPublished(file: String, fork: UInt64, published: UInt64) -> BundleError {
    BundleError(
      file: file,
      problem:
        "holds operations that another copy of this store (a cloned disk, a restored snapshot) wrote under its "
        + "replica id after the two parted at operation \(fork); this store has published its own operations "
        + "since then (up to \(published)), and teammates may hold either copy's under the same numbers",
      remedy:
        "gloss cannot merge two histories under one identity: keep using one copy, and enter there again what "
        + "the other wrote since they parted",
      showsCopiedReader: true)
  }
}
