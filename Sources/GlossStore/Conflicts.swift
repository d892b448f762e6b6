import GRDB
import GlossCore

/// A register that holds more than one concurrent value: a record field, or a note whose
/// body was edited concurrently or edited concurrently with its deletion.
public struct Conflict: Sendable, Equatable {
  public struct Value: Sendable, Equatable {
    /// The value shown to people: JSON text for a field, the body for a note, nil for a deletion.
    public let text: String?
    public let person: String
    public let dot: Dot
    public let timestamp: HLCTimestamp
  }

  /// `RECORD.FIELD` or a note id: what `gloss resolve` takes.
  public let target: String
  public let recordID: String
  /// Preferred first: the first is what reads show until someone resolves.
  public let values: [Value]

  public var json: JSONValue {
    .object([
      "target": .string(target), "record": .string(recordID),
      "values": .array(
        values.map {
          .object([
            "value": $0.text.map(JSONValue.string) ?? .null, "person": .string($0.person),
            "dot": .string($0.dot.description), "hlc": .int(Int64($0.timestamp.packed)),
          ])
        }),
    ])
  }
}

extension StoreReader {
  /// Every open conflict, in target order.
  public func conflicts(record: RecordRef? = nil) throws -> [Conflict] {
    var result: [Conflict] = []
    var sql = """
      SELECT DISTINCT rec.num, rec.id, rec.origin, e.field FROM field_entry e JOIN record rec ON rec.num = e.record
      """
    var arguments: [any DatabaseValueConvertible] = []
    if let record {
      sql += " WHERE e.record = ?"
      arguments.append(record.num)
    }
    for row in try db.rows(sql: sql, arguments: StatementArguments(arguments)) {
      guard let field = RecordField(rawValue: row["field"]) else { continue }
      let ref = RecordRef(num: row["num"], id: row["id"], origin: row["origin"])
      let register = try fieldRegister(record: ref, field: field)
      guard register.isConflicted else { continue }
      result.append(
        Conflict(
          target: "\(ref.id).\(field.rawValue)", recordID: ref.id,
          values: register.distinctValues.map {
            Conflict.Value(
              text: $0.value.stringValue ?? $0.value.canonical, person: $0.person, dot: $0.dot, timestamp: $0.timestamp)
          }))
    }
    var noteSQL = """
      SELECT n.id, rec.id AS record_id FROM note n JOIN record rec ON rec.num = n.record
      WHERE n.state IN ('conflict', 'deleted-concurrently')
      """
    var noteArguments: [any DatabaseValueConvertible] = []
    if let record {
      noteSQL += " AND n.record = ?"
      noteArguments.append(record.num)
    }
    for row in try db.rows(sql: noteSQL, arguments: StatementArguments(noteArguments)) {
      let note = try resolveNote(row["id"])
      let register = try noteRegister(note)
      result.append(
        Conflict(
          target: note.id, recordID: row["record_id"],
          values: register.distinctValues.map {
            Conflict.Value(text: $0.value.text, person: $0.person, dot: $0.dot, timestamp: $0.timestamp)
          }))
    }
    return result.sorted { $0.target < $1.target }
  }

}

extension StoreError {
  /// `resolve` on a register with one value would write an operation that changes nothing.
  static func notInConflict(_ target: String, how: String) -> StoreError {
    StoreError("\(target) is not in conflict: it holds one value; gloss conflicts lists what is, and \(how) changes it")
  }
}

extension WriteSession {
  /// Resolves a conflict with one operation that supersedes every value in the register
  /// (a register holding one value is refused: there is nothing to resolve):
  /// keep the Nth value listed by `gloss conflicts` (1-based), or write a new one.
  public func resolve(_ target: String, keep: Int?, value: String?) throws -> Op {
    if let dot = target.lastIndex(of: ".") {
      let record = try reader.resolveRecord(String(target[..<dot]), followingMerges: false)
      guard let field = RecordField(rawValue: String(target[target.index(after: dot)...])) else {
        throw StoreError(
          "unknown field in '\(target)'; fields are \(RecordField.allCases.map(\.rawValue).joined(separator: ", "))")
      }
      let register = try reader.fieldRegister(record: record, field: field)
      guard register.isConflicted else {
        throw StoreError.notInConflict(
          "\(record.id).\(field.rawValue)", how: "gloss set \(record.id) \(field.rawValue) VALUE")
      }
      let chosen: JSONValue
      if let keep {
        let values = register.distinctValues
        guard (1...max(1, values.count)).contains(keep), keep <= values.count else {
          throw StoreError("\(target) has \(values.count) value(s); --keep takes 1 to \(values.count)")
        }
        chosen = values[keep - 1].value
      } else if let value, let parsed = field.parse(value) {
        chosen = parsed
      } else {
        throw StoreError("'\(value ?? "")' is not a valid \(field.rawValue)")
      }
      return try commit(
        .setField(field, chosen), target: record.id, supersedes: register.dots,
        requires: [try reader.originDot(record: record)])
    }
    let note = try reader.resolveNote(target)
    let register = try reader.noteRegister(note)
    guard register.isConflicted else { throw StoreError.notInConflict(note.id, how: "gloss note-edit \(note.id) TEXT") }
    let body: OperationBody
    if let keep {
      let values = register.distinctValues
      guard keep >= 1, keep <= values.count else {
        throw StoreError("note \(note.id) has \(values.count) value(s); --keep takes 1 to \(values.count)")
      }
      body = values[keep - 1].value.text.map(OperationBody.editNote) ?? .deleteNote
    } else if let value, !value.isEmpty {
      body = .editNote(value)
    } else {
      throw StoreError("give --keep N or --value TEXT")
    }
    return try commit(body, target: note.id, supersedes: register.dots, requires: [note.origin])
  }
}
