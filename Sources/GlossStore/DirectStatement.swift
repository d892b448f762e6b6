import GRDB
import GRDBSQLite

/// A statement that applying runs once or more per operation, with its arguments bound
/// and its rows read through SQLite's C interface.
///
/// GRDB's `StatementArguments` box each argument, convert it to a `DatabaseValue` and
/// bind it inside nested closures, and its `Row` copies every column into a dictionary-like
/// object: for the small rows of the log and the registers, that cost a tenth of a bundle
/// import, and a note's edit, which reads the note and its entries first, spent a third of
/// its time there. Only plain statements run here, and nothing observes the store (no
/// transaction observers), so what GRDB does around a step has nothing to do for them;
/// those that write run inside a transaction GRDB opened. Everything else goes through
/// GRDB. Public for `Scripts/bench sync`, whose plain-INSERT floor binds as the log insert
/// does.
public struct DirectStatement {
  private let db: Database
  private let statement: Statement

  /// The statement from GRDB's cache: GRDB resets and binds every argument again whenever
  /// it runs a cached statement itself, so sharing one is safe.
  public init(_ db: Database, sql: String) throws {
    self.db = db
    self.statement = try db.cachedStatement(sql: sql)
  }

  public enum Value {
    case int(Int64)
    case text(String)
    case blob([UInt8])
    case null
  }

  /// Runs the statement to its end with `values` for its arguments, in order.
  public func execute(_ values: Value...) throws {
    try run(values) { _ in }
  }

  /// Runs an INSERT with `values` for its arguments, and returns the row id it gave its
  /// row, read from the statement's connection: GRDB's `lastInsertedRowID` first checks
  /// that it runs on the database's queue, which cost as much as the insert's binding for
  /// each operation logged.
  func insert(_ values: Value...) throws -> Int64 {
    try run(values) { _ in }
    return sqlite3_last_insert_rowid(sqlite3_db_handle(statement.sqliteStatement))
  }

  /// Runs the statement with `values` for its arguments and hands each row to `body`,
  /// which must not keep the row: its columns are valid only during the call.
  func forEachRow(_ values: Value..., body: (Columns) throws -> Void) throws {
    try run(values, body: body)
  }

  /// The first column of the first row, if there is a row and that column is not NULL.
  func int(_ values: Value...) throws -> Int64? {
    var first: Int64?
    try run(values) { row in
      if first == nil, !row.isNull(0) { first = row.int(0) }
    }
    return first
  }

  /// The columns of the row a statement stands on.
  struct Columns {
    fileprivate let handle: OpaquePointer

    func int(_ column: Int32) -> Int64 { sqlite3_column_int64(handle, column) }

    func isNull(_ column: Int32) -> Bool { sqlite3_column_type(handle, column) == SQLITE_NULL }

    /// The column as text; NULL reads as the empty string.
    func text(_ column: Int32) -> String {
      guard let bytes = sqlite3_column_text(handle, column) else { return "" }
      let count = Int(sqlite3_column_bytes(handle, column))
      return String(decoding: UnsafeBufferPointer(start: bytes, count: count), as: UTF8.self)
    }
  }

  private func run(_ values: [Value], body: (Columns) throws -> Void) throws {
    let handle = statement.sqliteStatement
    precondition(
      values.count == sqlite3_bind_parameter_count(handle), "\(statement.sql) given \(values.count) arguments")
    sqlite3_reset(handle)
    for (offset, value) in values.enumerated() {
      let index = Int32(offset + 1)
      let code: Int32
      switch value {
      case .int(let number): code = sqlite3_bind_int64(handle, index, number)
      case .text(var text):
        // An empty string has no storage: a null pointer would bind NULL, not ''.
        code = text.withUTF8 { utf8 in
          utf8.baseAddress.map { sqlite3_bind_text(handle, index, $0, Int32(utf8.count), Self.transient) }
            ?? sqlite3_bind_text(handle, index, "", 0, Self.transient)
        }
      case .blob(let bytes):
        code = bytes.withUnsafeBytes { raw in
          raw.baseAddress.map { sqlite3_bind_blob(handle, index, $0, Int32(raw.count), Self.transient) }
            ?? sqlite3_bind_zeroblob(handle, index, 0)
        }
      case .null: code = sqlite3_bind_null(handle, index)
      }
      guard code == SQLITE_OK else { throw failure(code) }
    }
    while true {
      switch sqlite3_step(handle) {
      case SQLITE_DONE:
        sqlite3_reset(handle)
        return
      case SQLITE_ROW:
        do { try body(Columns(handle: handle)) } catch {
          sqlite3_reset(handle)
          throw error
        }
      case let code:
        let error = failure(code)
        sqlite3_reset(handle)
        throw error
      }
    }
  }

  private func failure(_ code: Int32) -> DatabaseError {
    DatabaseError(
      resultCode: ResultCode(rawValue: code), message: String(cString: sqlite3_errmsg(db.sqliteConnection)),
      sql: statement.sql)
  }

  /// SQLite copies the bytes before the bind call returns: the strings and arrays bound
  /// need not outlive it.
  private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)
}
