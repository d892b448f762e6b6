import GRDB
import GlossCore

/// The whole logical state as canonical JSON: records with every register's entries,
/// tags with their additions, notes, reading statuses and open conflicts.
///
/// It holds only what the operations determine (dots, their clocks and values), nothing
/// about when or in what order they arrived, and no local row numbers, so two stores that
/// applied the same operations print byte-identical dumps in any order.
extension StoreReader {
  public func dump() throws -> JSONValue {
    let entrySQL = "r.id AS replica, o.counter AS counter, o.hlc AS hlc, o.person AS person"
    func entry(_ row: Row, _ extra: [String: JSONValue]) -> (Dot, JSONValue) {
      let dot = Dot(replica: ReplicaID(hex: row["replica"])!, counter: UInt64(row["counter"] as Int64))
      var members = extra
      members["dot"] = .string(dot.description)
      members["hlc"] = .int(row["hlc"])
      members["person"] = .string(row["person"])
      return (dot, .object(members))
    }
    func sortedEntries(_ entries: [(Dot, JSONValue)]) -> JSONValue { .array(entries.sorted { $0.0 < $1.0 }.map(\.1)) }

    var fieldRows: [Int64: [String: [(Dot, JSONValue)]]] = [:]
    for row in try db.rows(
      sql: """
        SELECT e.record, e.field, e.value, \(entrySQL) FROM field_entry e
        JOIN operation o ON o.seq = e.op JOIN replica r ON r.num = o.replica
        """)
    {
      fieldRows[row["record"], default: [:]][row["field"], default: []]
        .append(entry(row, ["value": try JSONValue(parsing: row["value"])]))
    }
    var tagRows: [Int64: [String: [Dot]]] = [:]
    var tagDisplay: [String: String] = [:]
    for row in try db.rows(
      sql: """
        SELECT t.record, t.key, tag.display, \(entrySQL) FROM tag_entry t JOIN tag ON tag.key = t.key
        JOIN operation o ON o.seq = t.op JOIN replica r ON r.num = o.replica
        """)
    {
      tagRows[row["record"], default: [:]][row["key"], default: []].append(entry(row, [:]).0)
      tagDisplay[row["key"]] = row["display"]
    }
    var noteEntries: [Int64: [(Dot, JSONValue)]] = [:]
    for row in try db.rows(
      sql: """
        SELECT e.note, e.deleted, e.body, \(entrySQL) FROM note_entry e
        JOIN operation o ON o.seq = e.op JOIN replica r ON r.num = o.replica
        """)
    {
      let deleted: Bool = row["deleted"]
      noteEntries[row["note"], default: []].append(
        entry(row, deleted ? ["deleted": .bool(true)] : ["body": .string(row["body"])]))
    }
    var notes: [Int64: [JSONValue]] = [:]
    for row in try db.rows(
      sql: """
        SELECT n.num, n.id, n.record, n.author, n.anchor, n.state, \(entrySQL) FROM note n
        JOIN operation o ON o.seq = n.origin JOIN replica r ON r.num = o.replica ORDER BY n.id
        """)
    {
      let anchor: String? = row["anchor"]
      notes[row["record"], default: []].append(
        .object([
          "id": .string(row["id"]), "author": .string(row["author"]), "state": .string(row["state"]),
          "anchor": try anchor.map { try JSONValue(parsing: $0) } ?? .null, "created": entry(row, [:]).1,
          "entries": sortedEntries(noteEntries[row["num"]] ?? []),
        ]))
    }
    var statusRows: [Int64: [String: [(Dot, JSONValue)]]] = [:]
    for row in try db.rows(
      sql: """
        SELECT e.record, e.person AS owner, e.status, e.superseded_at, \(entrySQL) FROM status_entry e
        JOIN operation o ON o.seq = e.op JOIN replica r ON r.num = o.replica
        """)
    {
      statusRows[row["record"], default: [:]][row["owner"], default: []].append(
        entry(
          row,
          [
            "status": .string(row["status"]),
            "supersededAt": (row["superseded_at"] as Int64?).map(JSONValue.int) ?? .null,
          ]))
    }

    // Each pair register once, under the pair's smaller id.
    var linkRows: [String: [String: [(Dot, JSONValue)]]] = [:]
    for row in try db.rows(
      sql: """
        SELECT a.id AS first, b.id AS second, l.keep, \(entrySQL) FROM record_link l
        JOIN record a ON a.num = l.low JOIN record b ON b.num = l.high
        JOIN operation o ON o.seq = l.op JOIN replica r ON r.num = o.replica
        """)
    {
      let (first, second): (String, String) = (row["first"], row["second"])
      let keep: String? = row["keep"]
      linkRows[min(first, second), default: [:]][max(first, second), default: []].append(
        entry(row, keep.map { ["keep": .string($0)] } ?? ["separate": .bool(true)]))
    }
    let survivors = Dictionary(
      uniqueKeysWithValues: try db.rows(
        sql: "SELECT a.id, b.id FROM record a JOIN record b ON b.num = a.merged_into"
      ).map { ($0[0] as String, $0[1] as String) })

    var records: [JSONValue] = []
    for row in try db.rows(
      sql: """
        SELECT \(Self.qualifiedColumns), \(entrySQL) FROM record
        JOIN operation o ON o.seq = record.origin JOIN replica r ON r.num = o.replica ORDER BY record.id
        """)
    {
      let num: Int64 = row["num"]
      let view = Self.view(row)
      let origin = entry(row, [:])
      var fields: [String: JSONValue] = [:]
      for field in RecordField.allCases {
        if let entries = fieldRows[num]?[field.rawValue] {
          fields[field.rawValue] = sortedEntries(entries)
        } else if field.isLibraryField, field.isEmpty(view.publication.value(of: field)) {
          // A library field nobody has set is absent, as from the record.create payload.
          continue
        } else {
          var members: [String: JSONValue] = ["value": view.publication.value(of: field)]
          if case .object(let originMembers) = origin.1 { members.merge(originMembers) { current, _ in current } }
          fields[field.rawValue] = .array([.object(members)])
        }
      }
      var tags: [String: JSONValue] = [:]
      for (key, dots) in tagRows[num] ?? [:] {
        tags[key] = .object([
          "display": .string(tagDisplay[key] ?? key),
          "additions": .array(dots.sorted().map { .string($0.description) }),
        ])
      }
      var statuses: [String: JSONValue] = [:]
      for (person, entries) in statusRows[num] ?? [:] { statuses[person] = sortedEntries(entries) }
      var record: [String: JSONValue] = [
        "id": .string(view.id), "citekey": .string(view.citekey), "fields": .object(fields),
        "topics": .array(view.publication.topics.map(JSONValue.string)),
        "sources": .array(view.publication.sources.map(JSONValue.string)), "tags": .object(tags),
        "notes": .array(notes[num] ?? []), "status": .object(statuses),
      ]
      // What sources said by `source.say` (what a creation's sources said is its fields).
      var said: [String: JSONValue] = [:]
      for (source, statement) in try sourceStatements(record: num) where statement.kind == "source.say" {
        said[source] = .object([
          "dot": .string(statement.dot.description), "fields": SourceStatements.json(statement.fields),
        ])
      }
      if !said.isEmpty { record["said"] = .object(said) }
      if let survivor = survivors[view.id] { record["mergedInto"] = .string(survivor) }
      if let links = linkRows[view.id] { record["links"] = .object(links.mapValues(sortedEntries)) }
      records.append(.object(record))
    }
    return .object([
      "format": .string("gloss-dump/1"), "records": .array(records),
      "conflicts": .array(try conflicts().map(\.json)),
    ])
  }
}
