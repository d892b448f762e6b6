import GRDB
import GRDBSQLite

/// The indexes that only readers use (listings, searches, `gloss log RECORD`, the due-status
/// check at opening), dropped while a large batch of operations applies and built again
/// before it commits, in the same transaction.
///
/// Why: each of these is keyed by something other than arrival order (a target, a tag, a
/// person, a year), so keeping it up costs a random B-tree leaf per operation, about 6.6 µs
/// of a million-operation import's 22. Building it again sorts every row once: about 1.5 µs
/// per row at a million operations. Applying never reads them: what it looks up goes
/// through the primary keys, `operation_creation`, `tag_entry_op`, `status_entry_op`,
/// `note_home` and the record's unique and identifier indexes.
///
/// Invariant: nobody outside the transaction sees a store without them. The drop, the
/// applying and the rebuild commit together or roll back together, so a crash or an error
/// leaves the indexes as they were.
struct DeferredIndexes {
  static let names = [
    "operation_target", "tag_entry_key", "status_person", "status_entry_hlc", "status_entry_superseded",
    "note_record", "record_newest",
  ]

  /// Deferring pays when the batch's cost of keeping the indexes (about 6.6 µs per operation)
  /// exceeds that of building them over the whole log (about 1.5 µs per row): a batch of at
  /// least a third of what the log holds. Below `minimumBatch` the difference is a few
  /// milliseconds either way, and keeping them is simpler.
  static func pay(incoming: Int, logged: Int) -> Bool {
    incoming >= minimumBatch && incoming * 3 >= logged
  }

  static let minimumBatch = 10_000

  /// Each index's definition as the store holds it, so that the rebuilt index is exactly
  /// the one dropped.
  private let definitions: [String]

  /// Drops the indexes, inside the caller's transaction.
  init(dropping db: Database) throws {
    var definitions: [String] = []
    for name in Self.names {
      guard
        let definition = try String.fetchOne(
          db, sql: "SELECT sql FROM sqlite_schema WHERE type = 'index' AND name = ?", arguments: [name])
      else { continue }
      definitions.append(definition)
      // The name comes from the fixed list above, never from input.
      try db.execute(sql: "DROP INDEX \(name)")
    }
    self.definitions = definitions
  }

  /// Builds the indexes again, before the transaction commits.
  ///
  /// SQLite sorts each index's keys in memory up to the size of the page cache, on top of
  /// the cache, which the transaction has filled with changed pages: a million-operation
  /// import peaked at 216 MiB. So the changed pages are first written to the write-ahead
  /// log (where the commit would write them; they stay uncommitted), which lets a cache a
  /// quarter the size release them, and the keys are sorted in pieces of that size.
  func rebuild(_ db: Database, cacheKilobytes: Int) throws {
    let flushed = sqlite3_db_cacheflush(db.sqliteConnection)
    guard flushed == SQLITE_OK else { throw DatabaseError(resultCode: ResultCode(rawValue: flushed)) }
    try db.execute(sql: "PRAGMA cache_size = -\(cacheKilobytes / 4)")
    for definition in definitions { try db.execute(sql: definition) }
    try db.execute(sql: "PRAGMA cache_size = -\(cacheKilobytes)")
  }
}
