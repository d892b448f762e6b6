import GRDB
import GlossCore

/// The store's tables. Documented for `sqlite3` users in the README ("The store").
///
/// Invariants the code relies on:
/// - `operation` is append-only: rows are never updated or deleted. `seq` is local arrival
///   order and means nothing to other peers; `(replica, counter)` is the operation's dot.
/// - `operation.chain` is the replica's hash chain at that operation (`ChainHash`);
///   `chain_signature` keeps the signed chain heads received or made, which is what lets
///   this store relay another replica's operations verifiably.
/// - `clock` holds, per replica, the highest counter applied, and every lower counter of that
///   replica is applied too (operations wait in `pending` until that holds).
/// - A field register with no row in `field_entry` holds exactly one entry: the record's
///   creating operation (`record.origin`) with the value in the record's column. Rows are
///   written only once a register deviates from that, so an import writes no per-field rows.
/// - Everything below `operation` and `clock` is derived: it could be rebuilt by applying the
///   log again, and it is identical whatever causally valid order the log was applied in.
public enum Schema {
  static var migrator: DatabaseMigrator {
    var migrator = DatabaseMigrator()
    migrator.registerMigration("v1") { db in
      try db.execute(sql: v1)
    }
    migrator.registerMigration("v2-introductions") { db in
      try db.execute(sql: v2)
    }
    migrator.registerMigration("v3-library-fields") { db in
      try db.execute(sql: v3)
    }
    migrator.registerMigration("v4-source-statements") { db in
      try db.execute(sql: v4)
      // What each source said is derived from the log: the creations that named it.
      for row in try Row.fetchAll(
        db,
        sql: """
          SELECT o.seq, o.payload, rec.num FROM operation o JOIN record rec ON rec.id = o.target
          WHERE o.kind = 'record.create' ORDER BY o.hlc, o.seq
          """)
      {
        guard
          case .createRecord(let publication)? = try? OperationBody(
            kind: "record.create", payload: try JSONValue(parsing: row["payload"]))
        else { continue }
        for source in publication.sources {
          try db.execute(
            sql: "INSERT OR REPLACE INTO source_said (record, source, op, fields) VALUES (?, ?, ?, NULL)",
            arguments: [row["num"] as Int64, source, row["seq"] as Int64])
        }
      }
    }
    migrator.registerMigration("v5-unique-citekeys") { db in
      try db.execute(sql: v5)
      let keys = Citekeys(db: db)
      for wanted in try String.fetchAll(db, sql: "SELECT DISTINCT citekey_wanted FROM record ORDER BY 1") {
        try keys.reassign(wanted)
      }
    }
    migrator.registerMigration("v6-record-groups") { db in
      try db.execute(sql: v6)
      // Records sharing a DOI or PMID are one paper: what earlier versions kept apart is
      // grouped once every migration has run (v15), as `RecordGroups` writes today's tables.
      try db.execute(sql: "INSERT INTO meta (key, value) VALUES ('group_after_migrations', '1')")
    }
    migrator.registerMigration("v7-bulk-full-text-index") { db in
      // New records are indexed once per write (`FullTextBacklog`).
      try db.execute(sql: "DROP TRIGGER record_fts_insert")
    }
    migrator.registerMigration("v8-entries-by-operation") { db in
      // A status or a tag removal names the entries it supersedes by operation, wherever
      // they live (`StatusRegisters.write`, `TagRegisters.remove`): without these, each
      // looked through every status entry, or every entry of the tag, and importing slowed
      // with the size of the store (a 100,000-operation bundle at 2,800 operations/s).
      try db.execute(
        sql: """
          CREATE INDEX status_entry_op ON status_entry(op);
          CREATE INDEX tag_entry_op ON tag_entry(op);
          """)
    }
    migrator.registerMigration("v9-lossless-lists") { db in
      try LosslessListsMigration.run(db)
    }
    migrator.registerMigration("v10-bulk-note-index") { db in
      // Notes are indexed once per write (`FullTextBacklog`), as records are.
      try db.execute(sql: "DROP TRIGGER note_fts_insert; DROP TRIGGER note_fts_update")
    }
    migrator.registerMigration("v11-superseded-status-index") { db in
      // Every opening looks for statuses that have come due (`Store.refreshDueStatuses`)
      // by `hlc` or by `superseded_at`; without this, the second read every entry: 8 ms
      // at 60,000 entries, on every command.
      try db.execute(
        sql: "CREATE INDEX status_entry_superseded ON status_entry(superseded_at) WHERE superseded_at IS NOT NULL")
    }
    migrator.registerMigration("v12-creations-by-target") { db in
      // The citekey order looks up a record's creations (`Citekeys.reassign`) here, not in
      // `operation_target`, which applying no longer reads. One row per record, not per
      // operation.
      try db.execute(sql: "CREATE INDEX operation_creation ON operation(target) WHERE kind = 'record.create'")
    }
    migrator.registerMigration("v13-no-log-index-by-target") { db in
      // Keyed by target, it cost every operation a random leaf: a third of the pages that
      // 1,000 new operations dirty in a million-operation store, and 2 s of importing a
      // million. Its one reader left, `gloss log RECORD` (`StoreReader.operations(target:)`),
      // reads the log through instead: 0.16 s at a million operations.
      try db.execute(sql: "DROP INDEX operation_target")
    }
    migrator.registerMigration("v14-recent-entries") { db in
      try db.execute(sql: v14)
      try RecentEntries(db: db).recountFolded()
    }
    migrator.registerMigration("v15-groups-of-upgraded-stores") { db in
      guard
        try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM meta WHERE key = 'group_after_migrations')") == true
      else { return }
      let groups = RecordGroups(db: db)
      let now = try StoreReader(db: db).lastTimestamp()
      for record in try Int64.fetchAll(
        db,
        sql: """
          SELECT num FROM record WHERE json_extract(library, '$.doi') IS NOT NULL
            OR json_extract(library, '$.pmid') IS NOT NULL ORDER BY num
          """)
      {
        try groups.refresh([record], now: now)
      }
      try db.execute(sql: "DELETE FROM meta WHERE key = 'group_after_migrations'")
    }
    migrator.registerMigration("v16-citekey-groups-by-origin") { db in
      // A new record whose key others want compares its creation with theirs
      // (`Citekeys.keyForNewRecord`): with each member's origin in the index, that reads
      // no record row, each over a kilobyte with its abstract. Four in ten records of a
      // large listing collide, and those reads were a tenth of importing it.
      try db.execute(
        sql: """
          DROP INDEX record_citekey_wanted;
          CREATE INDEX record_citekey_wanted ON record(citekey_wanted, origin);
          """)
    }
    migrator.registerMigration("v17-note-state-checks-by-comparison") { db in
      try replaceNoteStateCheck(noteStateCheckByList, with: noteStateCheck, db)
    }
    migrator.registerMigration("v18-recent-notes") { db in
      // `note_folded`'s own definition under another name: the same columns, defaults and
      // checks, so that a fold copies the rows as they are.
      let folded = "CREATE TABLE \"note_folded\""
      guard
        let definition = try String.fetchOne(
          db, sql: "SELECT sql FROM sqlite_schema WHERE type = 'table' AND name = 'note_folded'"),
        definition.hasPrefix(folded)
      else { throw StoreError("the store's note table is not one this gloss made; it cannot be upgraded") }
      try db.execute(sql: "CREATE TABLE note_recent" + definition.dropFirst(folded.count))
      try db.execute(sql: recentNotes)
    }
    return migrator
  }

  /// Notes created since the last fold, kept apart from the folded ones (`RecentEntries`).
  /// A note's id is a hash and its record any of the store's, so each new note landed in
  /// a different leaf of both of `note_folded`'s indexes: of the 257 pages a
  /// 1,000-operation delta wrote into a million-operation store, 153 were theirs.
  ///
  /// Migration v18 makes `note_recent` from `note_folded`'s own definition; these
  /// statements give it its index and make the `note` view show both layers, each with
  /// its changed body and state (`note_change`).
  static let recentNotes = """
    CREATE INDEX note_recent_record ON note_recent(record);
    DROP VIEW note;
    CREATE VIEW note (num, id, record, origin, author, anchor, body, state, home) AS
      SELECT n.num, n.id, n.record, n.origin, n.author, n.anchor, coalesce(c.body, n.body), coalesce(c.state, n.state),
        n.home
      FROM note_folded n LEFT JOIN note_change c ON c.num = n.num
      UNION ALL
      SELECT n.num, n.id, n.record, n.origin, n.author, n.anchor, coalesce(c.body, n.body), coalesce(c.state, n.state),
        n.home
      FROM note_recent n LEFT JOIN note_change c ON c.num = n.num;
    """

  /// A note's state as its tables check it: one comparison per state. SQLite checks
  /// `state IN (…four states…)` by building a temporary B-tree of the four for every row
  /// written, which made writing a note twice as slow (the 98,000 notes of a
  /// million-operation import: about 0.2 s).
  static let noteStateCheck =
    "CHECK (state = 'live' OR state = 'deleted' OR state = 'conflict' OR state = 'deleted-concurrently')"
  static let noteStateCheckByList = "CHECK (state IN ('live', 'deleted', 'conflict', 'deleted-concurrently'))"

  /// Replaces the note tables' state check `old` by `new` in the schema itself: the
  /// procedure SQLite documents for changing a CHECK constraint ("Making Other Kinds Of
  /// Table Schema Changes"), safe for `noteStateCheckByList` and `noteStateCheck` because
  /// both accept exactly the same rows, so no row needs checking again and the files'
  /// contents do not change.
  static func replaceNoteStateCheck(_ old: String, with new: String, _ db: Database) throws {
    let version = try Int.fetchOne(db, sql: "PRAGMA schema_version")!
    try db.execute(sql: "PRAGMA writable_schema = ON")
    try db.execute(
      sql: """
        UPDATE sqlite_schema SET sql = replace(sql, ?, ?)
        WHERE type = 'table' AND name IN ('note_folded', 'note_change')
        """, arguments: [old, new])
    try db.execute(sql: "PRAGMA schema_version = \(version + 1)")
    try db.execute(sql: "PRAGMA writable_schema = OFF")
  }

  /// Tag, status and note entries, and notes' shown bodies, in two layers
  /// (`RecentEntries`): what is folded into trees keyed by record or note, and what was
  /// applied since, in tables keyed by operation or as small as the layer, so that
  /// applying a delta appends to those instead of landing in a random leaf of each
  /// record-keyed tree. The views keep the names and columns the tables had, for readers
  /// and for `sqlite3` users. The recent tags have no index by tag: every index of the
  /// layer is a random leaf per delta once the layer is large (28 of 476 pages of a delta
  /// into a million operations), while a query by tag reads the layer through in a few
  /// milliseconds. A regrouping moves a record's notes among its old group's
  /// (`RecordGroups.move`), so `note_home` is no longer needed; no query reads statuses by
  /// person first (the query language asks per record), so `status_person` is not either.
  static let v14 = """
    ALTER TABLE tag_entry RENAME TO tag_entry_folded;
    CREATE TABLE tag_entry_recent (op INTEGER PRIMARY KEY REFERENCES operation(seq), record INTEGER NOT NULL, key TEXT NOT NULL);
    CREATE INDEX tag_entry_recent_record ON tag_entry_recent(record, key);
    CREATE TABLE tag_removal (op INTEGER NOT NULL, key TEXT NOT NULL, PRIMARY KEY (op, key)) WITHOUT ROWID;
    CREATE VIEW tag_entry (record, key, op) AS
      SELECT record, key, op FROM tag_entry_folded f
      WHERE NOT EXISTS (SELECT 1 FROM tag_removal r WHERE r.op = f.op AND r.key = f.key)
      UNION ALL SELECT record, key, op FROM tag_entry_recent;
    ALTER TABLE status_entry RENAME TO status_entry_folded;
    CREATE TABLE status_entry_recent (
      op INTEGER PRIMARY KEY REFERENCES operation(seq),
      record INTEGER NOT NULL,
      person TEXT NOT NULL,
      hlc INTEGER NOT NULL,
      status TEXT NOT NULL,
      superseded_at INTEGER
    );
    CREATE INDEX status_entry_recent_record ON status_entry_recent(record, person);
    CREATE INDEX status_entry_recent_hlc ON status_entry_recent(hlc);
    CREATE INDEX status_entry_recent_superseded ON status_entry_recent(superseded_at) WHERE superseded_at IS NOT NULL;
    CREATE TABLE status_supersession (op INTEGER PRIMARY KEY REFERENCES operation(seq), superseded_at INTEGER NOT NULL);
    CREATE INDEX status_supersession_at ON status_supersession(superseded_at);
    CREATE VIEW status_entry (record, person, op, hlc, status, superseded_at) AS
      SELECT f.record, f.person, f.op, f.hlc, f.status,
        CASE WHEN s.superseded_at IS NULL THEN f.superseded_at
          WHEN f.superseded_at IS NULL OR s.superseded_at < f.superseded_at THEN s.superseded_at
          ELSE f.superseded_at END
      FROM status_entry_folded f LEFT JOIN status_supersession s ON s.op = f.op
      UNION ALL SELECT record, person, op, hlc, status, superseded_at FROM status_entry_recent;
    DROP INDEX note_home;
    ALTER TABLE note RENAME TO note_folded;
    CREATE TABLE note_change (
      num INTEGER PRIMARY KEY REFERENCES note_folded(num),
      body TEXT NOT NULL,
      state TEXT NOT NULL CHECK (state IN ('live', 'deleted', 'conflict', 'deleted-concurrently'))
    );
    CREATE VIEW note (num, id, record, origin, author, anchor, body, state, home) AS
      SELECT n.num, n.id, n.record, n.origin, n.author, n.anchor, coalesce(c.body, n.body), coalesce(c.state, n.state),
        n.home
      FROM note_folded n LEFT JOIN note_change c ON c.num = n.num;
    ALTER TABLE note_entry RENAME TO note_entry_folded;
    CREATE TABLE note_entry_recent (
      op INTEGER PRIMARY KEY REFERENCES operation(seq),
      note INTEGER NOT NULL,
      deleted INTEGER NOT NULL,
      body TEXT NOT NULL
    );
    CREATE INDEX note_entry_recent_note ON note_entry_recent(note);
    CREATE TABLE note_entry_removal (note INTEGER NOT NULL, op INTEGER NOT NULL, PRIMARY KEY (note, op)) WITHOUT ROWID;
    CREATE VIEW note_entry (note, op, deleted, body) AS
      SELECT note, op, deleted, body FROM note_entry_folded f
      WHERE NOT EXISTS (SELECT 1 FROM note_entry_removal r WHERE r.note = f.note AND r.op = f.op)
      UNION ALL SELECT note, op, deleted, body FROM note_entry_recent;
    DROP INDEX status_person;
    ALTER TABLE status RENAME TO status_folded;
    CREATE TABLE status_change (
      record INTEGER NOT NULL, person TEXT NOT NULL, status TEXT NOT NULL, PRIMARY KEY (record, person)
    ) WITHOUT ROWID;
    CREATE VIEW status (record, person, status) AS
      SELECT record, person, status FROM status_folded f
      WHERE NOT EXISTS (SELECT 1 FROM status_change c WHERE c.record = f.record AND c.person = f.person)
      UNION ALL SELECT record, person, status FROM status_change;
    """

  /// Statements that a key speaks for a person, signed by a key already that person's
  /// (`Introduction`). Kept to be checked again and relayed: a peer that receives a new
  /// device's operations through someone else needs the statement too.
  static let v2 = """
    CREATE TABLE introduction (
      person TEXT NOT NULL, key BLOB NOT NULL, introducer BLOB NOT NULL, signature BLOB NOT NULL,
      PRIMARY KEY (key, introducer)
    ) WITHOUT ROWID;
    """

  /// `authors`, `abstract`, `topics` and `sources` hold lists in `RecordColumns`' lossless
  /// encoding: plain text that FTS5's tokenizer splits at the separators, so the search
  /// index reads the record table directly with no JSON noise in it.
  public static let recordTable = """
    CREATE TABLE record (
      num INTEGER PRIMARY KEY,
      id TEXT NOT NULL UNIQUE,
      citekey TEXT NOT NULL,
      title TEXT NOT NULL,
      authors TEXT NOT NULL,
      et_al INTEGER NOT NULL,
      journal TEXT NOT NULL,
      year INTEGER,
      date TEXT NOT NULL,
      volume TEXT NOT NULL,
      issue TEXT NOT NULL,
      pages TEXT NOT NULL,
      pubmed INTEGER NOT NULL,
      free_full_text INTEGER NOT NULL,
      abstract TEXT NOT NULL,
      topics TEXT NOT NULL,
      sources TEXT NOT NULL,
      origin INTEGER NOT NULL REFERENCES operation(seq)
    );
    CREATE INDEX record_citekey ON record(citekey);
    CREATE INDEX record_newest ON record(year DESC, date DESC, num);
    CREATE VIRTUAL TABLE record_fts USING fts5(
      title, abstract, authors, journal,
      content='record', content_rowid='num', tokenize='unicode61 remove_diacritics 2'
    );
    CREATE TRIGGER record_fts_insert AFTER INSERT ON record BEGIN
      INSERT INTO record_fts(rowid, title, abstract, authors, journal)
      VALUES (new.num, new.title, new.abstract, new.authors, new.journal);
    END;
    CREATE TRIGGER record_fts_update AFTER UPDATE OF title, abstract, authors, journal ON record BEGIN
      INSERT INTO record_fts(record_fts, rowid, title, abstract, authors, journal)
      VALUES ('delete', old.num, old.title, old.abstract, old.authors, old.journal);
      INSERT INTO record_fts(rowid, title, abstract, authors, journal)
      VALUES (new.num, new.title, new.abstract, new.authors, new.journal);
    END;
    """

  /// The library fields (DOI, PMID, type, …) as one canonical JSON object per record,
  /// holding only the fields that have a value: lossless, and no column per field that
  /// most records leave empty. DOI and PMID are indexed: an import looks every incoming
  /// record up by them.
  static let v3 = """
    ALTER TABLE record ADD COLUMN library TEXT NOT NULL DEFAULT '{}';
    CREATE INDEX record_doi ON record(json_extract(library, '$.doi')) WHERE json_extract(library, '$.doi') IS NOT NULL;
    CREATE INDEX record_pmid ON record(json_extract(library, '$.pmid'))
      WHERE json_extract(library, '$.pmid') IS NOT NULL;
    """

  /// What each import source last said about each record (`SourceStatements`); `fields`
  /// NULL when the statement is a `record.create`, whose payload holds them.
  static let v4 = """
    CREATE TABLE source_said (
      record INTEGER NOT NULL REFERENCES record(num),
      source TEXT NOT NULL,
      op INTEGER NOT NULL REFERENCES operation(seq),
      fields TEXT,
      PRIMARY KEY (record, source)
    ) WITHOUT ROWID;
    """

  /// Citekeys made unique (`Citekeys`): `citekey` is the key shown, `citekey_base` the
  /// one derived at creation, `citekey_wanted` the pinned key or else the base.
  static let v5 = """
    ALTER TABLE record ADD COLUMN citekey_base TEXT NOT NULL DEFAULT '';
    ALTER TABLE record ADD COLUMN citekey_wanted TEXT NOT NULL DEFAULT '';
    UPDATE record SET citekey_base = citekey, citekey_wanted = citekey;
    CREATE INDEX record_citekey_wanted ON record(citekey_wanted);
    """

  /// Records that are one paper (`RecordGroups`): `merged_into` names the survivor, each
  /// note keeps its own record in `home`, and `record_link` holds each pair's register of
  /// `record.merge`/`record.unmerge` entries (`keep` NULL for an unmerge), the pair as
  /// (smaller num, larger num).
  static let v6 = """
    ALTER TABLE record ADD COLUMN merged_into INTEGER REFERENCES record(num);
    CREATE INDEX record_merged_into ON record(merged_into) WHERE merged_into IS NOT NULL;
    ALTER TABLE note ADD COLUMN home INTEGER NOT NULL DEFAULT 0 REFERENCES record(num);
    UPDATE note SET home = record;
    CREATE INDEX note_home ON note(home);
    CREATE TABLE record_link (
      low INTEGER NOT NULL REFERENCES record(num),
      high INTEGER NOT NULL REFERENCES record(num),
      op INTEGER NOT NULL REFERENCES operation(seq),
      keep TEXT,
      PRIMARY KEY (low, high, op)
    ) WITHOUT ROWID;
    CREATE INDEX record_link_high ON record_link(high, low);
    """

  static let v1 = """
    CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
    CREATE TABLE replica (
      num INTEGER PRIMARY KEY,
      id TEXT NOT NULL UNIQUE,
      person TEXT NOT NULL,
      is_local INTEGER NOT NULL DEFAULT 0,
      public_key BLOB,
      last_clock TEXT,
      last_seen INTEGER
    );
    CREATE TABLE chain_signature (
      replica TEXT NOT NULL,
      counter INTEGER NOT NULL,
      head BLOB NOT NULL,
      signature BLOB NOT NULL,
      PRIMARY KEY (replica, counter)
    ) WITHOUT ROWID;
    CREATE TABLE trusted_key (person TEXT NOT NULL, fingerprint TEXT NOT NULL, PRIMARY KEY (person, fingerprint))
      WITHOUT ROWID;
    CREATE TABLE operation (
      seq INTEGER PRIMARY KEY,
      replica INTEGER NOT NULL REFERENCES replica(num),
      counter INTEGER NOT NULL,
      hlc INTEGER NOT NULL,
      person TEXT NOT NULL,
      kind TEXT NOT NULL,
      target TEXT NOT NULL,
      payload TEXT NOT NULL,
      supersedes TEXT NOT NULL,
      requires TEXT NOT NULL,
      chain BLOB NOT NULL,
      UNIQUE (replica, counter)
    );
    CREATE INDEX operation_target ON operation(target);
    CREATE TABLE clock (replica INTEGER PRIMARY KEY REFERENCES replica(num), counter INTEGER NOT NULL);
    CREATE TABLE pending (
      replica TEXT NOT NULL,
      counter INTEGER NOT NULL,
      operation TEXT NOT NULL,
      chain BLOB NOT NULL, -- the verified chain link: previous hash ‖ this hash, or empty
      PRIMARY KEY (replica, counter)
    ) WITHOUT ROWID;
    \(recordTable)
    CREATE TABLE field_entry (
      record INTEGER NOT NULL REFERENCES record(num),
      field TEXT NOT NULL,
      op INTEGER NOT NULL REFERENCES operation(seq),
      value TEXT NOT NULL,
      PRIMARY KEY (record, field, op)
    ) WITHOUT ROWID;
    CREATE TABLE tag (key TEXT PRIMARY KEY, display TEXT NOT NULL, first_hlc INTEGER NOT NULL, first_replica TEXT NOT NULL)
      WITHOUT ROWID;
    CREATE TABLE tag_entry (
      record INTEGER NOT NULL REFERENCES record(num),
      key TEXT NOT NULL,
      op INTEGER NOT NULL REFERENCES operation(seq),
      PRIMARY KEY (record, key, op)
    ) WITHOUT ROWID;
    CREATE INDEX tag_entry_key ON tag_entry(key, record);
    CREATE TABLE note (
      num INTEGER PRIMARY KEY,
      id TEXT NOT NULL UNIQUE,
      record INTEGER NOT NULL REFERENCES record(num),
      origin INTEGER NOT NULL REFERENCES operation(seq),
      author TEXT NOT NULL,
      anchor TEXT,
      body TEXT NOT NULL,
      state TEXT NOT NULL CHECK (state IN ('live', 'deleted', 'conflict', 'deleted-concurrently'))
    );
    CREATE INDEX note_record ON note(record);
    CREATE TABLE note_entry (
      note INTEGER NOT NULL REFERENCES note(num),
      op INTEGER NOT NULL REFERENCES operation(seq),
      deleted INTEGER NOT NULL,
      body TEXT NOT NULL,
      PRIMARY KEY (note, op)
    ) WITHOUT ROWID;
    CREATE VIRTUAL TABLE note_fts USING fts5(
      body, content='note', content_rowid='num', tokenize='unicode61 remove_diacritics 2'
    );
    CREATE TRIGGER note_fts_insert AFTER INSERT ON note BEGIN
      INSERT INTO note_fts(rowid, body) VALUES (new.num, new.body);
    END;
    CREATE TRIGGER note_fts_update AFTER UPDATE OF body ON note BEGIN
      INSERT INTO note_fts(note_fts, rowid, body) VALUES ('delete', old.num, old.body);
      INSERT INTO note_fts(rowid, body) VALUES (new.num, new.body);
    END;
    CREATE TABLE status_entry (
      record INTEGER NOT NULL REFERENCES record(num),
      person TEXT NOT NULL,
      op INTEGER NOT NULL REFERENCES operation(seq),
      hlc INTEGER NOT NULL,
      status TEXT NOT NULL,
      superseded_at INTEGER,
      PRIMARY KEY (record, person, op)
    ) WITHOUT ROWID;
    CREATE INDEX status_entry_hlc ON status_entry(hlc);
    CREATE TABLE status (
      record INTEGER NOT NULL REFERENCES record(num),
      person TEXT NOT NULL,
      status TEXT NOT NULL,
      PRIMARY KEY (record, person)
    ) WITHOUT ROWID;
    CREATE INDEX status_person ON status(person, status, record);
    """
}
