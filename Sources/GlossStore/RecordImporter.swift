import GlossCore

/// What one import did, counted per record.
public struct ImportSummary: Sendable, Equatable {
  public var new = 0
  public var updated = 0
  public var unchanged = 0
  public var skipped: [(line: Int, reason: String)] = []
  public var operations = 0

  public init() {}

  public static func == (lhs: ImportSummary, rhs: ImportSummary) -> Bool {
    (lhs.new, lhs.updated, lhs.unchanged, lhs.operations) == (rhs.new, rhs.updated, rhs.unchanged, rhs.operations)
      && lhs.skipped.map(\.line) == rhs.skipped.map(\.line) && lhs.skipped.map(\.reason) == rhs.skipped.map(\.reason)
  }
}

/// Turns publications read from a listing into operations, inside one write session.
///
/// A new paper becomes one `record.create`. A paper already in the store gets one
/// `record.set` per field whose value on the page differs from the value the store shows,
/// superseding that field's current entries; an identical paper gets nothing, so importing
/// the same page twice writes nothing.
public struct RecordImporter {
  let session: WriteSession
  public private(set) var summary = ImportSummary()

  public init(session: WriteSession) {
    self.session = session
  }

  public mutating func add(_ publication: Publication) throws {
    let id = publication.id.text
    let reader = session.reader
    guard let existing = try reader.recordRef(id: id), let current = try reader.publication(num: existing.num) else {
      try session.commit(.createRecord(publication), target: id)
      summary.new += 1
      summary.operations += 1
      return
    }
    var changed = false
    for field in RecordField.allCases where current.value(of: field) != publication.value(of: field) {
      let supersedes = try reader.fieldDots(record: existing, field: field)
      try session.commit(
        .setField(field, publication.value(of: field)), target: id, supersedes: supersedes,
        requires: [try reader.originDot(record: existing)])
      summary.operations += 1
      changed = true
    }
    if changed { summary.updated += 1 } else { summary.unchanged += 1 }
  }

  public mutating func skip(line: Int, reason: String) {
    summary.skipped.append((line, reason))
  }
}
