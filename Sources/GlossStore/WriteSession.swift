import GRDB
import GlossBundle
import GlossCore

/// One write transaction. Local operations are stamped here with this replica's next dot
/// and a fresh hybrid logical clock timestamp, then applied exactly like a peer's.
public final class WriteSession {
  let db: Database
  public let local: LocalReplica
  var applier: OperationApplier
  private var hlc: HybridLogicalClock
  private var counter: UInt64
  private let nowMilliseconds: @Sendable () -> UInt64

  init(db: Database, local: LocalReplica, now: @escaping @Sendable () -> UInt64) throws {
    self.db = db
    self.local = local
    nowMilliseconds = now
    applier = try OperationApplier(db: db)
    hlc = HybridLogicalClock(last: try StoreReader(db: db).lastTimestamp())
    counter = applier.clock[local.id]
  }

  public var reader: StoreReader { StoreReader(db: db) }

  /// The dot the next local operation will get: a note's id derives from it.
  public var nextDot: Dot { Dot(replica: local.id, counter: counter + 1) }

  /// This replica's clock now, for rules that compare against the reader's time.
  public var now: HLCTimestamp { max(hlc.last, HLCTimestamp(milliseconds: nowMilliseconds())) }

  /// Stamps, logs and applies one local operation. `payload`, when given, is
  /// `body.canonicalPayload`, computed ahead on another thread (`PreparedPublication`).
  @discardableResult
  public func commit(
    _ body: OperationBody, target: String, supersedes: [Dot] = [], requires: [Dot] = [], payload: String? = nil
  ) throws -> Op {
    counter += 1
    let operation = Op(
      dot: Dot(replica: local.id, counter: counter), timestamp: hlc.tick(now: nowMilliseconds()), person: local.person,
      target: target, body: body, supersedes: supersedes, requires: requires)
    try applier.applyNew(operation, now: hlc.last, payload: payload)
    return operation
  }

  /// Creates a record that the caller has just looked for in this session, by its id, DOI
  /// and PMID (`StoreReader.matchingRecord`), and not found: the creation then skips the
  /// same lookups (two of the few statements each imported record costs), and takes its
  /// payload, citekey and columns as prepared on another thread.
  @discardableResult
  public func commitNewRecord(_ prepared: PreparedPublication) throws -> Op {
    applier.preparedAbsent = prepared
    return try commit(.createRecord(prepared.publication), target: prepared.id, payload: prepared.createPayload)
  }

  /// Applies a peer's operation whose dependencies are all applied; advances this
  /// replica's clock past its timestamp unless that is implausibly far ahead. `payload`,
  /// when given, is `body.canonicalPayload`, as a bundle's reader has it already.
  public func applyRemote(_ operation: Op, verified: ChainLink? = nil, payload: String? = nil) throws {
    hlc.observe(operation.timestamp, now: nowMilliseconds())
    try applier.applyNew(operation, now: now, verified: verified, payload: payload)
  }

  public var clock: VectorClock { applier.clock }

  /// Prepares for applying `count` operations: a write too large for the recent layer
  /// folds it and writes its entries straight into the folded trees (`RecentEntries`).
  func expect(operations count: Int) throws {
    let entries = RecentEntries(db: db)
    guard applier.entryLayer == .recent, count >= (try entries.foldThreshold()) else { return }
    try entries.fold()
    applier.entryLayer = .folded
  }

  func finish() throws {
    try applier.flush()
    switch applier.entryLayer {
    case .recent: try RecentEntries(db: db).foldIfLarge()
    case .folded: try RecentEntries(db: db).recountFolded()
    }
    try db.exec(
      sql: "INSERT INTO meta (key, value) VALUES ('hlc', ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
      arguments: [String(hlc.last.packed)])
  }
}
