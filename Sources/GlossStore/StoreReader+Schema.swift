import GRDB

/// One table, index, view or trigger of the store's schema, for the REPL's `.tables` and
/// `.schema`.
public struct SchemaEntry: Sendable, Equatable {
  public let type: String
  public let name: String
  /// The table an index or trigger belongs to; the table itself for a table.
  public let table: String
  public let sql: String
}

extension StoreReader {
  /// The schema as a person reads it: tables, views, their indexes and triggers, without
  /// SQLite's internal tables and the shadow tables FTS5 keeps behind each index.
  public func schema() throws -> [SchemaEntry] {
    let entries = try Row.fetchAll(
      db,
      sql: """
        SELECT type, name, tbl_name, sql FROM sqlite_master
        WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'
        ORDER BY tbl_name, type = 'table' DESC, name
        """
    ).map { SchemaEntry(type: $0["type"], name: $0["name"], table: $0["tbl_name"], sql: $0["sql"]) }
    let virtual = entries.filter { $0.sql.uppercased().hasPrefix("CREATE VIRTUAL TABLE") }.map(\.name)
    return entries.filter { entry in !virtual.contains { entry.table.hasPrefix($0 + "_") } }
  }
}
