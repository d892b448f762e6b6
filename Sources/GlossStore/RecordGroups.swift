import GRDB
import GlossCore

/// Records that are one paper (`RecordGrouping`): linked by `record.merge`, or sharing a DOI
/// or PMID, and not kept apart by `record.unmerge`.
///
/// Invariants:
/// - `record.merged_into` is NULL for the record a group shows (its survivor) and for a
///   record alone, else the survivor's num. Listings and searches show survivors only.
/// - Tag additions, status entries, statuses and notes live under their group's survivor
///   (`tag_entry.record`, `status_entry.record`, `status.record`, `note.record`). Each one's
///   own record stays known (its operation's target; `note.home` for notes), so a
///   regrouping moves them, and an unmerge gives each record back what was made on it.
/// - Field registers stay on each record's own row: a group shows its survivor's fields.
/// - Like every derived table, the groups depend only on which operations are applied:
///   `refresh` recomputes them from the pair registers and identifiers after every
///   operation that changes one of those.
struct RecordGroups {
  let db: Database
  /// Where the statuses of regrouped records are written (`RecentEntries`).
  var layer = EntryLayer.recent

  /// The survivor's num of the group `record` is in.
  func group(of record: Int64) throws -> Int64 {
    let statement = try db.cachedStatement(sql: "SELECT coalesce(merged_into, num) FROM record WHERE num = ?")
    return try Int64.fetchOne(statement, arguments: [record]) ?? record
  }

  /// The pair's register, with each entry's log row.
  func link(_ first: Int64, _ second: Int64) throws -> LoadedRegister<RecordLink> {
    var entries: [RegisterEntry<RecordLink>] = []
    var seqs: [Dot: Int64] = [:]
    for row in try db.rows(
      sql: """
        SELECT o.seq, r.id AS replica, o.counter, o.hlc, o.person, l.keep FROM record_link l
        JOIN operation o ON o.seq = l.op JOIN replica r ON r.num = o.replica WHERE l.low = ? AND l.high = ?
        """, arguments: [min(first, second), max(first, second)])
    {
      let dot = Dot(replica: ReplicaID(hex: row["replica"])!, counter: UInt64(row["counter"] as Int64))
      let keep = (row["keep"] as String?).flatMap(RecordID.init)
      entries.append(
        RegisterEntry(
          dot: dot, timestamp: HLCTimestamp(packed: UInt64(row["hlc"] as Int64)), person: row["person"],
          value: keep.map { .merged(keep: $0) } ?? .separate))
      seqs[dot] = row["seq"]
    }
    return LoadedRegister(register: MultiValueRegister(entries: entries), seqs: seqs)
  }

  func storeLink(_ loaded: LoadedRegister<RecordLink>, _ first: Int64, _ second: Int64, newSeq: (Dot, Int64)) throws {
    let (low, high) = (min(first, second), max(first, second))
    try db.exec(sql: "DELETE FROM record_link WHERE low = ? AND high = ?", arguments: [low, high])
    for (seq, entry) in loaded.rows(adding: newSeq) {
      let keep: String? =
        if case .merged(let keep) = entry.value { keep.text } else { nil }
      try db.exec(
        sql: "INSERT INTO record_link (low, high, op, keep) VALUES (?, ?, ?, ?)", arguments: [low, high, seq, keep])
    }
  }

  /// Records sharing a DOI or PMID with `record`.
  func identifierSharers(of record: Int64) throws -> Set<Int64> {
    let statement = try db.cachedStatement(
      sql: "SELECT json_extract(library, '$.doi'), json_extract(library, '$.pmid') FROM record WHERE num = ?")
    guard let row = try Row.fetchOne(statement, arguments: [record]) else { return [] }
    return try identifierSharers(doi: row[0] ?? "", pmid: row[1] ?? "", of: record)
  }

  /// Records other than `record` with this DOI or PMID (empty: none).
  func identifierSharers(doi: String, pmid: String, of record: Int64) throws -> Set<Int64> {
    var sharers: Set<Int64> = []
    // Each expression as its index is written, so that SQLite uses the index.
    for (field, value) in [("doi", doi), ("pmid", pmid)] where !value.isEmpty {
      sharers.formUnion(
        try Int64.fetchAll(
          try db.cachedStatement(sql: "SELECT num FROM record WHERE json_extract(library, '$.\(field)') = ?"),
          arguments: [value]))
    }
    sharers.remove(record)
    return sharers
  }

  /// The records linked to `record`, and the records that live merges asked to give way.
  func linked(to record: Int64) throws -> (neighbours: [Int64], absorbed: Set<Int64>) {
    let sharers = try identifierSharers(of: record)
    let partners = try Int64.fetchAll(
      try db.cachedStatement(
        sql: "SELECT high FROM record_link WHERE low = ?1 UNION SELECT low FROM record_link WHERE high = ?1"),
      arguments: [record])
    var neighbours: [Int64] = []
    var absorbed: Set<Int64> = []
    let id = try recordID(record)
    for other in sharers.union(partners).sorted() {
      let register = partners.contains(other) ? try link(record, other).register : MultiValueRegister()
      guard RecordGrouping.isLinked(register, sharingIdentifier: sharers.contains(other)) else { continue }
      neighbours.append(other)
      for entry in register.entries {
        guard case .merged(let keep) = entry.value else { continue }
        absorbed.insert(id == keep ? other : record)
      }
    }
    return (neighbours, absorbed)
  }

  private func recordID(_ num: Int64) throws -> RecordID {
    RecordID(
      try String.fetchOne(try db.cachedStatement(sql: "SELECT id FROM record WHERE num = ?"), arguments: [num])!)!
  }

  /// Recomputes the groups of `records` and of every record that was in a group with one of
  /// them, moving annotations to their new survivors. `now` decides reading statuses, as
  /// everywhere.
  func refresh(_ records: [Int64], now: HLCTimestamp) throws {
    var affected = Set(records)
    for record in records {
      let group = try group(of: record)
      affected.formUnion(
        try Int64.fetchAll(db, sql: "SELECT num FROM record WHERE num = ?1 OR merged_into = ?1", arguments: [group]))
    }
    var done: Set<Int64> = []
    var touchedGroups: Set<Int64> = []
    for start in affected.sorted() where !done.contains(start) {
      var absorbed: Set<Int64> = []
      let members = try RecordGrouping.component(of: start) { next in
        let found = try linked(to: next)
        absorbed.formUnion(found.absorbed)
        return found.neighbours
      }
      done.formUnion(members)
      var ids: [Int64: RecordID] = [:]
      for member in members { ids[member] = try recordID(member) }
      let survivorID = RecordGrouping.survivor(
        of: ids.values, absorbed: Set(absorbed.compactMap { ids[$0] }))
      let survivor = ids.first { $0.value == survivorID }!.key
      for member in members.sorted() {
        let old = try group(of: member)
        guard old != survivor else { continue }
        try move(member, id: ids[member]!, from: old, to: survivor)
        touchedGroups.formUnion([old, survivor])
      }
    }
    for group in touchedGroups.sorted() { try refreshStatuses(group: group, now: now) }
  }

  /// Puts `record` in the group shown by `survivor`, with what was made on it. What was
  /// made on it lives under its old group's survivor `old` (the invariant above), among
  /// that group's entries: found there by each entry's operation, as the store keeps no
  /// index of the whole log by target (migration v13).
  private func move(_ record: Int64, id: RecordID, from old: Int64, to survivor: Int64) throws {
    try db.exec(
      sql: "UPDATE record SET merged_into = ? WHERE num = ?", arguments: [survivor == record ? nil : survivor, record])
    for table in ["tag_entry_folded", "tag_entry_recent", "status_entry_folded", "status_entry_recent"] {
      try db.exec(
        sql: """
          UPDATE \(table) SET record = ?1
          WHERE record = ?2 AND (SELECT target FROM operation WHERE seq = \(table).op) = ?3
          """, arguments: [survivor, old, id.text])
    }
    for table in ["note_folded", "note_recent"] {
      try db.exec(
        sql: "UPDATE \(table) SET record = ? WHERE record = ? AND home = ?", arguments: [survivor, old, record])
    }
  }

  /// Each person's status on a group whose status entries changed, from those entries.
  private func refreshStatuses(group: Int64, now: HLCTimestamp) throws {
    try db.exec(sql: "DELETE FROM status_folded WHERE record = ?", arguments: [group])
    try db.exec(sql: "DELETE FROM status_change WHERE record = ?", arguments: [group])
    let registers = StatusRegisters(db: db, layer: layer)
    for person in try String.fetchAll(
      db, sql: "SELECT DISTINCT person FROM status_entry WHERE record = ? ORDER BY person", arguments: [group])
    {
      try registers.refresh(record: group, person: person, now: now)
    }
  }
}

extension StoreReader {
  /// The records merged into `record` (shown as it), by id.
  public func mergedRecords(into record: RecordRef) throws -> [RecordView] {
    try db.rows(
      sql: "SELECT \(Self.recordColumns) FROM record WHERE merged_into = ? ORDER BY id", arguments: [record.num]
    ).map(Self.view)
  }
}
