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
  /// Tags, statuses and the note count of the record with id `id`: three indexed lookups.
  public func annotationSummary(recordID id: String) throws -> RecordAnnotations {
    var annotations = RecordAnnotations()
    annotations.tags = try String.fetchAll(
      db.cachedStatement(
        sql: """
          SELECT DISTINCT tag.display FROM record JOIN tag_entry ON tag_entry.record = record.num
          JOIN tag ON tag.key = tag_entry.key WHERE record.id = ? ORDER BY tag.display
          """), arguments: [id])
    for row in try Row.fetchAll(
      db.cachedStatement(
        sql:
          "SELECT status.person, status.status FROM record JOIN status ON status.record = record.num WHERE record.id = ?"
      ), arguments: [id])
    {
      annotations.statuses[row[0]] = ReadingStatus(rawValue: row[1]) ?? .unread
    }
    annotations.noteCount =
      try Int.fetchOne(
        db.cachedStatement(
          sql:
            "SELECT count(*) FROM record JOIN note ON note.record = record.num WHERE record.id = ? AND note.state <> 'deleted'"
        ), arguments: [id]) ?? 0
    return annotations
  }

  /// Everything people added to one record, for `show`.
  public func annotations(of record: RecordRef) throws -> RecordAnnotations {
    var annotations = try annotationSummary(recordID: record.id)
    annotations.notes = try notes(record: record)
    annotations.conflicts = try conflicts(record: record)
    return annotations
  }
}
