import GRDB
import GlossCore

/// The full-text entries a write session has yet to make. Records and notes are indexed
/// in bulk, a statement for many, not one by one by triggers: FTS5 writes its pending
/// index to disk at every statement that changes it, which made a 50,000-record import
/// spend most of its time building and merging tiny segments, and a note's creation or
/// edit cost seven times a tag's.
///
/// Invariant: when a write session ends (`OperationApplier.flush`), each index holds
/// exactly what its table does.
struct FullTextBacklog {
  /// The first record created in this session that is not indexed yet; records created
  /// later have larger row numbers.
  private var unindexedFrom: Int64?
  /// Notes created or rewritten since they were last indexed.
  private var notes: Set<Int64> = []
  /// For each of those notes indexed before, the body its entry was made from, which FTS5
  /// needs to remove that entry: an external-content index holds no copy.
  private var indexedBodies: [Int64: String] = [:]
  /// Notes are indexed once this many are marked, or once this many of their old bodies
  /// are kept, so that a bundle of any size costs bounded memory: a marked note costs a
  /// few bytes, a kept body its length. Rarely, so that a large import's new notes, held
  /// until then (`HeldEntries`), are written once, with their last bodies.
  private static let notesPerIndexing = 200_000
  private static let bodiesPerIndexing = 10_000

  mutating func recordCreated(_ num: Int64) {
    if unindexedFrom == nil { unindexedFrom = num }
  }

  /// Indexes the records created since the last call. It must run before any indexed
  /// column of such a record changes (the update trigger removes the old words from the
  /// index, which must hold them; pass the record about to change as `before`) and before
  /// the session ends.
  mutating func indexRecords(_ db: Database, before record: Int64? = nil) throws {
    guard let from = unindexedFrom, record.map({ $0 >= from }) ?? true else { return }
    try db.exec(
      sql: """
        INSERT INTO record_fts (rowid, title, abstract, authors, journal)
        SELECT num, title, abstract, authors, journal FROM record WHERE num >= ? ORDER BY num
        """, arguments: [from])
    unindexedFrom = nil
  }

  /// Whether the notes must be indexed (`indexNotes`) before `note` is marked: before its
  /// own new body is written, so that the entry made is of its body before.
  func isFull(before note: Int64) -> Bool {
    !notes.contains(note) && (notes.count >= Self.notesPerIndexing || indexedBodies.count >= Self.bodiesPerIndexing)
  }

  /// Marks a note's entry out of date, before its new body is written; `indexed` is its
  /// body before this change (nil for a note just created), which is what the entry was
  /// made from if this is the first change since the notes were last indexed. Call
  /// `indexNotes` first when `isFull`.
  mutating func noteChanged(_ note: Int64, indexed: String?) {
    if notes.insert(note).inserted, let indexed { indexedBodies[note] = indexed }
  }

  /// Brings the entries of the changed notes up to date: removes each old entry, then adds
  /// the current bodies, one statement each.
  mutating func indexNotes(_ db: Database) throws {
    guard !notes.isEmpty else { return }
    if !indexedBodies.isEmpty {
      let stale = JSONValue.array(
        indexedBodies.sorted { $0.key < $1.key }.map { .array([.int($0.key), .string($0.value)]) })
      try db.exec(
        sql: """
          INSERT INTO note_fts (note_fts, rowid, body)
          SELECT 'delete', json_extract(value, '$[0]'), json_extract(value, '$[1]') FROM json_each(?)
          """, arguments: [stale.canonical])
    }
    try db.exec(
      sql:
        "INSERT INTO note_fts (rowid, body) SELECT num, body FROM note WHERE num IN (SELECT value FROM json_each(?))",
      arguments: [JSONValue.array(notes.sorted().map { .int($0) }).canonical])
    notes.removeAll(keepingCapacity: true)
    indexedBodies.removeAll(keepingCapacity: true)
  }
}
