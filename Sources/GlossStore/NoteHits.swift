/// Full-text hits on notes joined to their notes, in either layer (`Schema.recentNotes`).
///
/// The `note` view is a `UNION ALL` of the two layers. SQLite pushes a query's conditions
/// on it into both, but it cannot join `note_fts` to it: it built the whole view first,
/// every note of the store, for every search. Joined to each layer's table by row
/// number instead, a hit costs three lookups: a word in 88,000 of a million-operation
/// store's 98,000 notes ranked them in 116–125 ms, against 98–121 ms through the view
/// when it was a single table.
enum NoteHits {
  /// `note_fts` joined to each hit's note and its changed state, if any.
  static let source = """
    note_fts LEFT JOIN note_folded note_hit_folded ON note_hit_folded.num = note_fts.rowid
    LEFT JOIN note_recent note_hit_recent ON note_hit_recent.num = note_fts.rowid
    LEFT JOIN note_change note_hit_change ON note_hit_change.num = note_fts.rowid
    """
  /// The record a hit's note is on.
  static let record = "coalesce(note_hit_folded.record, note_hit_recent.record)"
  /// Whether a hit's note is shown: not deleted.
  static let isShown =
    "coalesce(note_hit_change.state, note_hit_folded.state, note_hit_recent.state) <> 'deleted'"
}
