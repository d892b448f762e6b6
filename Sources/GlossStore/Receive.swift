import Foundation
import GRDB
import GlossCore

/// What receiving a batch of peers' operations did.
public struct ReceiveSummary: Sendable, Equatable {
  public var new = 0
  public var known = 0
  /// Operations kept because something they depend on has not arrived.
  public var pending = 0
  public var conflictsCreated = 0
  /// Per replica, the counters still missing before the pending operations can apply.
  public var missing: [ReplicaID: ClosedRange<UInt64>] = [:]

  public init() {}
}

extension WriteSession {
  /// Applies peers' operations in any order, any number of times: an operation already in
  /// the log is counted as known; one whose dependencies are missing waits in `pending`
  /// and is applied, by this call or a later one, as soon as they arrive.
  ///
  /// `links`, from a verified bundle, gives each operation's place in its hash chain; an
  /// operation that does not continue this store's chain of its replica is refused.
  /// `progress` is told how many operations were applied so far, every thousand.
  public func receive(
    _ operations: [Op], links: [Dot: ChainLink] = [:], progress: (Int) -> Void = { _ in }
  ) throws -> ReceiveSummary {
    var summary = ReceiveSummary()
    let conflictsBefore = applier.conflictsCreated
    var waiting: [Dot: Op] = [:]
    var expected = links
    for row in try db.rows(sql: "SELECT operation, chain FROM pending") {
      let op = try Op(json: try JSONValue(parsing: row[0]))
      waiting[op.dot] = op
      let link = [UInt8](row[1] as Data)
      if link.count == 64 { expected[op.dot] = ChainLink(previous: Array(link[..<32]), chain: Array(link[32...])) }
    }
    let pendingBefore = Set(waiting.keys)
    var persons: [ReplicaID: String?] = [:]
    for op in operations {
      if clock.contains(op.dot) || waiting[op.dot] != nil {
        summary.known += 1
        continue
      }
      try checkPerson(op, known: &persons)
      waiting[op.dot] = op
    }
    // Kahn's algorithm over the dependency graph: apply what is ready, then whatever
    // that unblocks.
    var blockers: [Dot: Int] = [:]
    var dependents: [Dot: [Dot]] = [:]
    var ready: [Dot] = []
    for (dot, op) in waiting {
      let missing = op.dependencies.filter { !clock.contains($0) }
      blockers[dot] = missing.count
      for dependency in missing { dependents[dependency, default: []].append(dot) }
      if missing.isEmpty { ready.append(dot) }
    }
    ready.sort()
    var appliedPending = 0
    while let dot = ready.popLast() {
      guard let op = waiting.removeValue(forKey: dot) else { continue }
      try applyRemote(op, verified: expected[dot])
      if pendingBefore.contains(dot) { appliedPending += 1 } else { summary.new += 1 }
      if (summary.new + appliedPending) % 1_000 == 0 { progress(summary.new + appliedPending) }
      for dependent in dependents[dot] ?? [] {
        blockers[dependent]! -= 1
        if blockers[dependent] == 0 { ready.append(dependent) }
      }
    }
    summary.new += appliedPending
    try db.exec(sql: "DELETE FROM pending")
    let insert = try db.cachedStatement(
      sql: "INSERT INTO pending (replica, counter, operation, chain) VALUES (?, ?, ?, ?)")
    for op in waiting.values.sorted(by: { $0.dot < $1.dot }) {
      try insert.execute(arguments: [
        op.dot.replica.hex, Int64(op.dot.counter), op.json.canonical,
        Data(expected[op.dot].map { $0.previous + $0.chain } ?? []),
      ])
    }
    summary.pending = waiting.count
    summary.missing = Self.missingRanges(waiting.values, clock: clock)
    summary.conflictsCreated = applier.conflictsCreated - conflictsBefore
    return summary
  }

  /// A replica's person never changes, so an operation claiming another person for a
  /// known replica is refused rather than allowed to write someone else's status.
  /// `known` remembers each replica's person (nil: not in the store yet) for the batch.
  private func checkPerson(_ op: Op, known: inout [ReplicaID: String?]) throws {
    if known[op.dot.replica] == nil {
      known[op.dot.replica] = .some(
        try db.row(sql: "SELECT person FROM replica WHERE id = ?", arguments: [op.dot.replica.hex])?[0])
    }
    if let person = known[op.dot.replica]!, person != op.person {
      throw StoreError(
        "operation \(op.dot.short) claims person '\(op.person)' but replica \(op.dot.replica.short) belongs to '\(person)'"
      )
    }
  }

  static func missingRanges(_ waiting: some Collection<Op>, clock: VectorClock) -> [ReplicaID: ClosedRange<UInt64>] {
    let present = Set(waiting.map(\.dot))
    var missing: [ReplicaID: ClosedRange<UInt64>] = [:]
    for op in waiting {
      for dependency in op.dependencies where !clock.contains(dependency) && !present.contains(dependency) {
        let low = clock[dependency.replica] + 1
        let existing = missing[dependency.replica]
        missing[dependency.replica] = low...max(dependency.counter, existing?.upperBound ?? 0)
      }
    }
    return missing
  }

  /// Operations this store has that `peer` (a vector clock) lacks, in log order.
  public func operations(after peer: VectorClock) throws -> [Op] {
    try reader.operations(missingFrom: peer)
  }
}

extension StoreReader {
  /// The operations not covered by `peer`, in an order that is causally valid (per
  /// replica ascending, and the local log order is causal).
  public func operations(missingFrom peer: VectorClock) throws -> [Op] {
    var result: [Op] = []
    for row in try db.rows(
      sql: """
        SELECT r.id AS replica, o.counter, o.hlc, o.person, o.kind, o.target, o.payload, o.supersedes, o.requires
        FROM operation o JOIN replica r ON r.num = o.replica ORDER BY o.seq
        """)
    {
      let replica = ReplicaID(hex: row["replica"])!
      if UInt64(row["counter"] as Int64) <= peer[replica] { continue }
      result.append(try Self.operation(row))
    }
    return result
  }

  public func pendingCount() throws -> Int { try Int.fetchOne(db, sql: "SELECT count(*) FROM pending") ?? 0 }
}
