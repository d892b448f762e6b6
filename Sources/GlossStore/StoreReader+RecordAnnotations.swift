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
  public func annotations(of record: RecordRef) throws -> RecordAnnotations {
    var annotations = try annotationSummary(record: record.num)
    annotations.notes = try notes(record: record)
    annotations.conflicts = try conflicts(record: record)
    return annotations
  }
}
