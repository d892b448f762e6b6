import Foundation
import GRDB
import GlossBundle
import GlossCore

/// Appends operations to the log and applies them to the derived tables.
///
/// Merge rules live in the pure core (`MultiValueRegister`, `ObservedRemoveSet`'s rule,
/// `StatusHistory`); this type only loads the affected register, lets the core apply the
/// operation to it, and writes the result back. Callers guarantee causal delivery: every
/// dependency of an operation is applied before it.
struct OperationApplier {
  let db: Database
  private(set) var clock: VectorClock
  private var replicaNums: [ReplicaID: Int64] = [:]
  /// The clock as the `clock` table holds it: what `flush` compares with to write only what
  /// changed (nothing is noted per operation).
  private var storedClock: VectorClock
  private var chainHeads: [ReplicaID: [UInt8]] = [:]
  /// Where this session's operations went in the log.
  private var sessionRows = SessionLogRows()
  /// How many entries `records` and `staleStatuses` each hold before they are emptied or
  /// written, so that a bundle of any size costs bounded memory.
  private static let sessionCacheLimit = 100_000
  /// The records this session looked up by id: nearly every operation names one, and most
  /// name one named moments before. A record's row, id and origin never change; its group
  /// changes only when an operation regroups records (a creation, a merge, an unmerge, a
  /// DOI or PMID set: `RecordGroups.refresh`), after which this is emptied.
  private var records: [String: RecordRef] = [:]
  /// Registers that went from agreement to conflict: what an import reports as
  /// "conflicts created", counted as they happen so it costs nothing per stored history.
  private(set) var conflictsCreated = 0
  /// The (record, person) statuses whose entries changed since `status` was last written
  /// for them, and the latest reader's clock given: a person's status on a record is
  /// written once per transaction, not once per status operation (it was one register
  /// load and one upsert each, a quarter of an import's statements). Written at `flush`,
  /// and before anything that may regroup records moves the entries.
  private var staleStatuses: Set<StatusKey> = []
  private var latestNow = HLCTimestamp(packed: 0)
  /// For each tag this session added, a bound on its stored first addition: the stored one
  /// is never later. An addition at or after the bound cannot be the first, so it skips
  /// the upsert of the tag's row, one statement of every tag operation.
  private var tagFirsts: [String: TagFirst] = [:]
  /// The tag additions, status entries and new notes a write into the folded trees has
  /// yet to make (`HeldEntries`). Tests replace it by one that holds less, to write it
  /// out in the middle of a session.
  var held = HeldEntries()
  /// The full-text entries this session has yet to make (`FullTextBacklog`).
  private var fullText = FullTextBacklog()
  /// A record the importer has just looked for, by id, DOI and PMID, in this transaction,
  /// and not found (`WriteSession.commitNewRecord`): its creation skips those lookups and
  /// takes the citekey and columns prepared with it. Holds for the next operation only.
  var preparedAbsent: PreparedPublication?
  /// Where new tag, status and note entries go: the recent layer unless this write is too
  /// large for it (`RecentEntries`).
  var entryLayer = EntryLayer.recent

  /// The log's insert, run for every operation: kept, not looked up in GRDB's cache by its
  /// text each time.
  private let logInsert: DirectStatement

  init(db: Database) throws {
    self.db = db
    logInsert = try DirectStatement(
      db,
      sql: """
        INSERT INTO operation (replica, counter, hlc, person, kind, target, payload, supersedes, requires, chain)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        """)
    var clock = VectorClock()
    for row in try db.rows(sql: "SELECT r.num, r.id, c.counter FROM clock c JOIN replica r ON r.num = c.replica") {
      let id = ReplicaID(hex: row["id"])!
      clock[id] = UInt64(row["counter"] as Int64)
      replicaNums[id] = row["num"]
    }
    self.clock = clock
    storedClock = clock
  }

  mutating func replicaNum(_ id: ReplicaID, person: String) throws -> Int64 {
    if let num = replicaNums[id] { return num }
    if let num: Int64 = try db.row(sql: "SELECT num FROM replica WHERE id = ?", arguments: [id.hex])?[0] {
      replicaNums[id] = num
      return num
    }
    try db.exec(sql: "INSERT INTO replica (id, person) VALUES (?, ?)", arguments: [id.hex, person])
    replicaNums[id] = db.lastInsertedRowID
    return db.lastInsertedRowID
  }

  /// The local row of an applied operation.
  func logRow(of dot: Dot) throws -> Int64? {
    if let row = sessionRows.seq(of: dot) { return row }
    guard let num = replicaNums[dot.replica] else { return nil }
    return try DirectStatement(db, sql: "SELECT seq FROM operation WHERE replica = ? AND counter = ?").int(
      .int(num), .int(Int64(dot.counter)))
  }

  /// The local rows of the applied operations among `dots`.
  func logRows(of dots: [Dot]) throws -> [Int64] {
    try dots.compactMap { try logRow(of: $0) }
  }

  /// The replica's hash chain at its last applied operation.
  mutating func chainHead(_ replica: ReplicaID) throws -> [UInt8] {
    if let head = chainHeads[replica] { return head }
    guard clock[replica] > 0, let num = replicaNums[replica] else { return ChainHash.zero }
    let stored: Data = try db.row(
      sql: "SELECT chain FROM operation WHERE replica = ? AND counter = ?", arguments: [num, Int64(clock[replica])])![
        "chain"]
    let head = [UInt8](stored)
    chainHeads[replica] = head
    return head
  }

  /// Logs and applies an operation that is not in the log yet. `now` is the reader's
  /// clock, which decides only whether a reading status is too far in the future to count.
  /// `verified` comes from a bundle whose signatures vouch for the operation's chain hash
  /// and its predecessor's: then the operation must continue this log's chain, which is a
  /// comparison, not a hash.
  mutating func applyNew(_ operation: Op, now: HLCTimestamp, verified: ChainLink? = nil, payload: String? = nil) throws
  {
    // The next counter, neither one already applied nor one after a gap.
    precondition(operation.dot.counter == clock[operation.dot.replica] + 1, "\(operation.dot) is not the next")
    let head = try chainHead(operation.dot.replica)
    assert(payload == nil || payload == operation.body.canonicalPayload, "a prepared payload that is not the body's")
    let payload = payload ?? operation.body.canonicalPayload
    guard !JSONValue.holdsNUL(canonical: payload), !operation.target.utf8.contains(0),
      !operation.person.utf8.contains(0)
    else {
      throw StoreError(
        "operation \(operation.dot.short) (\(operation.kind)) holds the character U+0000, which no value may hold; "
          + "remove it from the input")
    }
    let chain: [UInt8]
    if let verified {
      guard verified.previous == head else {
        throw StoreError(
          "operation \(operation.dot.short) of \(operation.person) does not continue the history this store has: "
            + "the bundles disagree about \(operation.person)'s past; nothing was imported")
      }
      chain = verified.chain
    } else {
      chain = ChainHash.next(head, canonical: operation.canonicalBytes(payload: payload))
    }
    chainHeads[operation.dot.replica] = chain
    let replica = try replicaNum(operation.dot.replica, person: operation.person)
    let seq = try logInsert.insert(
      .int(replica), .int(Int64(operation.dot.counter)), .int(Int64(operation.timestamp.packed)),
      .text(operation.person), .text(operation.kind), .text(operation.target), .text(payload),
      .text(LogDots.text(operation.supersedes)), .text(LogDots.text(operation.requires)), .blob(chain))
    sessionRows.record(operation.dot, seq: seq)
    clock.record(operation.dot)
    try apply(operation, seq: seq, now: now)
    // Whatever the operation held (an addition, a status, a note or its edit), in one place.
    if held.isFull { try held.write(db) }
  }

  /// Writes the clock entries changed since the last flush, and indexes new records and
  /// changed notes.
  mutating func flush() throws {
    try refreshStaleStatuses()
    try fullText.indexRecords(db)
    try fullText.indexNotes(db)
    for (replica, counter) in clock.counters where storedClock[replica] != counter {
      try db.exec(
        sql:
          "INSERT INTO clock (replica, counter) VALUES (?, ?) ON CONFLICT(replica) DO UPDATE SET counter = excluded.counter",
        arguments: [replicaNums[replica]!, Int64(counter)])
    }
    storedClock = clock
  }

  /// Writes the status of each (record, person) whose entries changed, as of the latest
  /// reader's clock, from the entries held and stored.
  private mutating func refreshStaleStatuses() throws {
    try held.write(db)
    let registers = StatusRegisters(db: db, layer: entryLayer)
    for key in staleStatuses.sorted() {
      try registers.refresh(record: key.record, person: key.person, now: latestNow)
    }
    staleStatuses.removeAll(keepingCapacity: true)
  }

  private mutating func apply(_ operation: Op, seq: Int64, now: HLCTimestamp) throws {
    let prepared = preparedAbsent?.id == operation.target ? preparedAbsent : nil
    preparedAbsent = nil
    latestNow = max(latestNow, now)
    defer { if operation.body.mayRegroup { records.removeAll(keepingCapacity: true) } }
    switch operation.body {
    case .createRecord(let publication):
      try createRecord(publication, id: operation.target, operation: operation, seq: seq, now: now, prepared: prepared)
    case .setField(let field, let value):
      let record = try requireRecord(operation.target)
      try fullText.indexRecords(db, before: record.num)
      var register = try FieldRegisters(db: db).load(record: record, field: field)
      let wasConflicted = register.register.isConflicted
      register.write(entry(operation, value), superseding: operation.supersedes)
      if !wasConflicted && register.register.isConflicted { conflictsCreated += 1 }
      try FieldRegisters(db: db).store(register, record: record, field: field, newSeq: (operation.dot, seq))
      if field == .citekey { try Citekeys(db: db).refresh(record: record.num) }
      if field == .doi || field == .pmid { try regroup([record.num], now: now) }
    case .addTag(let spelling):
      let record = try requireRecord(operation.target)
      let key = TagName.key(spelling)
      // An addition joins the OR-set beside the additions there: one row more.
      if entryLayer == .folded {
        held.addTag(key: key, record: record.group, op: seq)
      } else {
        try TagRegisters(db: db, layer: entryLayer).add(key: key, record: record.group, addition: seq)
      }
      let first = TagFirst(hlc: Int64(operation.timestamp.packed), replica: operation.dot.replica.hex)
      if let bound = tagFirsts[key], bound <= first { break }
      tagFirsts[key] = first
      try db.exec(
        sql: """
          INSERT INTO tag (key, display, first_hlc, first_replica) VALUES (?, ?, ?, ?)
          ON CONFLICT(key) DO UPDATE SET display = excluded.display, first_hlc = excluded.first_hlc,
            first_replica = excluded.first_replica
          WHERE (excluded.first_hlc, excluded.first_replica) < (tag.first_hlc, tag.first_replica)
          """,
        arguments: [key, spelling, first.hlc, first.replica])
    case .removeTag(let spelling):
      _ = try requireRecord(operation.target)
      let key = TagName.key(spelling)
      // Wherever each observed addition lives now: a peer that grouped the records
      // differently when it removed the tag saw the same additions.
      var additions = try logRows(of: operation.supersedes)
      if entryLayer == .folded { additions = held.removeTags(key: key, additions: additions) }
      try TagRegisters(db: db, layer: entryLayer).remove(key: key, additions: additions)
    case .createNote(let recordID, let text, let anchor):
      let record = try requireRecord(recordID.text)
      guard entryLayer == .recent else {
        let note = try held.addNote(
          id: operation.target, record: record.group, home: record.num, origin: seq, author: operation.person,
          anchor: anchor?.json.canonical, body: text, db)
        try noteChanged(note, indexed: nil)
        break
      }
      // Numbered after every note of either layer.
      let note = try DirectStatement(
        db,
        sql: """
          INSERT INTO note_recent (num, id, record, home, origin, author, anchor, body, state)
          VALUES (
            max(coalesce((SELECT max(num) FROM note_recent), 0), coalesce((SELECT max(num) FROM note_folded), 0)) + 1,
            ?, ?, ?, ?, ?, ?, ?, 'live')
          """
      ).insert(
        .text(operation.target), .int(record.group), .int(record.num), .int(seq), .text(operation.person),
        anchor.map { .text($0.json.canonical) } ?? .null, .text(text))
      try NoteRegisters(db: db, layer: entryLayer).addEntry(note: note, op: seq, content: .text(text))
      try noteChanged(note, indexed: nil)
    case .editNote(let text):
      try writeNote(operation, seq: seq, content: .text(text))
    case .deleteNote:
      try writeNote(operation, seq: seq, content: .deleted)
    case .setStatus(let status):
      let record = try requireRecord(operation.target)
      let elsewhere = try writeStatus(status, of: operation, seq: seq, record: record.group)
      if staleStatuses.count >= Self.sessionCacheLimit { try refreshStaleStatuses() }
      for other in elsewhere + [record.group] {
        staleStatuses.insert(StatusKey(record: other, person: operation.person))
      }
    case .saySource(let source, let fields):
      let record = try requireRecord(operation.target)
      try SourceStatements(db: db).remember(
        record: record.num, source: source, fields: fields, operation: operation, seq: seq, isNew: false)
    case .mergeRecord(let other), .unmergeRecord(let other):
      let record = try requireRecord(operation.target)
      let partner = try requireRecord(other.text)
      guard record.num != partner.num else {
        throw StoreError("operation \(operation.dot.short) links a record to itself")
      }
      let groups = RecordGroups(db: db, layer: entryLayer)
      var link = try groups.link(record.num, partner.num)
      let value: RecordLink = if case .mergeRecord = operation.body { .merged(keep: other) } else { .separate }
      link.write(entry(operation, value), superseding: operation.supersedes)
      try groups.storeLink(link, record.num, partner.num, newSeq: (operation.dot, seq))
      try regroup([record.num, partner.num], now: now)
    }
  }

  /// Adds a status write's entry and lowers those it supersedes; returns the records other
  /// than `record` whose entries it superseded. Into the folded trees, the entry is held
  /// (`HeldEntries`), and so is the lowering of a held entry.
  private mutating func writeStatus(_ status: ReadingStatus, of operation: Op, seq: Int64, record: Int64) throws
    -> [Int64]
  {
    let registers = StatusRegisters(db: db, layer: entryLayer)
    let superseding = try logRows(of: operation.supersedes)
    guard entryLayer == .folded else {
      return try registers.write(
        seq: seq, record: record, person: operation.person, timestamp: operation.timestamp, status: status,
        superseding: superseding)
    }
    let at = Int64(operation.timestamp.packed)
    held.addStatus(op: seq, record: record, person: operation.person, hlc: at, status: status)
    var elsewhere: [Int64] = []
    for superseded in superseding {
      let owner =
        try held.lowerStatus(op: superseded, person: operation.person, at: at)
        ?? registers.lower(superseded, person: operation.person, record: record, at: at)
      if let owner, owner != record { elsewhere.append(owner) }
    }
    return elsewhere
  }

  /// Regroups records (`RecordGroups.refresh`), which moves their tag and status entries
  /// and recomputes their statuses from them: what is held and what is stale goes first.
  private mutating func regroup(_ records: [Int64], now: HLCTimestamp) throws {
    try refreshStaleStatuses()
    try RecordGroups(db: db, layer: entryLayer).refresh(records, now: now)
  }

  private func entry<Value>(_ operation: Op, _ value: Value) -> RegisterEntry<Value> {
    RegisterEntry(dot: operation.dot, timestamp: operation.timestamp, person: operation.person, value: value)
  }

  /// The record an operation acts on; `group` is where its annotations go.
  private mutating func requireRecord(_ id: String) throws -> RecordRef {
    if let record = records[id] { return record }
    guard let record = try StoreReader(db: db).recordRef(id: id) else {
      throw StoreError("operation targets record \(id), which this store does not have")
    }
    if records.count >= Self.sessionCacheLimit { records.removeAll(keepingCapacity: true) }
    records[id] = record
    return record
  }

  /// Creates the record or joins another creation of it, then keeps what each of the
  /// creation's sources says about it.
  private mutating func createRecord(
    _ publication: Publication, id: String, operation: Op, seq: Int64, now: HLCTimestamp,
    prepared: PreparedPublication?
  ) throws {
    // Derived once: it normalises the title, which is not free.
    let derivedKey = prepared?.citekey ?? publication.citekey
    let (record, isNew, placed) = try createOrJoinRecord(
      publication, derivedKey: derivedKey, id: id, operation: operation, seq: seq, prepared: prepared)
    if !placed { try Citekeys(db: db).refresh(record: record.num) }
    if !publication.doi.isEmpty || !publication.pmid.isEmpty {
      let groups = RecordGroups(db: db, layer: entryLayer)
      // A new record alone with its identifiers (the usual case) has no group to compute.
      let alone =
        try isNew
        && (prepared != nil
          || groups.identifierSharers(doi: publication.doi, pmid: publication.pmid, of: record.num).isEmpty)
      if !alone {
        try regroup([record.num], now: now)
      }
    }
    // The statement is the creation itself (its fields are read from its payload when
    // needed): an import of many new records writes no second copy of each.
    for source in publication.sources {
      try SourceStatements(db: db).remember(
        record: record.num, source: source, fields: nil, operation: operation, seq: seq, isNew: isNew)
    }
  }

  /// The record, whether it is new, and whether its citekey is placed already.
  private mutating func createOrJoinRecord(
    _ publication: Publication, derivedKey: String, id: String, operation: Op, seq: Int64,
    prepared: PreparedPublication?
  ) throws
    -> (RecordRef, isNew: Bool, placed: Bool)
  {
    // A prepared creation was looked for just before, and not found.
    guard let existing = prepared != nil ? nil : try StoreReader(db: db).recordRef(id: id) else {
      let shown =
        publication.pinnedCitekey.isEmpty
        ? try Citekeys(db: db).keyForNewRecord(wanting: derivedKey, created: operation.timestamp) : nil
      let joined = prepared?.columns ?? RecordColumns.Joined(publication)
      let num = try DirectStatement(
        db,
        sql: """
          INSERT INTO record (id, citekey, citekey_base, citekey_wanted, title, authors, et_al, journal, year, date, volume, issue,
            pages, pubmed, free_full_text, abstract, topics, sources, library, origin)
          VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
          """
      ).insert(
        .text(id), .text(shown ?? derivedKey), .text(derivedKey), .text(shown == nil ? "" : derivedKey),
        .text(publication.title), .text(joined.authors), .int(publication.etAl ? 1 : 0), .text(publication.journal),
        publication.year.map { .int(Int64($0)) } ?? .null, .text(publication.date), .text(publication.volume),
        .text(publication.issue), .text(publication.pages), .int(publication.pubmed ? 1 : 0),
        .int(publication.freeFullText ? 1 : 0), .text(joined.abstract), .text(joined.topics), .text(joined.sources),
        .text(joined.library), .int(seq))
      fullText.recordCreated(num)
      return (RecordRef(num: num, id: id, origin: seq), true, shown != nil)
    }
    // A second creation of the same paper (another peer imported it too): every field
    // register gains this write beside what it holds; equal values do not conflict. A
    // library field the creation leaves empty is not written: one source lacking a DOI
    // says nothing against another that has it.
    try fullText.indexRecords(db, before: existing.num)
    let registers = FieldRegisters(db: db)
    for field in RecordField.allCases where !(field.isLibraryField && field.isEmpty(publication.value(of: field))) {
      var register = try registers.load(record: existing, field: field)
      let wasConflicted = register.register.isConflicted
      register.write(entry(operation, publication.value(of: field)), superseding: operation.supersedes)
      if !wasConflicted && register.register.isConflicted { conflictsCreated += 1 }
      try registers.store(register, record: existing, field: field, newSeq: (operation.dot, seq))
    }
    let row = try db.row(sql: "SELECT topics, sources FROM record WHERE num = ?", arguments: [existing.num])!
    try db.exec(
      sql: "UPDATE record SET topics = ?, sources = ? WHERE num = ?",
      arguments: [
        RecordColumns.joinSet(RecordColumns.splitSet(row["topics"]) + publication.topics),
        RecordColumns.joinSet(RecordColumns.splitSet(row["sources"]) + publication.sources), existing.num,
      ])
    return (existing, false, false)
  }

  /// Marks a note's full-text entry out of date (`FullTextBacklog.noteChanged`); when the
  /// backlog is full, indexes it first, from the notes' table with what is held written.
  private mutating func noteChanged(_ note: Int64, indexed: String?) throws {
    if fullText.isFull(before: note) {
      try held.write(db)
      try fullText.indexNotes(db)
    }
    fullText.noteChanged(note, indexed: indexed)
  }

  private mutating func writeNote(_ operation: Op, seq: Int64, content: NoteContent) throws {
    let superseding = try logRows(of: operation.supersedes)
    if entryLayer == .folded {
      if let (note, body) = held.replaceNote(id: operation.target, by: content, op: seq, superseding: superseding) {
        try noteChanged(note, indexed: body)
        return
      }
      // A held note that keeps another entry: edited in the table, as a stored one.
      if held.isHolding(note: operation.target) { try held.write(db) }
    }
    var found: (note: Int64, body: String)?
    try DirectStatement(db, sql: "SELECT num, body FROM note WHERE id = ?").forEachRow(.text(operation.target)) {
      found = ($0.int(0), $0.text(1))
    }
    guard let (note, body) = found else {
      throw StoreError("operation targets note \(operation.target), which this store does not have")
    }
    try noteChanged(note, indexed: body)
    let registers = NoteRegisters(db: db, layer: entryLayer)
    if try registers.replaceIfAllSuperseded(
      note: note, by: entry(operation, content), seq: seq, superseding: superseding)
    {
      return
    }
    var register = try registers.load(note: note)
    let wasConflicted = NoteState(register.register).isConflict
    register.write(entry(operation, content), superseding: operation.supersedes)
    if !wasConflicted && NoteState(register.register).isConflict { conflictsCreated += 1 }
    try registers.store(register, note: note, newSeq: (operation.dot, seq), previous: Array(register.seqs.values))
  }
}

/// When and by which replica a tag was first added: its row shows the spelling of the
/// first addition, in this order (`tag.first_hlc`, `tag.first_replica`).
private struct TagFirst: Comparable {
  let hlc: Int64
  let replica: String

  static func < (a: Self, b: Self) -> Bool { (a.hlc, a.replica) < (b.hlc, b.replica) }
}

/// A person's status on a record (the group's survivor row).
private struct StatusKey: Hashable, Comparable {
  let record: Int64
  let person: String

  static func < (a: Self, b: Self) -> Bool { (a.record, a.person) < (b.record, b.person) }
}

extension OperationBody {
  /// Whether applying this may move records between groups (`RecordGroups.refresh`).
  fileprivate var mayRegroup: Bool {
    switch self {
    case .createRecord, .mergeRecord, .unmergeRecord: true
    case .setField(let field, _): field == .doi || field == .pmid
    default: false
    }
  }
}
