import Foundation
import GRDB
import GlossCore

/// This store's own replica: who writes here.
public struct LocalReplica: Sendable, Equatable {
  public let id: ReplicaID
  public let person: String
}

/// A Gloss store: one SQLite file holding the change log and the state derived from it.
///
/// Every mutation goes through `write`, whose session stamps operations and applies them
/// with the same code that applies a peer's operations. There is no other writer.
public final class Store: Sendable {
  public let path: String
  let queue: DatabaseQueue
  public let local: LocalReplica
  /// Wall-clock milliseconds; injectable so tests can step the clock backwards.
  let wallClock: @Sendable () -> UInt64

  public static let systemClock: @Sendable () -> UInt64 = {
    UInt64(max(0, Date().timeIntervalSince1970 * 1000))
  }

  /// Opens the store at `path`, creating it (and its replica identity, for `person`) when
  /// it does not exist yet. `person` is ignored for an existing store.
  public init(path: String, person: String? = nil, wallClock: @escaping @Sendable () -> UInt64 = Store.systemClock)
    throws
  {
    self.path = path
    self.wallClock = wallClock
    var configuration = Configuration()
    if path != ":memory:" { configuration.journalMode = .wal }
    let busyWait = BusyWait()
    configuration.busyMode = .callback { tries in busyWait.shouldRetry(tries) }
    configuration.foreignKeysEnabled = false
    if path != ":memory:" {
      let folder = (path as NSString).deletingLastPathComponent
      if !folder.isEmpty {
        do {
          try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        } catch {
          throw StoreError("cannot create the folder \(folder) for the store: \(error.localizedDescription)")
        }
      }
    }
    do {
      queue =
        try path == ":memory:"
        ? DatabaseQueue(configuration: configuration) : DatabaseQueue(path: path, configuration: configuration)
      // Opening to read writes nothing: migrations and the identity are written only
      // when missing, so a reader never takes the write lock another process may hold.
      let migrator = Schema.migrator
      if let existing = try queue.read({ db in try migrator.hasCompletedMigrations(db) ? Self.loadIdentity(db) : nil })
      {
        local = existing
      } else {
        try migrator.migrate(queue)
        local = try queue.write { db in try Self.loadIdentity(db) ?? Self.createIdentity(db, person: person) }
      }
      try refreshDueStatuses()
    } catch let error as DatabaseError {
      throw StoreError.from(error, path: path)
    }
  }

  private static func loadIdentity(_ db: Database) throws -> LocalReplica? {
    guard let row = try db.row(sql: "SELECT id, person FROM replica WHERE is_local = 1"),
      let id = ReplicaID(hex: row["id"])
    else { return nil }
    return LocalReplica(id: id, person: row["person"])
  }

  private static func createIdentity(_ db: Database, person: String?) throws -> LocalReplica {
    let name = person ?? ProcessInfo.processInfo.environment["USER"].flatMap { $0.isEmpty ? nil : $0 } ?? "me"
    let id = ReplicaID.random()
    try db.exec(sql: "INSERT INTO replica (id, person, is_local) VALUES (?, ?, 1)", arguments: [id.hex, name])
    return LocalReplica(id: id, person: name)
  }

  /// Statuses stamped too far in the future did not count when they arrived; once the
  /// clock has caught up with them, their registers are read again. Entries that may have
  /// been early are exactly those beyond the last check plus the allowed drift.
  /// Nothing is written unless something is due, which is rare: opening a store to read it
  /// must not need the write lock.
  private func refreshDueStatuses() throws {
    let now = wallClock()
    func due(_ db: Database) throws -> [Row] {
      let checked =
        try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'status_checked'").flatMap(UInt64.init) ?? 0
      let low = HLCTimestamp(milliseconds: min(checked + HybridLogicalClock.defaultMaximumDrift, (1 << 48) - 1))
      let high = HLCTimestamp(milliseconds: now + HybridLogicalClock.defaultMaximumDrift, logical: .max)
      return try db.rows(
        sql: """
          SELECT DISTINCT record, person FROM status_entry
          WHERE (hlc > ?1 AND hlc <= ?2) OR (superseded_at > ?1 AND superseded_at <= ?2)
          """,
        arguments: [Int64(low.packed), Int64(high.packed)])
    }
    guard try !queue.read(due).isEmpty else { return }
    try queue.write { db in
      let due = try due(db)
      let registers = StatusRegisters(db: db)
      for row in due {
        try registers.refresh(record: row["record"], person: row["person"], now: HLCTimestamp(milliseconds: now))
      }
      try db.exec(
        sql:
          "INSERT INTO meta (key, value) VALUES ('status_checked', ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
        arguments: [String(now)])
    }
  }

  /// Runs `body` in one transaction: everything it commits lands together or not at all.
  /// Ctrl-C in the REPL stops it at the next SQLite step; everything rolls back.
  public func write<T>(_ body: (WriteSession) throws -> T) throws -> T {
    let budget = QueryBudget(seconds: nil)
    return try queue.write { db in
      try budget.run(on: db.sqliteConnection) {
        let session = try WriteSession(db: db, local: local, now: wallClock)
        let result = try body(session)
        try session.finish()
        return result
      }
    }
  }

  /// Runs `body` with a read-only view of the store.
  public func read<T>(_ body: (StoreReader) throws -> T) throws -> T {
    try queue.read { db in try body(StoreReader(db: db)) }
  }

  /// Copies the whole store, consistently, to a new file (SQLite's online backup).
  public func backup(to path: String) throws {
    let target = try DatabaseQueue(path: path)
    try queue.backup(to: target)
  }

  /// The hybrid logical clock now, without issuing a timestamp.
  public func currentTimestamp() throws -> HLCTimestamp {
    try read { reader in
      let last = try reader.lastTimestamp()
      let wall = HLCTimestamp(milliseconds: wallClock())
      return max(last, wall)
    }
  }
}
