import GRDB
import GlossCore

/// Schema v9: the list columns (`authors`, `abstract`, `topics`, `sources`) were joined
/// with U+001F and U+001E without escaping, so a topic `""` vanished, a topic holding
/// U+001F became two, an abstract label `""` read as no label and U+001E inside an
/// abstract split its section. A field register with no entry rows reads its value from
/// the column, so the loss reached merges too. The columns are derived again from the log,
/// which always held the values whole, in `RecordColumns`' lossless encoding.
enum LosslessListsMigration {
  static func run(_ db: Database) throws {
    var creations: [String: (topics: Set<String>, sources: Set<String>)] = [:]
    var origins: [Int64: Publication] = [:]
    let records = try Row.fetchAll(db, sql: "SELECT num, id, origin FROM record")
    let originSeqs = Set(records.map { $0["origin"] as Int64 })
    let rows = try Row.fetchCursor(
      db, sql: "SELECT seq, target, payload FROM operation WHERE kind = 'record.create' ORDER BY seq")
    while let row = try rows.next() {
      guard
        case .createRecord(let publication) = try OperationBody(
          kind: "record.create", payload: try JSONValue(parsing: row["payload"]))
      else { continue }
      let target: String = row["target"]
      creations[target, default: ([], [])].topics.formUnion(publication.topics)
      creations[target, default: ([], [])].sources.formUnion(publication.sources)
      let seq: Int64 = row["seq"]
      if originSeqs.contains(seq) { origins[seq] = publication }
    }
    let registers = FieldRegisters(db: db)
    for row in records {
      let num: Int64 = row["num"]
      let id: String = row["id"]
      guard let origin = origins[row["origin"]] else { continue }
      let record = RecordRef(num: num, id: id, origin: row["origin"])
      var columns: [String: String] = [
        "authors": RecordColumns.joinAuthors(origin.authors),
        "abstract": RecordColumns.joinAbstract(origin.abstract),
        "topics": RecordColumns.joinSet(Array(creations[id]?.topics ?? [])),
        "sources": RecordColumns.joinSet(Array(creations[id]?.sources ?? [])),
      ]
      // A field written since its creation has entry rows, which hold values whole.
      for field in [RecordField.authors, .abstract] {
        let hasEntries = try Bool.fetchOne(
          db, sql: "SELECT EXISTS (SELECT 1 FROM field_entry WHERE record = ? AND field = ?)",
          arguments: [num, field.rawValue])!
        guard hasEntries, let winner = try registers.load(record: record, field: field).register.winner else {
          continue
        }
        var written = Publication(title: "")
        written.set(field, to: winner.value)
        columns[RecordColumns.names[field]!] =
          field == .authors
          ? RecordColumns.joinAuthors(written.authors) : RecordColumns.joinAbstract(written.abstract)
      }
      let current = try Row.fetchOne(
        db, sql: "SELECT authors, abstract, topics, sources FROM record WHERE num = ?", arguments: [num])!
      for (column, value) in columns.sorted(by: { $0.key < $1.key }) where current[column] as String != value {
        // The column names are this function's own literals, never input.
        try db.execute(sql: "UPDATE record SET \(column) = ? WHERE num = ?", arguments: [value, num])
      }
    }
  }
}
