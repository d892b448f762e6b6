import GRDB
import GlossCore

/// A register read from the store, with the local log row of each entry's operation so
/// that writing it back needs no lookups.
struct LoadedRegister<Value: Hashable & Sendable> {
  var register: MultiValueRegister<Value>
  var seqs: [Dot: Int64]

  mutating func write(_ entry: RegisterEntry<Value>, superseding: [Dot]) {
    register.write(entry, superseding: superseding)
  }

  func rows(adding newSeq: (Dot, Int64)) -> [(seq: Int64, entry: RegisterEntry<Value>)] {
    register.entries.map { entry in (entry.dot == newSeq.0 ? newSeq.1 : seqs[entry.dot]!, entry) }
  }
}

/// Fetches register entries: `sql` selects `seq, replica, counter, hlc, person` first,
/// then whatever `value` reads.
private func fetchEntries<Value>(
  _ db: Database, sql: String, arguments: StatementArguments, value: (Row) throws -> Value
) throws -> LoadedRegister<Value> {
  var entries: [RegisterEntry<Value>] = []
  var seqs: [Dot: Int64] = [:]
  for row in try db.rows(sql: sql, arguments: arguments) {
    let dot = Dot(replica: ReplicaID(hex: row["replica"])!, counter: UInt64(row["counter"] as Int64))
    entries.append(
      RegisterEntry(
        dot: dot, timestamp: HLCTimestamp(packed: UInt64(row["hlc"] as Int64)), person: row["person"],
        value: try value(row)))
    seqs[dot] = row["seq"]
  }
  return LoadedRegister(register: MultiValueRegister(entries: entries), seqs: seqs)
}

private let entryColumns = "o.seq AS seq, r.id AS replica, o.counter AS counter, o.hlc AS hlc, o.person AS person"

/// Field registers of records. See `Schema` for the implicit-origin invariant.
struct FieldRegisters {
  let db: Database

  func load(record: RecordRef, field: RecordField) throws -> LoadedRegister<JSONValue> {
    let loaded = try fetchEntries(
      db,
      sql: """
        SELECT \(entryColumns), e.value AS value FROM field_entry e
        JOIN operation o ON o.seq = e.op JOIN replica r ON r.num = o.replica
        WHERE e.record = ? AND e.field = ?
        """, arguments: [record.num, field.rawValue]
    ) { row in try JSONValue(parsing: row["value"]) }
    if !loaded.register.isEmpty { return loaded }
    let publication = try StoreReader(db: db).publication(num: record.num)!
    // A library field the creation left empty was never written: its register is empty.
    if field.isLibraryField, field.isEmpty(publication.value(of: field)) { return loaded }
    return try fetchEntries(
      db,
      sql: "SELECT \(entryColumns) FROM operation o JOIN replica r ON r.num = o.replica WHERE o.seq = ?",
      arguments: [record.origin]
    ) { _ in publication.value(of: field) }
  }

  /// Writes the register's entries and puts its winner in the record's column.
  func store(_ loaded: LoadedRegister<JSONValue>, record: RecordRef, field: RecordField, newSeq: (Dot, Int64)) throws {
    try db.exec(sql: "DELETE FROM field_entry WHERE record = ? AND field = ?", arguments: [record.num, field.rawValue])
    let insert = try db.cachedStatement(sql: "INSERT INTO field_entry (record, field, op, value) VALUES (?, ?, ?, ?)")
    for (seq, entry) in loaded.rows(adding: newSeq) {
      try insert.execute(arguments: [record.num, field.rawValue, seq, entry.value.canonical])
    }
    guard let winner = loaded.register.winner else { return }
    if field.isLibraryField {
      // The path is built from the field's own name, never from input.
      let path = "$." + field.rawValue
      if field.isEmpty(winner.value) {
        try db.exec(
          sql: "UPDATE record SET library = json_remove(library, ?) WHERE num = ?", arguments: [path, record.num])
      } else {
        try db.exec(
          sql: "UPDATE record SET library = json_set(library, ?, json(?)) WHERE num = ?",
          arguments: [path, winner.value.canonical, record.num])
      }
      return
    }
    try db.exec(
      sql: "UPDATE record SET \(RecordColumns.names[field]!) = ? WHERE num = ?",
      arguments: [Self.columnValue(field, winner.value), record.num])
  }

  static func columnValue(_ field: RecordField, _ value: JSONValue) -> DatabaseValue {
    var publication = Publication(title: "")
    publication.set(field, to: value)
    switch field {
    case .authors: return RecordColumns.joinAuthors(publication.authors).databaseValue
    case .abstract: return RecordColumns.joinAbstract(publication.abstract).databaseValue
    case .year: return publication.year.databaseValue
    case .etAl: return publication.etAl.databaseValue
    case .pubmed: return publication.pubmed.databaseValue
    case .freeFullText: return publication.freeFullText.databaseValue
    case .title: return publication.title.databaseValue
    case .journal: return publication.journal.databaseValue
    case .date: return publication.date.databaseValue
    case .volume: return publication.volume.databaseValue
    case .issue: return publication.issue.databaseValue
    case .pages: return publication.pages.databaseValue
    default: return publication.value(of: field).canonical.databaseValue
    }
  }
}

/// Note body registers, written to the layer `layer` (`RecentEntries`).
struct NoteRegisters {
  let db: Database
  var layer = EntryLayer.recent

  func load(note: Int64) throws -> LoadedRegister<NoteContent> {
    try fetchEntries(
      db,
      sql: """
        SELECT \(entryColumns), e.deleted AS deleted, e.body AS body FROM note_entry e
        JOIN operation o ON o.seq = e.op JOIN replica r ON r.num = o.replica WHERE e.note = ?
        """, arguments: [note]
    ) { row in (row["deleted"] as Bool) ? .deleted : .text(row["body"]) }
  }

  /// Makes `entry` (log row `seq`) the note's only entry when the entries it supersedes
  /// (by log row) are all there are: the usual edit, of a note nobody edited concurrently,
  /// after which no conflict can be left. It reads only the entries' rows, not their
  /// operations, which `load` joins and which at a million operations are mostly out of
  /// the cache. Writes nothing and returns false when an entry would survive.
  func replaceIfAllSuperseded(
    note: Int64, by entry: RegisterEntry<NoteContent>, seq: Int64, superseding: [Int64]
  ) throws -> Bool {
    var present: [Int64] = []
    try DirectStatement(db, sql: "SELECT op FROM note_entry WHERE note = ?").forEachRow(.int(note)) {
      present.append($0.int(0))
    }
    guard present.allSatisfy(superseding.contains) else { return false }
    let alone = MultiValueRegister(entries: [entry])
    try store(LoadedRegister(register: alone, seqs: [:]), note: note, newSeq: (entry.dot, seq), previous: present)
    return true
  }

  /// Writes the register as it is after a write: its new entry (log row `newSeq`) added,
  /// the entries among `previous` (log rows) it no longer holds taken away, and the shown
  /// body and state.
  func store(_ loaded: LoadedRegister<NoteContent>, note: Int64, newSeq: (Dot, Int64), previous: [Int64]) throws {
    let rows = loaded.rows(adding: newSeq)
    let kept = Set(rows.map(\.seq))
    for seq in previous where !kept.contains(seq) { try removeEntry(note: note, op: seq) }
    for (seq, entry) in rows where seq == newSeq.1 { try addEntry(note: note, op: seq, content: entry.value) }
    let body = NoteState.shownBody(loaded.register)
    let state = NoteState(loaded.register).rawValue
    switch layer {
    case .recent:
      try DirectStatement(
        db,
        sql: """
          INSERT INTO note_change (num, body, state) VALUES (?, ?, ?)
          ON CONFLICT(num) DO UPDATE SET body = excluded.body, state = excluded.state
          """
      ).execute(.int(note), .text(body), .text(state))
    case .folded:
      try DirectStatement(db, sql: "UPDATE note_folded SET body = ?, state = ? WHERE num = ?").execute(
        .text(body), .text(state), .int(note))
    }
  }

  /// Adds the entry of operation `op` (log row) to the note's register: a creation's, or
  /// a later write's.
  func addEntry(note: Int64, op: Int64, content: NoteContent) throws {
    try DirectStatement(
      db, sql: "INSERT INTO \(layer.table("note_entry")) (op, note, deleted, body) VALUES (?, ?, ?, ?)"
    ).execute(.int(op), .int(note), .int(content == .deleted ? 1 : 0), .text(content.text ?? ""))
  }

  private func removeEntry(note: Int64, op: Int64) throws {
    if layer == .folded {
      try DirectStatement(db, sql: "DELETE FROM note_entry_folded WHERE note = ? AND op = ?").execute(
        .int(note), .int(op))
      return
    }
    try DirectStatement(db, sql: "DELETE FROM note_entry_recent WHERE op = ? AND note = ?").execute(
      .int(op), .int(note))
    if db.changesCount == 0 {
      try DirectStatement(db, sql: "INSERT OR IGNORE INTO note_entry_removal (note, op) VALUES (?, ?)").execute(
        .int(note), .int(op))
    }
  }
}

/// Reading-status histories, one per (record, person).
///
/// Histories only grow, so writes are incremental (the new entry, and the lowered
/// `superseded_at` of what it supersedes, exactly as `StatusHistory.write` does) and reads
/// load only the entries that can still count: those not superseded by an entry that
/// counts for the reader. Written to the layer `layer` (`RecentEntries`).
struct StatusRegisters {
  let db: Database
  var layer = EntryLayer.recent

  /// The entries that matter to a reader at `now`, as a `StatusHistory`. Read through
  /// SQLite's C interface (`DirectStatement`): a first import refreshes the status of every
  /// record it touched, 20,000 for the bench's million operations, and GRDB's rows took
  /// most of that time. `status_entry` is a union of two layers, one of them a left join,
  /// which SQLite copies into a temporary table for every query that joins it, unless a
  /// CROSS JOIN makes it the outer loop, which it then reads in place (a co-routine): the
  /// copy was a third of the load.
  func load(record: Int64, person: String, now: HLCTimestamp) throws -> StatusHistory {
    let horizon = HLCTimestamp(milliseconds: now.milliseconds + HybridLogicalClock.defaultMaximumDrift, logical: .max)
    var entries: [RegisterEntry<ReadingStatus>] = []
    var supersededAt: [Dot: HLCTimestamp] = [:]
    try DirectStatement(
      db,
      sql: """
        SELECT r.id, o.counter, o.hlc, o.person, e.status, e.superseded_at FROM status_entry e
        CROSS JOIN operation o ON o.seq = e.op JOIN replica r ON r.num = o.replica
        WHERE e.record = ? AND e.person = ? AND (e.superseded_at IS NULL OR e.superseded_at > ?)
        """
    ).forEachRow(.int(record), .text(person), .int(Int64(horizon.packed))) { row in
      let dot = Dot(replica: ReplicaID(hex: row.text(0))!, counter: UInt64(row.int(1)))
      entries.append(
        RegisterEntry(
          dot: dot, timestamp: HLCTimestamp(packed: UInt64(row.int(2))), person: row.text(3),
          value: ReadingStatus(rawValue: row.text(4)) ?? .unread))
      if !row.isNull(5) { supersededAt[dot] = HLCTimestamp(packed: UInt64(row.int(5))) }
    }
    return StatusHistory(entries: entries, supersededAt: supersededAt)
  }

  /// The entries no other entry has superseded: what a new status write supersedes. (The
  /// CROSS JOIN reads the view in place, as `load` does.)
  func frontier(record: Int64, person: String) throws -> [Dot] {
    try db.rows(
      sql: """
        SELECT r.id, o.counter FROM status_entry e CROSS JOIN operation o ON o.seq = e.op
        JOIN replica r ON r.num = o.replica
        WHERE e.record = ? AND e.person = ? AND e.superseded_at IS NULL
        """, arguments: [record, person]
    ).map { Dot(replica: ReplicaID(hex: $0[0])!, counter: UInt64($0[1] as Int64)) }
  }

  /// Adds one write: its entry, and `supersededAt = min(supersededAt, its clock)` for each
  /// entry of the same person it supersedes (given by log row), wherever that entry lives:
  /// a peer that grouped records differently (`RecordGroups`) when it wrote saw the same
  /// entries. Writing to the recent layer, a folded entry's lowered clock goes to
  /// `status_supersession` (`RecentEntries`). Returns the other records whose entries it
  /// superseded.
  func write(
    seq: Int64, record: Int64, person: String, timestamp: HLCTimestamp, status: ReadingStatus, superseding: [Int64]
  )
    throws -> [Int64]
  {
    let at = Int64(timestamp.packed)
    try DirectStatement(
      db,
      sql: """
        INSERT INTO \(layer.table("status_entry")) (op, record, person, hlc, status, superseded_at)
        VALUES (?, ?, ?, ?, ?, NULL)
        """
    ).execute(.int(seq), .int(record), .text(person), .int(at), .text(status.rawValue))
    var elsewhere: [Int64] = []
    for superseded in superseding {
      if let owner = try lower(superseded, person: person, record: record, at: at), owner != record {
        elsewhere.append(owner)
      }
    }
    return elsewhere
  }

  /// Lowers the `superseded_at` of the entry `superseded` (log row) of `person` to `at`,
  /// wherever it lives; returns its record, or nil when there is no such entry.
  func lower(_ superseded: Int64, person: String, record: Int64, at: Int64) throws -> Int64? {
    layer == .folded
      ? try lowerFolded(superseded, person: person, record: record, at: at)
      : try lowerRecent(superseded, person: person, at: at)
  }

  /// Lowers a superseded entry's `superseded_at` to `at` where it is, in the recent layer
  /// or, for a folded entry, in `status_supersession`; returns its record.
  private func lowerRecent(_ superseded: Int64, person: String, at: Int64) throws -> Int64? {
    if let recent = try DirectStatement(
      db,
      sql: """
        UPDATE status_entry_recent SET superseded_at = min(coalesce(superseded_at, ?1), ?1)
        WHERE op = ?2 AND person = ?3 RETURNING record
        """
    ).int(.int(at), .int(superseded), .text(person)) {
      return recent
    }
    guard
      let folded = try DirectStatement(db, sql: "SELECT record FROM status_entry_folded WHERE op = ? AND person = ?")
        .int(.int(superseded), .text(person))
    else { return nil }
    try db.exec(
      sql: """
        INSERT INTO status_supersession (op, superseded_at) VALUES (?, ?)
        ON CONFLICT(op) DO UPDATE SET superseded_at = min(superseded_at, excluded.superseded_at)
        """, arguments: [superseded, at])
    return folded
  }

  /// Lowers a folded entry's `superseded_at` to `at` in place; returns its record.
  private func lowerFolded(_ superseded: Int64, person: String, record: Int64, at: Int64) throws -> Int64? {
    // Nearly always the entry is on this very record: an update by primary key. The
    // search by operation below returns the record through an ephemeral table, which
    // costs four times as much.
    try DirectStatement(
      db,
      sql: """
        UPDATE status_entry_folded SET superseded_at = min(coalesce(superseded_at, ?1), ?1)
        WHERE record = ?2 AND person = ?3 AND op = ?4
        """
    ).execute(.int(at), .int(record), .text(person), .int(superseded))
    if db.changesCount > 0 { return record }
    return try DirectStatement(
      db,
      sql: """
        UPDATE status_entry_folded SET superseded_at = min(coalesce(superseded_at, ?1), ?1)
        WHERE person = ?2 AND op = ?3 RETURNING record
        """
    ).int(.int(at), .text(person), .int(superseded))
  }

  /// Puts the person's status as of `now` in the `status` view: in `status_change`, or
  /// straight in `status_folded` with the pair's change row gone (`RecentEntries`).
  func refresh(record: Int64, person: String, now: HLCTimestamp) throws {
    let history = try load(record: record, person: person, now: now)
    let status = history.effective(now: now).status.rawValue
    switch layer {
    case .recent:
      try DirectStatement(
        db,
        sql: """
          INSERT INTO status_change (record, person, status) VALUES (?, ?, ?)
          ON CONFLICT(record, person) DO UPDATE SET status = excluded.status
          """
      ).execute(.int(record), .text(person), .text(status))
    case .folded:
      try DirectStatement(
        db,
        sql: """
          INSERT INTO status_folded (record, person, status) VALUES (?, ?, ?)
          ON CONFLICT(record, person) DO UPDATE SET status = excluded.status
          """
      ).execute(.int(record), .text(person), .text(status))
      try DirectStatement(db, sql: "DELETE FROM status_change WHERE record = ? AND person = ?").execute(
        .int(record), .text(person))
    }
  }
}

/// A record's additions of one tag, as an observed-remove set (`ObservedRemoveSet`'s
/// rule): its entries are exactly the additions no removal has observed, so an addition
/// adds its entry beside the others and a removal takes away the entries it observed.
/// Written to the layer `layer` (`RecentEntries`).
struct TagRegisters {
  let db: Database
  var layer = EntryLayer.recent

  /// Removes the observed additions (by log row) of the tag `key`, on whatever record each is.
  func remove(key: String, additions: [Int64]) throws {
    if layer == .folded {
      let statement = try DirectStatement(db, sql: "DELETE FROM tag_entry_folded WHERE key = ? AND op = ?")
      for addition in additions { try statement.execute(.text(key), .int(addition)) }
      return
    }
    let recent = try DirectStatement(db, sql: "DELETE FROM tag_entry_recent WHERE op = ? AND key = ?")
    let folded = try DirectStatement(db, sql: "INSERT OR IGNORE INTO tag_removal (op, key) VALUES (?, ?)")
    for addition in additions {
      try recent.execute(.int(addition), .text(key))
      // Not recent: folded, or removed already, which the fold's delete finds nothing of.
      if db.changesCount == 0 { try folded.execute(.int(addition), .text(key)) }
    }
  }

  /// Adds one addition (by log row) to the record's set of the tag `key`.
  func add(key: String, record: Int64, addition: Int64) throws {
    try DirectStatement(db, sql: "INSERT INTO \(layer.table("tag_entry")) (op, record, key) VALUES (?, ?, ?)").execute(
      .int(addition), .int(record), .text(key))
  }
}
