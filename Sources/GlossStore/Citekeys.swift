import GRDB
import GlossCore

/// Citekeys, unique within the store and the same in every store that applied the same
/// operations.
///
/// Each record *wants* a key: the one a person set (`record.set citekey`, pinned), else the
/// one derived from its content when it was created (never recomputed, so a later
/// `set year` leaves it). Records wanting the same key are ordered, pinned ones first, then
/// by their earliest creation (HLC, replica id, counter): the first shows the key, the others the
/// key with `a`, `b`, … appended, skipping any key another record wants. A key therefore
/// changes only when a person sets one, or when a record created earlier elsewhere with
/// the same wanted key arrives; setting the key pins it.
struct Citekeys {
  let db: Database

  /// Makes `record` want `key` and reassigns every group of records the change can touch.
  func want(_ key: String, record: Int64) throws {
    let old = try String.fetchOne(db, sql: "SELECT citekey_wanted FROM record WHERE num = ?", arguments: [record]) ?? ""
    if old == key { return }
    try db.exec(sql: "UPDATE record SET citekey_wanted = ? WHERE num = ?", arguments: [key, record])
    if !old.isEmpty { try reassignAround(old) }
    try reassignAround(key)
  }

  /// The group wanting `key`, and every group whose suffixed keys could be `key`: a group
  /// wanting `P` where `key` is `P` plus lowercase letters.
  func reassignAround(_ key: String) throws {
    try reassign(key)
    var prefix = key
    while let last = prefix.last, last.isASCII, last.isLowercase, last.isLetter {
      prefix.removeLast()
      if !prefix.isEmpty { try reassign(prefix) }
    }
  }

  /// Gives each record wanting `wanted` its key, in the order above.
  func reassign(_ wanted: String) throws {
    // A record's creation is its earliest `record.create` (two peers may both have made
    // it), not the one this store happened to receive first.
    let rows = try Row.fetchAll(
      db.cachedStatement(
        sql: """
          SELECT rec.num, json_extract(rec.library, '$.citekey') IS NOT NULL AS pinned, o.hlc, r.id AS replica,
            o.counter
          FROM record rec JOIN operation o ON o.seq = (
            SELECT c.seq FROM operation c JOIN replica cr ON cr.num = c.replica
            WHERE c.target = rec.id AND c.kind = 'record.create' ORDER BY c.hlc, cr.id, c.counter LIMIT 1)
          JOIN replica r ON r.num = o.replica
          WHERE rec.citekey_wanted = ?
          """), arguments: [wanted])
    guard !rows.isEmpty else { return }
    let ordered = rows.sorted { a, b in
      let left = (a["pinned"] as Bool ? 0 : 1, a["hlc"] as Int64, a["replica"] as String, a["counter"] as Int64)
      let right = (b["pinned"] as Bool ? 0 : 1, b["hlc"] as Int64, b["replica"] as String, b["counter"] as Int64)
      return left < right
    }
    let claimed = try db.cachedStatement(sql: "SELECT 1 FROM record WHERE citekey_wanted = ? LIMIT 1")
    let update = try db.cachedStatement(sql: "UPDATE record SET citekey = ? WHERE num = ?")
    var index = 0
    for (position, row) in ordered.enumerated() {
      var key = wanted
      if position > 0 {
        repeat {
          index += 1
          key = wanted + Citekey.suffix(index)
        } while try Bool.fetchOne(claimed, arguments: [key]) == true
      }
      try update.execute(arguments: [key, row["num"] as Int64])
    }
  }

  /// The key a record about to be created, wanting `key`, shows, when that is decided
  /// without ordering its group again, so that the record is inserted with its key (the
  /// common case of an import, in one or two queries):
  /// - `key` itself when no record wants or shows it;
  /// - when records want it and the new record was made after every one of them (a local
  ///   import, the usual case), the next free suffix: everyone else keeps their key. Its
  ///   creation must be later than every member's *arrival* (`record.origin`), which is
  ///   never earlier than the member's earliest creation, so the rule's order puts it last.
  /// Nil otherwise: the record is created without a key, then `refresh` orders the group.
  func keyForNewRecord(wanting key: String, created: HLCTimestamp) throws -> String? {
    // Read through SQLite's C interface: about four in ten records of a large listing
    // collide with another's key, and GRDB's rows made this a fifth of the import's time.
    // One statement: how many records want the key, how many of those have their arrival
    // in the log (all of them: a record's origin is its creation), the latest arrival, and
    // whether some record shows the key.
    var wanting: Int64 = 0
    var arrived: Int64 = 0
    var latest: Int64 = 0
    var shown = false
    try DirectStatement(
      db,
      sql: """
        SELECT count(rec.num), count(o.seq), max(o.hlc), EXISTS (SELECT 1 FROM record WHERE citekey = ?1)
        FROM record rec LEFT JOIN operation o ON o.seq = rec.origin WHERE rec.citekey_wanted = ?1
        """
    ).forEachRow(.text(key)) { row in
      (wanting, arrived, latest, shown) = (row.int(0), row.int(1), row.int(2), row.int(3) != 0)
    }
    if wanting == 0 { return shown ? nil : key }
    guard arrived > 0, UInt64(latest) < created.packed else { return nil }
    // The keys the group's members show, and every key another record wants that is `key`
    // plus a suffix.
    var taken: Set<String> = []
    try DirectStatement(
      db,
      sql: """
        SELECT citekey FROM record WHERE citekey_wanted = ?1
        UNION ALL SELECT citekey_wanted FROM record WHERE citekey_wanted > ?1 AND citekey_wanted < ?1 || '{'
        """
    ).forEachRow(.text(key)) { taken.insert($0.text(0)) }
    var index = 0
    var candidate = key
    repeat {
      index += 1
      candidate = key + Citekey.suffix(index)
    } while taken.contains(candidate)
    return candidate
  }

  /// After a creation or a citekey write: what the record wants is its pinned key, else
  /// the key derived when it was created; its group is ordered again even when that did
  /// not change, as another creation of the record may have made it earlier.
  func refresh(record: Int64) throws {
    guard
      let row = try Row.fetchOne(
        db,
        sql: """
          SELECT citekey_base, citekey_wanted, json_extract(library, '$.citekey') AS pinned FROM record WHERE num = ?
          """, arguments: [record])
    else { return }
    let pinned: String? = row["pinned"]
    let base: String = row["citekey_base"]
    let wanted = pinned ?? base
    if wanted == (row["citekey_wanted"] as String) {
      try reassign(wanted)
    } else {
      try want(wanted, record: record)
    }
  }
}
