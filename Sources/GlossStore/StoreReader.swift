import Foundation
import GRDB
import GlossCore

/// Read queries over one connection. Every statement takes its values as arguments.
public struct StoreReader {
  let db: Database

  func lastTimestamp() throws -> HLCTimestamp {
    let text = try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'hlc'")
    return HLCTimestamp(packed: text.flatMap { UInt64($0) } ?? 0)
  }

  /// The id of the record whose key, as shown, is `citekey`.
  public func recordShowing(citekey: String) throws -> String? {
    try String.fetchOne(db, sql: "SELECT id FROM record WHERE citekey = ?", arguments: [citekey])
  }

  /// Read through SQLite's C interface: an import asks this once per record.
  public func recordRef(id: String) throws -> RecordRef? {
    var found: RecordRef?
    try DirectStatement(db, sql: "SELECT num, origin, merged_into FROM record WHERE id = ?").forEachRow(.text(id)) {
      found = RecordRef(num: $0.int(0), id: id, origin: $0.int(1), group: $0.isNull(2) ? nil : $0.int(2))
    }
    return found
  }

  public func recordRef(num: Int64) throws -> RecordRef? {
    let statement = try db.cachedStatement(sql: "SELECT id, origin, merged_into FROM record WHERE num = ?")
    guard let row = try Row.fetchOne(statement, arguments: [num]) else { return nil }
    return RecordRef(num: num, id: row["id"], origin: row["origin"], group: row["merged_into"])
  }

  /// Finds a record by id, by an unambiguous id prefix of 4 or more characters, or by citekey.
  /// A record merged into another is that other record (the one its group shows), unless
  /// `followingMerges` is false.
  public func resolveRecord(_ text: String, followingMerges: Bool = true) throws -> RecordRef {
    let found = try resolveOwnRecord(text)
    guard followingMerges, found.group != found.num else { return found }
    return try recordRef(num: found.group)!
  }

  private func resolveOwnRecord(_ text: String) throws -> RecordRef {
    let key = text.lowercased()
    if key.count >= 4, key.count <= RecordID.length,
      key.allSatisfy({ $0.isASCII && ($0.isLetter || ("2"..."7").contains($0)) })
    {
      let rows = try db.rows(
        sql: "SELECT num, id, origin, merged_into FROM record WHERE id >= ? AND id < ? ORDER BY id LIMIT 11",
        arguments: [key, key + "~"])
      if rows.count == 1 { return Self.ref(rows[0]) }
      if rows.count > 1 {
        let shown = try rows.prefix(10).map { row in try describe(num: row["num"]) }
        throw StoreError(
          "'\(text)' is ambiguous: it starts \(rows.count > 10 ? "more than 10" : "\(rows.count)") record ids:\n"
            + shown.joined(separator: "\n") + "\ntype more characters of the id")
      }
    }
    let rows = try db.rows(
      sql: "SELECT num, id, origin, merged_into FROM record WHERE citekey = ? ORDER BY id LIMIT 11", arguments: [key])
    if rows.count == 1 { return Self.ref(rows[0]) }
    if rows.count > 1 {
      let shown = try rows.map { row in try describe(num: row["num"]) }
      throw StoreError(
        "citekey '\(text)' names \(rows.count) records:\n" + shown.joined(separator: "\n") + "\nuse the id instead")
    }
    if key.count < 4, key.allSatisfy({ $0.isLetter || $0.isNumber }) {
      throw StoreError("no record '\(text)': an id prefix needs at least 4 characters")
    }
    throw StoreError("no record with id or citekey '\(text)'; `gloss search WORDS` finds records by content")
  }

  /// A record reference from a row with `num, id, origin, merged_into`.
  static func ref(_ row: Row) -> RecordRef {
    RecordRef(num: row["num"], id: row["id"], origin: row["origin"], group: row["merged_into"])
  }

  private func describe(num: Int64) throws -> String {
    let row = try db.row(sql: "SELECT id, citekey, title FROM record WHERE num = ?", arguments: [num])!
    let title: String = row["title"]
    return "  \(row["id"] as String)  \(row["citekey"] as String)  \(title.prefix(60))"
  }

  static let recordColumns = """
    num, id, citekey, title, authors, et_al, journal, year, date, volume, issue, pages, pubmed, free_full_text,
    abstract, topics, sources, library
    """

  static let qualifiedColumns = recordColumns.split(separator: ",")
    .map { "record." + $0.trimmingCharacters(in: .whitespacesAndNewlines) }.joined(separator: ", ")

  /// A record from a row whose first columns are `recordColumns`, read by position: a
  /// lookup by name lowercases the name every time, a tenth of reading a large listing.
  static func view(_ row: Row) -> RecordView {
    var publication = Publication(
      authors: RecordColumns.splitAuthors(row[4]), etAl: row[5], title: row[3], journal: row[6], year: row[7],
      date: row[8], volume: row[9], issue: row[10], pages: row[11], pubmed: row[12], freeFullText: row[13],
      abstract: RecordColumns.splitAbstract(row[14]), topics: RecordColumns.splitSet(row[15]),
      sources: RecordColumns.splitSet(row[16]))
    RecordColumns.setLibraryFields(row[17], on: &publication)
    return RecordView(num: row[0], id: row[1], citekey: row[2], publication: publication)
  }

  /// Each record matching a (not ranked) query, in list order, one at a time from a
  /// cursor: an export of the whole store never holds it all in memory.
  public func eachRecord(_ query: CompiledQuery, _ body: (RecordView) throws -> Void) throws {
    try checkReferences(query)
    let rows = try Row.fetchCursor(db, sql: Self.listingSQL(query), arguments: StatementArguments(query.arguments))
    while let row = try rows.next() { try body(Self.view(row)) }
  }

  /// The records a (not ranked) query selects, newest first. A group of records that are
  /// one paper is listed once, as its survivor.
  static func listingSQL(_ query: CompiledQuery) -> String {
    var sql = "SELECT \(qualifiedColumns) FROM record WHERE record.merged_into IS NULL"
    if !query.conditions.isEmpty { sql += " AND (" + query.conditions + ")" }
    return sql + " ORDER BY record.year DESC, record.date DESC, record.num"
  }

  public func publication(num: Int64) throws -> Publication? {
    try record(num: num)?.publication
  }

  public func record(num: Int64) throws -> RecordView? {
    let statement = try db.cachedStatement(sql: "SELECT \(Self.recordColumns) FROM record WHERE num = ?")
    guard let row = try Row.fetchOne(statement, arguments: [num]) else { return nil }
    var view = Self.view(row)
    view.conflictedFields = try conflictedFields(num: num)
    return view
  }

  public func conflictedFields(num: Int64) throws -> [RecordField] {
    try String.fetchAll(
      db,
      sql:
        "SELECT field FROM field_entry WHERE record = ? GROUP BY field HAVING count(DISTINCT value) > 1 ORDER BY field",
      arguments: [num]
    ).compactMap(RecordField.init(rawValue:))
  }

  /// Records matching a compiled query, newest first, or by relevance for words alone;
  /// `more` says whether records beyond `limit` match.
  public func records(_ query: CompiledQuery, limit: Int?) throws -> (records: [RecordView], more: Bool) {
    try checkReferences(query)
    if let match = query.rankedMatch { return try ranked(match, limit: limit ?? Int.max / 2) }
    var sql = Self.listingSQL(query)
    var arguments: [any DatabaseValueConvertible] = query.arguments
    if let limit {
      sql += " LIMIT ?"
      arguments += [limit + 1]
    }
    var records = try db.rows(sql: sql, arguments: StatementArguments(arguments)).map(Self.view)
    let more = limit.map { records.count > $0 } ?? false
    if more { records.removeLast() }
    return (records, more)
  }

  /// Records whose notes match come first (a person's own words about a paper), then
  /// records by FTS5's bm25 rank, which FTS5 computes and sorts itself under LIMIT.
  private func ranked(_ match: String, limit: Int) throws -> (records: [RecordView], more: Bool) {
    var nums = try Int64.fetchAll(
      db,
      sql: """
        SELECT \(NoteHits.record) AS hit_record FROM \(NoteHits.source)
        WHERE note_fts MATCH ? AND \(NoteHits.isShown) GROUP BY hit_record ORDER BY min(note_fts.rank) LIMIT ?
        """, arguments: [match, limit + 1])
    var seen = Set(nums)
    // A merged record's words find the record its group shows.
    let hits = try Int64.fetchAll(
      db,
      sql: """
        SELECT coalesce(record.merged_into, record.num) FROM record_fts JOIN record ON record.num = record_fts.rowid
        WHERE record_fts MATCH ? ORDER BY record_fts.rank LIMIT ?
        """,
      arguments: [match, limit + 1 + nums.count])
    for num in hits where seen.insert(num).inserted { nums.append(num) }
    let more = nums.count > limit
    let statement = try db.cachedStatement(sql: "SELECT \(Self.recordColumns) FROM record WHERE num = ?")
    let records = try nums.prefix(limit).compactMap { num in
      try Row.fetchOne(statement, arguments: [num]).map(Self.view)
    }
    return (records, more)
  }

  /// Records as listed: a group of records that are one paper counts once.
  public func recordCount() throws -> Int {
    try Int.fetchOne(db, sql: "SELECT count(*) FROM record WHERE merged_into IS NULL") ?? 0
  }

  public func operationCount() throws -> Int { try Int.fetchOne(db, sql: "SELECT count(*) FROM operation") ?? 0 }

  /// The log, newest first; only operations on `target` (a record, with its notes) when given.
  /// That reads the whole log (0.16 s at a million operations): no index of it by target is
  /// kept, as one cost every operation applied a random B-tree leaf (migration v13).
  public func operations(target: RecordRef? = nil, limit: Int? = nil) throws -> [Op] {
    var sql = """
      SELECT r.id AS replica, o.counter, o.hlc, o.person, o.kind, o.target, o.payload, o.supersedes, o.requires
      FROM operation o JOIN replica r ON r.num = o.replica
      """
    var arguments: [any DatabaseValueConvertible] = []
    if let target {
      sql += " WHERE o.target = ? OR o.target IN (SELECT id FROM note WHERE record = ?)"
      arguments += [target.id, target.num]
    }
    sql += " ORDER BY o.hlc DESC, r.id DESC"
    if let limit {
      sql += " LIMIT ?"
      arguments.append(limit)
    }
    return try db.rows(sql: sql, arguments: StatementArguments(arguments)).map(Self.operation)
  }

  static func operation(_ row: Row) throws -> Op {
    let body = try OperationBody(kind: row["kind"], payload: try JSONValue(parsing: row["payload"]))
    return Op(
      dot: Dot(replica: ReplicaID(hex: row["replica"])!, counter: UInt64(row["counter"] as Int64)),
      timestamp: HLCTimestamp(packed: UInt64(row["hlc"] as Int64)), person: row["person"], target: row["target"],
      body: body, supersedes: LogDots.dots(row["supersedes"]), requires: LogDots.dots(row["requires"]))
  }

  /// The vector clock, with each replica's person.
  public func clock() throws -> [(replica: ReplicaID, person: String, counter: UInt64, isLocal: Bool)] {
    try db.rows(
      sql: """
        SELECT r.id, r.person, coalesce(c.counter, 0) AS counter, r.is_local FROM replica r
        LEFT JOIN clock c ON c.replica = r.num ORDER BY r.id
        """
    ).map { row in (ReplicaID(hex: row["id"])!, row["person"], UInt64(row["counter"] as Int64), row["is_local"]) }
  }

  public func vectorClock() throws -> VectorClock {
    var clock = VectorClock()
    for entry in try self.clock() { clock[entry.replica] = entry.counter }
    return clock
  }

  /// The dots a write on this field would supersede: the register's current entries.
  public func fieldDots(record: RecordRef, field: RecordField) throws -> [Dot] {
    try FieldRegisters(db: db).load(record: record, field: field).register.dots
  }

  public func originDot(record: RecordRef) throws -> Dot {
    let row = try db.row(
      sql: "SELECT r.id, o.counter FROM operation o JOIN replica r ON r.num = o.replica WHERE o.seq = ?",
      arguments: [record.origin])!
    return Dot(replica: ReplicaID(hex: row["id"])!, counter: UInt64(row["counter"] as Int64))
  }
}
