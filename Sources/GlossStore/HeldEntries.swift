import GRDB
import GlossCore

/// Tag additions, status entries and new notes that a write into the folded trees
/// (`EntryLayer.folded`: a first import of a team's history) holds in memory and writes
/// in one pass later, instead of one statement per operation.
///
/// Why: in such an import most of them are touched again by a later operation of the
/// same bundle. A removal takes an addition away, a later status lowers an earlier one's
/// `superseded_at`, an edit replaces a note's body. Written as they came, each was an
/// insert into a table with up to four B-trees, then a delete or an update of the same
/// rows: the tags, statuses and note edits of a million-operation import cost 10 s of its
/// 20. Held here, an addition removed before the write is never written, a lowering or an
/// edit is a field in memory, and what is left goes in as one pass per table (`write`).
///
/// Invariants:
/// - An entry or note is held or stored, never both; the held ones are exactly what the
///   folded tables would have gained from the operations applied since the last `write`.
/// - Anything that reads or moves tag or status entries or notes (a status refresh, a
///   regrouping, a note's full-text indexing, an edit that leaves a conflict, the end of
///   the session) runs after `write`: the tables alone are then complete.
/// - A held note's number is the one `note_folded` would have given it: one past the
///   largest there, in creation order.
/// - What is held takes at most about `byteLimit` bytes, so that a bundle of any size
///   costs bounded memory.
struct HeldEntries {
  /// A million-operation import holds about 45 MB and writes once. A write before the end
  /// costs: what is removed, lowered or edited after it is so in the tables, one statement
  /// each (a 200,000-entry bound made that import 20% slower).
  static let defaultByteLimit = 64 << 20
  /// The page cache while the dropped indexes are built again. SQLite sorts an index's
  /// keys in runs the size of the page cache, but at least 250 pages (4 MiB here), and
  /// merges them: 4 MiB runs sort within the processor's caches, and the six indexes of a
  /// million-operation import took 0.58–0.62 s instead of 0.71–0.85 with the 16 MiB cache
  /// of a folded import (whose keys fit one run). The runs go to SQLite's temporary
  /// files, which it unlinks as it opens them.
  static let indexBuildCacheKilobytes = 4_096

  let byteLimit: Int

  /// About how many bytes are held: each entry's size, and the text a note holds.
  private var bytes = 0

  /// In log order until written: operations are applied, and their log rows given, in
  /// increasing order, so a held entry is found by searching (`position`).
  private var tags: [HeldTag] = []
  private var statuses: [HeldStatus] = []
  private var notes: [HeldNote] = []
  private var noteIndex: [String: Int] = [:]
  /// The number the next held note gets; read from `note_folded` when none is held.
  private var nextNote: Int64?
  /// Tag keys and persons, stored once: an import has a few dozen of each.
  private var names: [String] = []
  private var nameIndex: [String: Int32] = [:]

  init(byteLimit: Int = Self.defaultByteLimit) { self.byteLimit = byteLimit }

  var isFull: Bool { bytes >= byteLimit }

  /// Holds the addition `op` of tag `key` to `record`'s set.
  mutating func addTag(key: String, record: Int64, op: Int64) {
    precondition(tags.last.map { $0.op < op } ?? true, "tag additions held out of log order")
    tags.append(HeldTag(op: op, record: record, key: index(of: key)))
    bytes += MemoryLayout<HeldTag>.stride
  }

  /// Takes the held additions of `key` among `additions` (log rows) away and returns the
  /// others, which are stored, or removed already.
  mutating func removeTags(key: String, additions: [Int64]) -> [Int64] {
    additions.filter { op in
      guard let at = Self.position(of: op, in: tags), !tags[at].isRemoved, names[Int(tags[at].key)] == key else {
        return true
      }
      tags[at].isRemoved = true
      return false
    }
  }

  /// Holds the status entry of operation `op`, superseded by nothing yet.
  mutating func addStatus(op: Int64, record: Int64, person: String, hlc: Int64, status: ReadingStatus) {
    precondition(statuses.last.map { $0.op < op } ?? true, "status entries held out of log order")
    statuses.append(HeldStatus(op: op, record: record, hlc: hlc, person: index(of: person), status: status))
    bytes += MemoryLayout<HeldStatus>.stride
  }

  /// Lowers the held entry `op` of `person` to `at`, as `StatusHistory.write` does, and
  /// returns its record; nil when no such entry is held.
  mutating func lowerStatus(op: Int64, person: String, at: Int64) -> Int64? {
    guard let index = Self.position(of: op, in: statuses), names[Int(statuses[index].person)] == person else {
      return nil
    }
    statuses[index].supersededAt = min(statuses[index].supersededAt ?? at, at)
    return statuses[index].record
  }

  /// Holds a new note, whose only entry is its creation's (log row `origin`), and returns
  /// its number.
  mutating func addNote(
    id: String, record: Int64, home: Int64, origin: Int64, author: String, anchor: String?, body: String,
    _ db: Database
  ) throws -> Int64 {
    let num = try nextNote ?? (DirectStatement(db, sql: "SELECT max(num) FROM note_folded").int() ?? 0) + 1
    nextNote = num + 1
    noteIndex[id] = notes.count
    bytes +=
      MemoryLayout<HeldNote>.stride + id.utf8.count + author.utf8.count + (anchor?.utf8.count ?? 0)
      + body.utf8.count
    notes.append(
      HeldNote(
        num: num, id: id, record: record, home: home, origin: origin, author: author, anchor: anchor, entry: origin,
        content: .text(body)))
    return num
  }

  /// Makes `content` (of operation `op`) the held note `id`'s only entry when the write
  /// supersedes (by log row) the entry it has: the usual edit, of a note nobody edited
  /// concurrently. Returns the note's number and its body before; nil when the note is
  /// not held, or the write would leave a conflict (`isHolding` tells which).
  mutating func replaceNote(id: String, by content: NoteContent, op: Int64, superseding: [Int64]) -> (
    num: Int64, body: String
  )? {
    guard let index = noteIndex[id], superseding.contains(notes[index].entry) else { return nil }
    let before = notes[index].content.text ?? ""
    notes[index].entry = op
    notes[index].content = content
    bytes += content.text?.utf8.count ?? 0
    return (notes[index].num, before)
  }

  func isHolding(note id: String) -> Bool { noteIndex[id] != nil }

  /// Writes every held entry into the folded tables, and holds nothing more. Into a table
  /// that has rows, in log order: its indexes by log row and clock then only append
  /// (measured, that beat the primary key's order). Into an empty one, without its
  /// secondary indexes (`dropSecondaryIndexes`), in its primary key's order: its one tree
  /// then only appends, twice as fast again. A failure leaves the tables half-written:
  /// the transaction must not go on (the write session rolls it back).
  mutating func write(_ db: Database) throws {
    guard !tags.isEmpty || !statuses.isEmpty || !notes.isEmpty else { return }
    var empty: Set<String> = []
    for table in ["tag_entry_folded", "status_entry_folded", "note_folded"]
    where try !Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM \(table))")! {
      empty.insert(table)
    }
    let dropped = try Self.dropSecondaryIndexes(of: empty, db)
    // Keys and persons compare as SQLite's BINARY collation does: by their UTF-8 bytes.
    let rank = Self.byteOrderRanks(names)
    if !tags.isEmpty {
      if empty.contains("tag_entry_folded") {
        tags.sort { ($0.record, rank[Int($0.key)], $0.op) < ($1.record, rank[Int($1.key)], $1.op) }
      }
      let insert = try DirectStatement(db, sql: "INSERT INTO tag_entry_folded (op, record, key) VALUES (?, ?, ?)")
      for held in tags where !held.isRemoved {
        try insert.execute(.int(held.op), .int(held.record), .text(names[Int(held.key)]))
      }
      tags.removeAll(keepingCapacity: true)
    }
    if !statuses.isEmpty {
      let insert = try DirectStatement(
        db,
        sql: """
          INSERT INTO status_entry_folded (op, record, person, hlc, status, superseded_at)
          VALUES (?, ?, ?, ?, ?, ?)
          """)
      if empty.contains("status_entry_folded") {
        statuses.sort { ($0.record, rank[Int($0.person)], $0.op) < ($1.record, rank[Int($1.person)], $1.op) }
      }
      for held in statuses {
        try insert.execute(
          .int(held.op), .int(held.record), .text(names[Int(held.person)]), .int(held.hlc), .text(held.status.rawValue),
          held.supersededAt.map { .int($0) } ?? .null)
      }
      statuses.removeAll(keepingCapacity: true)
    }
    if !notes.isEmpty { try writeNotes(db) }
    try Self.buildIndexes(dropped, db)
    bytes = 0
  }

  /// Runs the statements that make dropped indexes, with the cache at
  /// `indexBuildCacheKilobytes`, then puts the cache back as it was.
  private static func buildIndexes(_ statements: [String], _ db: Database) throws {
    guard !statements.isEmpty else { return }
    let cache = try Int.fetchOne(db, sql: "PRAGMA cache_size")!
    try db.execute(sql: "PRAGMA cache_size = -\(indexBuildCacheKilobytes)")
    for sql in statements { try db.execute(sql: sql) }
    try db.execute(sql: "PRAGMA cache_size = \(cache)")
  }

  /// Drops the secondary indexes of `tables`, and returns the statements, as the schema
  /// keeps them, that make them again.
  ///
  /// Why: into an empty table (a first import), inserting the rows and then building each
  /// index in one sorted pass, as `CREATE INDEX` does, beats updating every index row by
  /// row: the held entries of a million-operation import went in 2.0–2.7 s instead of 3.6.
  private static func dropSecondaryIndexes(of tables: Set<String>, _ db: Database) throws -> [String] {
    var dropped: [String] = []
    for table in tables.sorted() {
      for index in try Row.fetchAll(
        db, sql: "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL",
        arguments: [table])
      {
        let name: String = index["name"]
        try db.execute(sql: "DROP INDEX \"\(name.replacingOccurrences(of: "\"", with: "\"\""))\"")
        dropped.append(index["sql"])
      }
    }
    return dropped
  }

  private mutating func writeNotes(_ db: Database) throws {
    let insertNote = try DirectStatement(
      db,
      sql: """
        INSERT INTO note_folded (num, id, record, home, origin, author, anchor, body, state)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
        """)
    for held in notes {
      try insertNote.execute(
        .int(held.num), .text(held.id), .int(held.record), .int(held.home), .int(held.origin), .text(held.author),
        held.anchor.map { .text($0) } ?? .null, .text(held.content.text ?? ""),
        .text((held.content == .deleted ? NoteState.deleted : .live).rawValue))
    }
    let insertEntry = try DirectStatement(
      db, sql: "INSERT INTO note_entry_folded (note, op, deleted, body) VALUES (?, ?, ?, ?)")
    for held in notes {
      try insertEntry.execute(
        .int(held.num), .int(held.entry), .int(held.content == .deleted ? 1 : 0), .text(held.content.text ?? ""))
    }
    notes.removeAll(keepingCapacity: true)
    noteIndex.removeAll(keepingCapacity: true)
    nextNote = nil
  }

  /// Each name's place among `names` in the order of their UTF-8 bytes.
  private static func byteOrderRanks(_ names: [String]) -> [Int32] {
    var ranks = [Int32](repeating: 0, count: names.count)
    for (rank, index) in names.indices.sorted(by: { names[$0].utf8.lexicographicallyPrecedes(names[$1].utf8) })
      .enumerated()
    {
      ranks[index] = Int32(rank)
    }
    return ranks
  }

  private mutating func index(of name: String) -> Int32 {
    if let index = nameIndex[name] { return index }
    let index = Int32(names.count)
    names.append(name)
    nameIndex[name] = index
    return index
  }

  /// Where the entry of operation `op` is in `entries` (in log order), if held. Log rows
  /// come about evenly spread among the held entries, so the search starts where `op`
  /// would be if they were exactly, and widens from there: a few neighbouring reads where
  /// a binary search over a whole import's entries read far apart, mostly out of cache.
  private static func position<Entry: HeldEntry>(of op: Int64, in entries: [Entry]) -> Int? {
    guard let first = entries.first?.op, let last = entries.last?.op, first <= op, op <= last else { return nil }
    let guess = last == first ? 0 : Int(Double(op - first) / Double(last - first) * Double(entries.count - 1))
    var (low, high) = (guess, guess + 1)
    var step = 1
    while low > 0, entries[low].op > op {
      (high, low) = (low, max(0, low - step))
      step *= 2
    }
    step = 1
    while high < entries.count, entries[high - 1].op < op {
      (low, high) = (high, min(entries.count, high + step))
      step *= 2
    }
    // Now entries[low].op <= op when low > 0, and entries[high - 1].op >= op when high < count.
    while low < high {
      let middle = (low + high) / 2
      if entries[middle].op < op { low = middle + 1 } else { high = middle }
    }
    return low < entries.count && entries[low].op == op ? low : nil
  }
}

private protocol HeldEntry {
  var op: Int64 { get }
}

private struct HeldTag: HeldEntry {
  let op: Int64
  let record: Int64
  let key: Int32
  var isRemoved = false
}

/// A note created since the last write, and its only entry: a held note's register never
/// holds more than one (a write that would leave two first writes what is held, then edits
/// the note in the table).
private struct HeldNote {
  let num: Int64
  let id: String
  let record: Int64
  let home: Int64
  let origin: Int64
  let author: String
  let anchor: String?
  /// The log row of the entry's operation, and what it wrote.
  var entry: Int64
  var content: NoteContent
}

private struct HeldStatus: HeldEntry {
  let op: Int64
  let record: Int64
  let hlc: Int64
  let person: Int32
  let status: ReadingStatus
  var supersededAt: Int64?
}
