import Foundation
import GRDB
import GlossBundle
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
  /// Applies peers' operations in any order, any number of times (`IncomingOperations`).
  public func receive(_ operations: [Op]) throws -> ReceiveSummary {
    var incoming = try IncomingOperations(session: self)
    for op in operations { try incoming.add(op) }
    return try incoming.finish()
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

/// Peers' operations as they arrive, in any order, any number of times: an operation
/// already in the log is counted as known; one whose dependencies are missing waits, and
/// is applied as soon as they arrive, by this batch or (through the `pending` table) a
/// later one. Everything else is applied on arrival, so a bundle in causal order (every
/// bundle a store writes) streams through with nothing held back.
///
/// An operation that comes with its verified `ChainLink` must continue this store's chain
/// of its replica, or it is refused.
struct IncomingOperations {
  private let session: WriteSession
  private var summary = ReceiveSummary()
  private let conflictsBefore: Int
  private var waiting: [Dot: Op] = [:]
  private var links: [Dot: ChainLink] = [:]
  /// For each waiting operation, how many of its dependencies are not applied yet.
  private var blockers: [Dot: Int] = [:]
  private var dependents: [Dot: [Dot]] = [:]
  /// Each replica's person (nil: not in the store yet), looked up once per batch.
  private var persons: [ReplicaID: String?] = [:]

  /// Takes up the operations an earlier batch left waiting.
  init(session: WriteSession) throws {
    self.session = session
    conflictsBefore = session.applier.conflictsCreated
    for row in try session.db.rows(sql: "SELECT operation, chain FROM pending") {
      let op = try Op(json: try JSONValue(parsing: row[0]))
      let link = [UInt8](row[1] as Data)
      try admit(
        op, link: link.count == 64 ? ChainLink(previous: Array(link[..<32]), chain: Array(link[32...])) : nil)
    }
    try session.db.exec(sql: "DELETE FROM pending")
  }

  /// How many operations this batch applied so far.
  var applied: Int { summary.new }

  /// `payload`, when given, is the operation's canonical payload text, written already.
  mutating func add(_ op: Op, link: ChainLink? = nil, payload: String? = nil) throws {
    if session.clock.contains(op.dot) || (!waiting.isEmpty && waiting[op.dot] != nil) {
      summary.known += 1
      return
    }
    try checkPerson(op)
    try admit(op, link: link, payload: payload)
  }

  /// Applies the operation if everything it depends on is applied, or makes it wait.
  private mutating func admit(_ op: Op, link: ChainLink?, payload: String? = nil) throws {
    // A bundle in causal order with nothing waiting: every operation of a large import.
    if dependents.isEmpty, op.isReady(after: session.clock) {
      try session.applyRemote(op, verified: link, payload: payload)
      summary.new += 1
      return
    }
    let missing = op.dependencies.filter { !session.clock.contains($0) }
    guard missing.isEmpty else {
      waiting[op.dot] = op
      links[op.dot] = link
      blockers[op.dot] = missing.count
      for dependency in missing { dependents[dependency, default: []].append(op.dot) }
      return
    }
    var ready: [(Op, ChainLink?, String?)] = [(op, link, payload)]
    while let (next, link, payload) = ready.popLast() {
      try session.applyRemote(next, verified: link, payload: payload)
      summary.new += 1
      for dependent in dependents.removeValue(forKey: next.dot) ?? [] {
        blockers[dependent]! -= 1
        if blockers[dependent] == 0 {
          blockers[dependent] = nil
          ready.append((waiting.removeValue(forKey: dependent)!, links.removeValue(forKey: dependent), nil))
        }
      }
    }
  }

  /// A replica's person never changes, so an operation claiming another person for a
  /// known replica is refused rather than allowed to write someone else's status.
  private mutating func checkPerson(_ op: Op) throws {
    let known: String?
    if let cached = persons[op.dot.replica] {
      known = cached
    } else {
      known = try session.db.row(sql: "SELECT person FROM replica WHERE id = ?", arguments: [op.dot.replica.hex])?[0]
      persons[op.dot.replica] = .some(known)
    }
    if let person = known, person != op.person {
      throw StoreError(
        "operation \(op.dot.short) claims person '\(op.person)' but replica \(op.dot.replica.short) belongs to '\(person)'"
      )
    }
  }

  /// Keeps what still waits in the `pending` table for a later batch.
  consuming func finish() throws -> ReceiveSummary {
    let insert = try session.db.cachedStatement(
      sql: "INSERT INTO pending (replica, counter, operation, chain) VALUES (?, ?, ?, ?)")
    for op in waiting.values.sorted(by: { $0.dot < $1.dot }) {
      try insert.execute(arguments: [
        op.dot.replica.hex, Int64(op.dot.counter), op.json.canonical,
        Data(links[op.dot].map { $0.previous + $0.chain } ?? []),
      ])
    }
    summary.pending = waiting.count
    summary.missing = Self.missingRanges(waiting.values, clock: session.clock)
    summary.conflictsCreated = session.applier.conflictsCreated - conflictsBefore
    return summary
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
}
