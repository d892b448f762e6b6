import GRDB
import GlossCore

/// What one import did, counted per record.
public struct ImportSummary: Sendable, Equatable {
  public var new = 0
  /// Records already in the store (same content id, DOI or PMID) that the file added to.
  public var merged = 0
  public var unchanged = 0
  public var skipped: [(line: Int, reason: String)] = []
  public var operations = 0

  public init() {}

  public static func == (lhs: ImportSummary, rhs: ImportSummary) -> Bool {
    (lhs.new, lhs.merged, lhs.unchanged, lhs.operations) == (rhs.new, rhs.merged, rhs.unchanged, rhs.operations)
      && lhs.skipped.map(\.line) == rhs.skipped.map(\.line) && lhs.skipped.map(\.reason) == rhs.skipped.map(\.reason)
  }
}

/// Turns publications read from a file into operations, inside one write session.
///
/// A paper is the store's record when it has the same DOI, else the same PMID, else the
/// same content id (first author's surname, year, title): a DOI or PMID decides even when
/// the title differs. A new paper becomes one `record.create`.
///
/// A paper already in the store gets a `record.set` per field, superseding the field's
/// entries, in two ways. From a CancerIndex page, the page is the record's own source: a
/// field whose value on the page differs from the store's is rewritten (a corrected page
/// corrects the record). From a library format (another source), only the fields the store
/// leaves empty are filled: a second source neither overrides the first nor raises a
/// conflict, and `conflicts` stays for people's concurrent edits. An identical paper gets
/// nothing, so importing the same file twice writes nothing.
public struct RecordImporter {
  let session: WriteSession
  public private(set) var summary = ImportSummary()

  public init(session: WriteSession) {
    self.session = session
  }

  public mutating func add(_ publication: Publication, fillOnly: Bool = false) throws {
    let reader = session.reader
    guard let existing = try reader.matchingRecord(publication), let current = try reader.publication(num: existing.num)
    else {
      try session.commit(.createRecord(publication), target: publication.id.text)
      summary.new += 1
      summary.operations += 1
      return
    }
    var changed = false
    for field in RecordField.allCases {
      let incoming = publication.value(of: field)
      let present = current.value(of: field)
      if present == incoming { continue }
      // Another source only fills what the store leaves empty (false counts as empty).
      if fillOnly, !(field.isEmpty(present) || present == .bool(false)) || field.isEmpty(incoming)
        || incoming == .bool(false)
      {
        continue
      }
      let supersedes = try reader.fieldDots(record: existing, field: field)
      try session.commit(
        .setField(field, incoming), target: existing.id, supersedes: supersedes,
        requires: [try reader.originDot(record: existing)])
      summary.operations += 1
      changed = true
    }
    if changed { summary.merged += 1 } else { summary.unchanged += 1 }
  }

  public mutating func skip(line: Int, reason: String) {
    summary.skipped.append((line, reason))
  }
}

extension StoreReader {
  /// The record `publication` is: by DOI, then PMID, then content id.
  public func matchingRecord(_ publication: Publication) throws -> RecordRef? {
    // Each expression as the index on it is written, so that SQLite uses the index.
    let lookups = [
      (publication.doi, "SELECT num, id, origin FROM record WHERE json_extract(library, '$.doi') = ? ORDER BY id LIMIT 1"),
      (
        publication.pmid,
        "SELECT num, id, origin FROM record WHERE json_extract(library, '$.pmid') = ? ORDER BY id LIMIT 1"
      ),
    ]
    for (value, sql) in lookups where !value.isEmpty {
      if let row = try Row.fetchOne(try db.cachedStatement(sql: sql), arguments: [value]) {
        return RecordRef(num: row["num"], id: row["id"], origin: row["origin"])
      }
    }
    return try recordRef(id: publication.id.text)
  }
}
