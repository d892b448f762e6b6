import GRDB
import GlossCore

/// What each import source last said about a record: a last-writer-wins value per (record,
/// source), written by the `record.create` that named the source and by `source.say`. The
/// later operation wins (greatest HLC, then replica id, then counter), so every store that
/// applied the same operations keeps the same statement, in any order.
///
/// It drives two rules: a re-import rewrites a field only when its source changed that
/// field since it last said it (never because the record's value differs: that is what
/// people did since), and `show --sources` shows where sources disagree.
struct SourceStatements {
  let db: Database

  /// Keeps `fields` as what `source` says about `record`, unless the statement held is
  /// from a later operation. `fields` nil: the operation is a `record.create`, whose
  /// payload says it. `isNew`: the record was just made, so nothing is held yet.
  /// Statements are filed under the source's NFC form: sources compare by canonical
  /// equivalence (MERGE.md §1), and a file name spelled decomposed on one machine is the
  /// same source as it spelled precomposed on another.
  func remember(
    record: Int64, source: String, fields: [RecordField: JSONValue]?, operation: Op, seq: Int64, isNew: Bool
  ) throws {
    let source = source.nfc
    if !isNew,
      let row = try Row.fetchOne(
        db,
        sql: """
          SELECT o.hlc, r.id AS replica, o.counter FROM source_said s JOIN operation o ON o.seq = s.op
          JOIN replica r ON r.num = o.replica WHERE s.record = ? AND s.source = ?
          """, arguments: [record, source])
    {
      let held = (UInt64(row["hlc"] as Int64), row["replica"] as String, UInt64(row["counter"] as Int64))
      let new = (operation.timestamp.packed, operation.dot.replica.hex, operation.dot.counter)
      guard new > held else { return }
    }
    // One per imported record: bound through SQLite's C interface (`DirectStatement`).
    try DirectStatement(
      db,
      sql: """
        INSERT INTO source_said (record, source, op, fields) VALUES (?, ?, ?, ?)
        ON CONFLICT(record, source) DO UPDATE SET op = excluded.op, fields = excluded.fields
        """
    ).execute(.int(record), .text(source), .int(seq), fields.map { .text(Self.json($0).canonical) } ?? .null)
  }

  static func json(_ fields: [RecordField: JSONValue]) -> JSONValue {
    .object(Dictionary(uniqueKeysWithValues: fields.map { ($0.key.rawValue, $0.value) }))
  }
}

/// What one source says about a record, and from which operation.
public struct SourceStatement: Sendable, Equatable {
  public let source: String
  public let fields: [RecordField: JSONValue]
  /// The operation's kind: `record.create` (the source brought the record) or `source.say`.
  public let kind: String
  public let dot: Dot
}

extension StoreReader {
  /// Every source's statement about `record`, by source name.
  public func sourceStatements(record: Int64) throws -> [String: SourceStatement] {
    var statements: [String: SourceStatement] = [:]
    for row in try Row.fetchAll(
      db.cachedStatement(
        sql: """
          SELECT s.source, s.fields, o.kind, o.payload, r.id AS replica, o.counter FROM source_said s
          JOIN operation o ON o.seq = s.op JOIN replica r ON r.num = o.replica WHERE s.record = ?
          """), arguments: [record])
    {
      var fields: [RecordField: JSONValue] = [:]
      if let text = row["fields"] as String? {
        if case .object(let members) = try JSONValue(parsing: text) {
          for (name, value) in members { if let field = RecordField(rawValue: name) { fields[field] = value } }
        }
      } else if case .createRecord(let publication) = try OperationBody(
        kind: "record.create", payload: try JSONValue(parsing: row["payload"]))
      {
        fields = publication.statedFields
      }
      let source: String = row["source"]
      statements[source] = SourceStatement(
        source: source, fields: fields, kind: row["kind"],
        dot: Dot(replica: ReplicaID(hex: row["replica"])!, counter: UInt64(row["counter"] as Int64)))
    }
    return statements
  }
}
