import Foundation
import GRDB
import GRDBSQLite

/// Bounds what runs on a connection: it stops at a time limit (for queries a person typed),
/// or as soon as the person asks to cancel (Ctrl-C in the REPL), through SQLite's progress
/// handler, which SQLite calls every 65,536 virtual-machine steps (well under a
/// millisecond; more often would cost the write paths time for nothing). A stopped
/// statement fails with SQLITE_INTERRUPT and its transaction rolls back.
final class QueryBudget: @unchecked Sendable {
  let seconds: Double?
  let deadline: Date?
  private(set) var timedOut = false

  init(seconds: Double?) {
    self.seconds = seconds
    deadline = seconds.map { Date(timeIntervalSinceNow: $0) }
  }

  /// Called by SQLite; true stops the statement.
  func shouldStop() -> Bool {
    if Cancellation.isRequested() { return true }
    if let deadline, Date() >= deadline {
      timedOut = true
      return true
    }
    return false
  }

  /// Runs `body` with this budget installed on `connection`, removing it afterwards. An
  /// interrupted statement's error becomes the person's words: cancelled, or the limit.
  func run<T>(on connection: OpaquePointer?, _ body: () throws -> T) throws -> T {
    let context = Unmanaged.passRetained(self)
    sqlite3_progress_handler(
      connection, 65_536,
      { pointer in
        Unmanaged<QueryBudget>.fromOpaque(pointer!).takeUnretainedValue().shouldStop() ? 1 : 0
      }, context.toOpaque())
    defer {
      sqlite3_progress_handler(connection, 0, nil, nil)
      context.release()
    }
    do {
      return try body()
    } catch let error as DatabaseError where error.resultCode == .SQLITE_INTERRUPT {
      throw timedOut ? StoreError.timeLimit(seconds ?? 0) : StoreError.cancelled
    }
  }
}

/// Whether the person asked to cancel the running command. The REPL points this at the
/// flag its SIGINT handler sets (a C `sig_atomic_t`: nothing in Swift runs in the handler);
/// elsewhere nothing cancels.
public enum Cancellation {
  nonisolated(unsafe) public static var isRequested: @Sendable () -> Bool = { false }
}

extension Store {
  /// How long a query in the query language may run before it is stopped.
  public static let queryTimeLimit = 10.0

  /// `read`, bounded by `queryTimeLimit` and by Ctrl-C: for queries a person typed.
  public func boundedRead<T>(seconds: Double = Store.queryTimeLimit, _ body: (StoreReader) throws -> T) throws -> T {
    let budget = QueryBudget(seconds: seconds)
    return try queue.read { db in try budget.run(on: db.sqliteConnection) { try body(StoreReader(db: db)) } }
  }
}

extension StoreError {
  public static let cancelled = StoreError("cancelled")
  public static let cancelledWrite = StoreError("cancelled; nothing was written")

  static func timeLimit(_ seconds: Double) -> StoreError {
    StoreError(
      "the query was stopped after \(Int(seconds)) s, the time limit; narrow it (add terms or filters) and try again")
  }
}
