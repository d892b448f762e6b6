import Foundation
import GRDB
import GRDBSQLite

/// A person's own SQL (`gloss sql`), run on a connection of its own that is opened
/// read-only and guarded by an SQLite authorizer allowing only reads: no ATTACH (which
/// would create files anywhere), no PRAGMA that changes limits or state, no transaction
/// control, one statement at a time. It stops at `sqlTimeLimit` seconds, on Ctrl-C, or
/// when its rows pass `sqlResultBytes`; SQLite's own memory is capped meanwhile.
extension Store {
  public static let sqlTimeLimit = 10.0
  public static let sqlResultBytes = 256 << 20
  static let sqlHeapLimit: Int64 = 1 << 30

  /// Pragmas that only describe the schema.
  static let readOnlyPragmas: Set<String> = [
    "table_info", "table_xinfo", "table_list", "index_list", "index_info", "index_xinfo", "foreign_key_list",
    "collation_list", "function_list", "pragma_list", "compile_options",
  ]

  public func readOnlyQuery(_ sql: String, seconds: Double = Store.sqlTimeLimit) throws -> (
    columns: [String], rows: [[DatabaseValue]]
  ) {
    guard path != ":memory:" else { throw StoreError("sql needs a store file, not an in-memory store") }
    var connection: OpaquePointer?
    guard sqlite3_open_v2(path, &connection, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, nil) == SQLITE_OK else {
      sqlite3_close(connection)
      throw StoreError("\(path) cannot be opened to read")
    }
    defer { sqlite3_close(connection) }
    sqlite3_busy_timeout(connection, 5_000)
    sqlite3_set_authorizer(
      connection,
      { _, action, first, _, _, _ in
        switch action {
        case SQLITE_SELECT, SQLITE_READ, SQLITE_FUNCTION, SQLITE_RECURSIVE: return SQLITE_OK
        case SQLITE_PRAGMA:
          let name = first.map { String(cString: $0).lowercased() } ?? ""
          return Store.readOnlyPragmas.contains(name) ? SQLITE_OK : SQLITE_DENY
        default: return SQLITE_DENY
        }
      }, nil)
    let previousHeapLimit = sqlite3_hard_heap_limit64(-1)
    sqlite3_hard_heap_limit64(Self.sqlHeapLimit)
    defer { sqlite3_hard_heap_limit64(previousHeapLimit) }

    var statement: OpaquePointer?
    var tail: UnsafePointer<CChar>?
    let prepared = sql.withCString { text in
      let code = sqlite3_prepare_v2(connection, text, -1, &statement, &tail)
      let rest = tail.map { String(cString: $0) } ?? ""
      return (code, rest.trimmingCharacters(in: .whitespacesAndNewlines.union(CharacterSet(charactersIn: ";"))))
    }
    defer { sqlite3_finalize(statement) }
    guard prepared.0 == SQLITE_OK else { throw Self.sqlError(connection, code: prepared.0) }
    guard let statement else { throw StoreError("SQL: the query is empty") }
    guard prepared.1.isEmpty else { throw StoreError("SQL: give one statement at a time") }
    let count = sqlite3_column_count(statement)
    let columns = (0..<count).map { String(cString: sqlite3_column_name(statement, $0)) }
    var rows: [[DatabaseValue]] = []
    var bytes = 0
    let budget = QueryBudget(seconds: seconds)
    let code = try budget.run(on: connection) { () -> Int32 in
      while true {
        let step = sqlite3_step(statement)
        guard step == SQLITE_ROW else { return step }
        var row: [DatabaseValue] = []
        row.reserveCapacity(Int(count))
        for index in 0..<count {
          let value = Self.value(statement, index)
          bytes += 16 + Int(sqlite3_column_bytes(statement, index))
          row.append(value)
        }
        rows.append(row)
        if bytes > Self.sqlResultBytes { return SQLITE_TOOBIG }
      }
    }
    switch code {
    case SQLITE_DONE: return (columns, rows)
    case SQLITE_INTERRUPT: throw budget.timedOut ? StoreError.sqlTimeLimit(seconds) : StoreError.cancelled
    case SQLITE_TOOBIG:
      throw StoreError(
        "SQL: the result passed \(Self.sqlResultBytes >> 20) MiB and was stopped; add a LIMIT or select fewer columns")
    default: throw Self.sqlError(connection, code: code)
    }
  }

  static func value(_ statement: OpaquePointer, _ index: Int32) -> DatabaseValue {
    switch sqlite3_column_type(statement, index) {
    case SQLITE_INTEGER: return sqlite3_column_int64(statement, index).databaseValue
    case SQLITE_FLOAT: return sqlite3_column_double(statement, index).databaseValue
    case SQLITE_TEXT: return String(cString: sqlite3_column_text(statement, index)).databaseValue
    case SQLITE_BLOB:
      let length = Int(sqlite3_column_bytes(statement, index))
      guard length > 0, let pointer = sqlite3_column_blob(statement, index) else { return Data().databaseValue }
      return Data(bytes: pointer, count: length).databaseValue
    default: return .null
    }
  }

  /// The person's own SQL error, in SQLite's words: they wrote the SQL, so its syntax
  /// errors are theirs to read. A refused action says what is allowed instead.
  static func sqlError(_ connection: OpaquePointer?, code: Int32) -> StoreError {
    if code == SQLITE_AUTH || code & 0xff == SQLITE_AUTH {
      return StoreError(
        "SQL: only reading is allowed (SELECT, WITH, and the schema pragmas \(readOnlyPragmas.sorted().joined(separator: ", "))); "
          + "ATTACH, other pragmas and changes are refused")
    }
    if code == SQLITE_NOMEM || code & 0xff == SQLITE_NOMEM {
      return StoreError("SQL: the query needed more than \(sqlHeapLimit >> 20) MiB and was stopped; narrow it")
    }
    let message = connection.map { String(cString: sqlite3_errmsg($0)) } ?? "error \(code)"
    if message.contains("not authorized") {
      return sqlError(nil, code: SQLITE_AUTH)
    }
    return StoreError("SQL: \(message)")
  }
}

extension StoreError {
  static func sqlTimeLimit(_ seconds: Double) -> StoreError {
    StoreError("SQL: the query was stopped after \(Int(seconds)) s, the time limit for sql; narrow it or add a LIMIT")
  }
}
