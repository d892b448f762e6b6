import GRDB

/// Tag, status and note entries applied since the last fold, and the bodies of notes
/// changed since, kept apart from the folded ones.
///
/// Why: readers look up a record's tags, a person's statuses and a note's entries, so the
/// folded trees are keyed by record or note, and in a store of 20,000 records the entries
/// of 1,000 new operations land in as many different leaves of each tree: a 1,000-operation
/// delta into a million-operation store wrote 1,452 distinct 16 KiB pages, and took five
/// times as long as into a store of 10,000. What operations applied since the last fold
/// write goes to tables keyed by their log row, or to tables as small as the layer,
/// instead; the fold moves it into the folded trees in key order, once for many deltas,
/// touching each leaf once.
///
/// Invariants (the views `tag_entry`, `status_entry`, `note_entry` and `note` read both
/// layers by them):
/// - `tag_entry_recent`, `status_entry_recent` and `note_entry_recent` hold the entries of
///   operations applied since the last fold, keyed by log row; no entry is in both layers.
/// - `tag_removal` names the folded tag additions that a removal observed since the last
///   fold, `note_entry_removal` the folded note entries a later write superseded: the views
///   leave them out. A recent one is deleted instead.
/// - `status_supersession` holds, for each folded status entry superseded since the last
///   fold, the lowest clock that superseded it since; `status_entry` shows the lower of it
///   and the folded `superseded_at`. A recent entry's `superseded_at` is lowered in place.
/// - `note_change` holds the shown body and state of each note whose register changed
///   since the last fold; `note` shows them instead of the folded ones. New notes are in
///   `note_recent` (`Schema.recentNotes`), numbered after every note of either layer, and
///   the fold appends them to `note_folded` in that order. `status_change` likewise holds each
///   person's status on each record written since the last fold; a regrouping deletes a
///   group's statuses from both before writing them again.
/// - A regrouping (`RecordGroups.move`) moves entries in both layers; removals and
///   supersessions name entries by operation, wherever they live.
/// - `meta.folded_entries` is the number of rows in the folded entry tables as of the last
///   fold, and `meta.folded_at` the log row of the last operation applied then.
///
/// A write larger than the layer's share (a first import of a team's history) folds the
/// layer first and writes straight into the folded trees (`EntryLayer.folded`): a fold
/// would write it there anyway, and through the layer a million-operation import took
/// 25.6 s instead of 21.
struct RecentEntries {
  let db: Database

  /// The layer is folded once the operations applied since the last fold reach this
  /// fraction of the folded rows, and at least `minimumFold`. Proportional, so that a
  /// fold's pages (at most every leaf of the folded trees) stay a bounded cost per
  /// operation applied at any size of store; the floor keeps small stores from folding on
  /// every write.
  static let foldFraction = 8
  static let minimumFold = 4_096

  /// How many operations are applied between folds.
  func foldThreshold() throws -> Int { max(Self.minimumFold, try foldedCount() / Self.foldFraction) }

  /// Operations applied since the last fold: each writes about one row of the layer.
  /// Counting them reads two values; counting the layer's rows read every page of it, on
  /// every write: 1.3–1.8 ms in a fresh process with 70,000 rows in the layer, 12–27 ms
  /// when the store's file was not in the system's cache.
  func operationsSinceFold() throws -> Int {
    let folded = try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'folded_at'").flatMap { Int($0) }
    return try lastLogRow() - (folded ?? 0)
  }

  private func lastLogRow() throws -> Int {
    try Int.fetchOne(db, sql: "SELECT coalesce(max(seq), 0) FROM operation") ?? 0
  }

  /// Rows in the layer: entries, removals, supersessions and changed notes alike.
  func rowCount() throws -> Int {
    try Int.fetchOne(
      db,
      sql: """
        SELECT (SELECT count(*) FROM tag_entry_recent) + (SELECT count(*) FROM tag_removal)
          + (SELECT count(*) FROM status_entry_recent) + (SELECT count(*) FROM status_supersession)
          + (SELECT count(*) FROM note_entry_recent) + (SELECT count(*) FROM note_entry_removal)
          + (SELECT count(*) FROM note_change) + (SELECT count(*) FROM status_change)
          + (SELECT count(*) FROM note_recent)
        """) ?? 0
  }

  func foldedCount() throws -> Int {
    try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'folded_entries'").flatMap { Int($0) } ?? 0
  }

  /// Records a fold: `count` rows folded, and the layer empty as of the log's last operation.
  private func storeFolded(count: Int) throws {
    let statement = try db.cachedStatement(
      sql: "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value")
    try statement.execute(arguments: ["folded_entries", String(count)])
    try statement.execute(arguments: ["folded_at", String(try lastLogRow())])
  }

  /// Folds the layer when it has grown past its share (`foldFraction`).
  func foldIfLarge() throws {
    guard try operationsSinceFold() >= foldThreshold() else { return }
    try fold()
  }

  /// Moves every recent entry into the folded trees, applies the removals and
  /// supersessions to them, and empties the layer. What the views show is unchanged.
  func fold() throws {
    try db.exec(sql: "DELETE FROM tag_entry_folded WHERE (op, key) IN (SELECT op, key FROM tag_removal)")
    var removed = db.changesCount
    try db.exec(sql: "DELETE FROM note_entry_folded WHERE (note, op) IN (SELECT note, op FROM note_entry_removal)")
    removed += db.changesCount
    try db.exec(
      sql: """
        INSERT INTO tag_entry_folded (record, key, op)
        SELECT record, key, op FROM tag_entry_recent ORDER BY record, key, op
        """)
    var added = db.changesCount
    try db.exec(
      sql: """
        INSERT INTO note_entry_folded (note, op, deleted, body)
        SELECT note, op, deleted, body FROM note_entry_recent ORDER BY note, op
        """)
    added += db.changesCount
    try db.exec(
      sql: """
        UPDATE status_entry_folded SET superseded_at = s.superseded_at FROM status_supersession s
        WHERE s.op = status_entry_folded.op
          AND (status_entry_folded.superseded_at IS NULL OR s.superseded_at < status_entry_folded.superseded_at)
        """)
    try db.exec(
      sql: """
        INSERT INTO status_entry_folded (record, person, op, hlc, status, superseded_at)
        SELECT record, person, op, hlc, status, superseded_at FROM status_entry_recent ORDER BY record, person, op
        """)
    added += db.changesCount
    try db.exec(
      sql: """
        INSERT INTO status_folded (record, person, status)
        SELECT record, person, status FROM status_change WHERE true ORDER BY record, person
        ON CONFLICT(record, person) DO UPDATE SET status = excluded.status
        """)
    // The new notes keep their numbers and the shown bodies are unchanged, so the notes'
    // full-text entries stay as they are.
    try db.exec(
      sql: """
        INSERT INTO note_folded (num, id, record, origin, author, anchor, body, state, home)
        SELECT num, id, record, origin, author, anchor, body, state, home FROM note_recent ORDER BY num
        """)
    try db.exec(
      sql: "UPDATE note_folded SET body = c.body, state = c.state FROM note_change c WHERE c.num = note_folded.num")
    try db.execute(
      sql: """
        DELETE FROM tag_entry_recent;
        DELETE FROM tag_removal;
        DELETE FROM status_entry_recent;
        DELETE FROM status_supersession;
        DELETE FROM note_entry_recent;
        DELETE FROM note_entry_removal;
        DELETE FROM note_change;
        DELETE FROM note_recent;
        DELETE FROM status_change;
        """)
    try storeFolded(count: try foldedCount() - removed + added)
  }

  /// Counts the folded rows again, the layer being empty: after a write that went straight
  /// into the folded trees, and when the layer is made (migration v14).
  func recountFolded() throws {
    try storeFolded(
      count:
        try Int.fetchOne(
          db,
          sql: """
            SELECT (SELECT count(*) FROM tag_entry_folded) + (SELECT count(*) FROM status_entry_folded)
              + (SELECT count(*) FROM note_entry_folded)
            """) ?? 0)
  }
}

/// Where a write session puts the tag, status and note entries it applies, and the notes'
/// shown bodies (`RecentEntries`).
enum EntryLayer {
  /// Appended to the recent layer, to be folded later: every ordinary write.
  case recent
  /// Straight into the folded trees, the layer being empty: a write too large for it.
  case folded

  /// This layer's table of the entries `base` names (`tag_entry`, `status_entry`,
  /// `note_entry`).
  func table(_ base: String) -> String { base + (self == .folded ? "_folded" : "_recent") }
}

extension StoreReader {
  /// Rows in the recent layer (`RecentEntries`): a write that leaves fewer than it found
  /// folded the layer. `Scripts/bench sync` counts folds by it.
  public func recentEntryCount() throws -> Int { try RecentEntries(db: db).rowCount() }
}
