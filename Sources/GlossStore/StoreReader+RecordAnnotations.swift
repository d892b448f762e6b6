import GRDB
import GlossCore

/// What people added to a record, beside its bibliographic fields: the tags, everyone's
/// reading status and the notes. Listings carry the note count; `show` the notes in full.
public struct RecordAnnotations: Sendable, Equatable {
  /// Display spellings, alphabetical.
  public var tags: [String] = []
  /// person → status, for everyone who has set one.
  public var statuses: [String: ReadingStatus] = [:]
  /// Live notes (not deleted), oldest first; empty in listings, which carry `noteCount`.
  public var notes: [NoteView] = []
  public var noteCount = 0
  /// Open conflicts on the record and its notes; only for `show`.
  public var conflicts: [Conflict] = []

  public init() {}

  /// The keys `--json` adds to a record: `tags`, `status`, and `notes` (a count in
  /// listings, the notes themselves in `show`).
  public func json(fullNotes: Bool) -> [String: JSONValue] {
    [
      "tags": .array(tags.map(JSONValue.string)),
      "status": .object(statuses.mapValues { .string($0.rawValue) }),
      "notes": fullNotes ? .array(notes.map(\.json)) : .int(Int64(noteCount)),
    ]
  }
}

extension StoreReader {
  /// Tags, statuses and the note count of the record `num`: three indexed lookups.
  public func annotationSummary(record num: Int64) throws -> RecordAnnotations {
    var annotations = RecordAnnotations()
    annotations.tags = try tags(record: num)
    for (person, status) in try statuses(record: num) { annotations.statuses[person] = status }
    annotations.noteCount =
      try Int.fetchOne(
        db.cachedStatement(sql: "SELECT count(*) FROM note WHERE record = ? AND state <> 'deleted'"), arguments: [num])
      ?? 0
    return annotations
  }

  /// Everything people added to one record, for `show`.
  /// Tags, statuses and live notes of every record, by record row, without the conflicts
  /// `show` adds: what an export writes. Three queries for the whole store, not three per
  /// record; only records with notes have entries for their notes.
  public func exportAnnotations() throws -> [Int64: RecordAnnotations] {
    var byRecord: [Int64: RecordAnnotations] = [:]
    for row in try db.rows(
      sql: """
        SELECT DISTINCT tag_entry.record, tag.display FROM tag_entry JOIN tag ON tag.key = tag_entry.key
        ORDER BY tag_entry.record, tag.display
        """)
    {
      byRecord[row[0], default: RecordAnnotations()].tags.append(row[1])
    }
    for row in try db.rows(sql: "SELECT record, person, status FROM status") {
      byRecord[row[0], default: RecordAnnotations()].statuses[row[1]] = ReadingStatus(rawValue: row[2]) ?? .unread
    }
    for num in try Int64.fetchAll(db, sql: "SELECT DISTINCT record FROM note WHERE state <> 'deleted'") {
      guard let ref = try recordRef(num: num) else { continue }
      let notes = try notes(record: ref)
      byRecord[num, default: RecordAnnotations()].notes = notes
      byRecord[num]!.noteCount = notes.count
    }
    return byRecord
  }

  public func annotations(of record: RecordRef) throws -> RecordAnnotations {
    var annotations = try annotationSummary(record: record.num)
    annotations.notes = try notes(record: record)
    annotations.conflicts = try conflicts(record: record)
    return annotations
  }
}
