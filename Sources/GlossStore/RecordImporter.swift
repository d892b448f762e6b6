import GRDB
import GlossCore

/// What one import did, counted per record.
public struct ImportSummary: Sendable, Equatable {
  public var new = 0
  /// Records already in the store (same content id, DOI or PMID) that the file added to.
  public var merged = 0
  public var unchanged = 0
  public var skipped: [(line: Int, reason: String)] = []
  /// A file of annotations: `new` counts notes restored, `merged` records tagged.
  public var ofAnnotations = false
  public var operations = 0

  public init() {}

  public static func == (lhs: ImportSummary, rhs: ImportSummary) -> Bool {
    (lhs.new, lhs.merged, lhs.unchanged, lhs.operations) == (rhs.new, rhs.merged, rhs.unchanged, rhs.operations)
      && lhs.skipped.map(\.line) == rhs.skipped.map(\.line) && lhs.skipped.map(\.reason) == rhs.skipped.map(\.reason)
  }
}

/// What importing a publication needs that depends on the publication alone: its content
/// id (a hash of the normalised title) and the text of its `record.create` payload. Made
/// on another thread than the store's (`EntryPrefetch`), so that the one writer only
/// stores.
public struct PreparedPublication: Sendable {
  public let publication: Publication
  let id: String
  let createPayload: String
  /// The derived citekey (it normalises the title) and the record row's joined columns,
  /// for when the publication becomes a new record.
  let citekey: String
  let columns: RecordColumns.Joined

  public init(_ publication: Publication) {
    self.publication = publication
    id = publication.id.text
    createPayload = OperationBody.createRecord(publication).canonicalPayload
    citekey = publication.citekey
    columns = RecordColumns.Joined(publication)
  }
}

/// Turns publications read from a file into operations, inside one write session.
///
/// A paper is the store's record when it has the same DOI, else the same PMID, else the
/// same content id (first author's surname, year, title): a DOI or PMID decides even when
/// the title differs. A new paper becomes one `record.create`, which also says what its
/// source (the file's name) says about it.
///
/// A paper already in the store is compared with what its source said about it last
/// time (`SourceStatements`), not with the record's current values, which are what people
/// made of it since:
/// - the same source again: a field is rewritten (`record.set`, superseding its entries)
///   only when the source's own value changed since it last said it. Re-importing an
///   unchanged file writes nothing, even after people edited or resolved fields; a
///   corrected page corrects the record.
/// - another source: only the fields the record leaves empty are filled. Where it
///   disagrees, its values are kept as what it says (`source.say`), shown by
///   `show --sources`, and never raise a conflict: conflicts are for people's edits.
///
/// Two entries of one file that are one paper (a file listing a paper twice): the first
/// is what the source says; the later ones only fill what is still empty, so that
/// importing the file again finds nothing changed.
public struct RecordImporter {
  let session: WriteSession
  public private(set) var summary = ImportSummary()
  /// Records this file has already spoken about.
  private var seen: Set<String> = []

  public init(session: WriteSession) {
    self.session = session
  }

  public mutating func add(_ publication: Publication) throws {
    try add(PreparedPublication(publication))
  }

  public mutating func add(_ prepared: PreparedPublication) throws {
    let reader = session.reader
    let publication = prepared.publication
    let id = prepared.id
    guard let existing = try reader.matchingRecord(publication, id: id),
      let current = try reader.publication(num: existing.num)
    else {
      seen.insert(id)
      try session.commitNewRecord(prepared)
      summary.new += 1
      summary.operations += 1
      return
    }
    let source = publication.sources.first ?? ""
    let stated = publication.statedFields
    let repeated = !seen.insert(existing.id).inserted
    let said = repeated ? nil : try reader.sourceStatements(record: existing.num)[source]?.fields
    var changed = false
    for field in RecordField.allCases {
      let incoming = publication.value(of: field)
      let present = current.value(of: field)
      let empty = Publication.empty.value(of: field)
      if present == incoming { continue }
      if let said {
        // The same source: only what it changed since it last spoke.
        if (said[field] ?? empty) == incoming { continue }
      } else if present != empty || incoming == empty {
        // Another source: only fills a field the record leaves empty.
        continue
      }
      try session.commit(
        .setField(field, incoming), target: existing.id,
        supersedes: try reader.fieldDots(record: existing, field: field),
        requires: [try reader.originDot(record: existing)])
      summary.operations += 1
      changed = true
    }
    if !source.isEmpty, !repeated, said != stated {
      try session.commit(
        .saySource(source: source, fields: stated), target: existing.id,
        requires: [try reader.originDot(record: existing)])
      summary.operations += 1
    }
    if changed { summary.merged += 1 } else { summary.unchanged += 1 }
  }

  public mutating func skip(line: Int, reason: String) {
    summary.skipped.append((line, reason))
  }
}

extension StoreReader {
  /// The record `publication` is: by DOI, then PMID, then content id (`id`, when known).
  public func matchingRecord(_ publication: Publication, id: String? = nil) throws -> RecordRef? {
    if let found = try matchingRecord(doi: publication.doi, pmid: publication.pmid) { return found }
    return try recordRef(id: id ?? publication.id.text)
  }

  /// The record with this DOI, else with this PMID (an empty one matches nothing).
  public func matchingRecord(doi: String, pmid: String) throws -> RecordRef? {
    // Each expression as the index on it is written, so that SQLite uses the index.
    for (field, value) in [("doi", doi), ("pmid", pmid)] where !value.isEmpty {
      let sql =
        "SELECT num, id, origin, merged_into FROM record WHERE json_extract(library, '$.\(field)') = ? ORDER BY id LIMIT 1"
      if let row = try Row.fetchOne(try db.cachedStatement(sql: sql), arguments: [value]) { return Self.ref(row) }
    }
    return nil
  }
}
