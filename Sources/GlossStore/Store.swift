import Foundation
import GRDB
import GRDBSQLite
import GlossCore
import Synchronization

/// This store's own replica: who writes here.
public struct LocalReplica: Sendable, Equatable {
  public let id: ReplicaID
  public let person: String
}

/// A Gloss store: one SQLite file holding the change log and the state derived from it.
///
/// Every mutation goes through `write`, whose session stamps operations and applies them
/// with the same code that applies a peer's operations. There is no other writer.
public final class Store: Sendable {
  public let path: String
  let queue: DatabaseQueue
  /// Who writes here. It changes while the store is open only when the store learns it is
  /// a copy (`healCopiedReplica`, or another process that did so: every write transaction
  /// reads it again), so it is read through a lock rather than fixed at opening.
  public var local: LocalReplica { localReplica.withLock { $0 } }
  let localReplica: Mutex<LocalReplica>
  /// Set when this store found on opening that it is a copy and took a new identity.
  public let reidentification: Reidentification?
  /// When opening found no status come due, the time it checked, until a write stores it
  /// (`refreshDueStatuses`).
  private let unstoredStatusCheck = Mutex<UInt64?>(nil)
  /// Wall-clock milliseconds; injectable so tests can step the clock backwards.
  let wallClock: @Sendable () -> UInt64

  public static let systemClock: @Sendable () -> UInt64 = {
    UInt64(max(0, Date().timeIntervalSince1970 * 1000))
  }

  /// Opens the store at `path`. With `create`, a store that does not exist yet is made,
  /// with a replica identity for `person` (ignored for an existing store); without it, only
  /// an existing Gloss store opens, so a mistyped path is an error, never a new empty store.
  /// A SQLite database of another program is never touched.
  public init(
    path: String, person: String? = nil, create: Bool = true,
    wallClock: @escaping @Sendable () -> UInt64 = Store.systemClock
  ) throws {
    self.path = path
    self.wallClock = wallClock
    var configuration = Configuration()
    if path != ":memory:" { configuration.journalMode = .wal }
    let busyWait = BusyWait()
    configuration.busyMode = .callback { tries in busyWait.shouldRetry(tries) }
    configuration.foreignKeysEnabled = false
    configuration.prepareDatabase { db in
      // Cache pages are allocated as used, so a small store pays nothing. A 50,000-entry
      // import touches about 200 MB of B-tree and FTS pages; with SQLite's default 2 MB
      // cache it reread most of them from the file (a fifth of the import's time).
      try db.execute(sql: "PRAGMA cache_size = -\(Self.cacheKilobytes)")
      // Takes effect only when the store is created. A record and its creation are each a
      // few kilobytes (abstracts): 16 KiB pages write a large import in a quarter of the
      // system calls, and leave fewer records spilling onto overflow pages.
      try db.execute(sql: "PRAGMA page_size = 16384")
      // A large sort (an index built again after a first import, `HeldEntries`; a fold's
      // ordered inserts) may sort its runs on a second core: the index builds of a
      // million-operation import take 0.58 s instead of 0.61 in 4 MiB runs.
      try db.execute(sql: "PRAGMA threads = 2")
      // Pages the cache does not hold are read from the file in place instead of copied in
      // by a system call each. A 1,000-operation delta into a million-operation store reads
      // a few thousand scattered pages of a 300 MB file that no cache of this fresh
      // connection holds yet: 57 ms became 46. SQLite maps the file read-only and still
      // writes through the WAL; what it may cost is a crash (SIGBUS) instead of an error on
      // a failing disk, which rolls back like any other.
      try db.execute(sql: "PRAGMA mmap_size = \(Self.mappedBytes)")
    }
    if path != ":memory:" {
      if !create, !FileManager.default.fileExists(atPath: path) { throw StoreError.noStore(path) }
      let folder = (path as NSString).deletingLastPathComponent
      if create, !folder.isEmpty {
        do {
          try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        } catch {
          throw StoreError("cannot create the folder \(folder) for the store: \(error.localizedDescription)")
        }
      }
    }
    do {
      // Every store gloss writes is in WAL mode; a database in the legacy journal mode is
      // surveyed read-only first, because opening it in WAL mode would rewrite its header.
      // A store is in that mode itself while a large import writes it
      // (`throughRollbackJournal`): the survey waits for it as a writer would.
      if path != ":memory:", Self.hasLegacyJournal(path) {
        var readOnly = Configuration()
        readOnly.readonly = true
        readOnly.busyMode = configuration.busyMode
        let survey = { try DatabaseQueue(path: path, configuration: readOnly).read(Self.survey) }
        let found: Survey
        do {
          found = try survey()
        } catch let error as DatabaseError where error.extendedResultCode == .SQLITE_READONLY_ROLLBACK {
          try Self.recoverInterruptedWrite(path, busyMode: configuration.busyMode)
          found = try survey()
        }
        if case .foreign = found { throw StoreError.foreign(path) }
      }
      queue =
        try path == ":memory:"
        ? DatabaseQueue(configuration: configuration) : DatabaseQueue(path: path, configuration: configuration)
      // Opening to read writes nothing: migrations and the identity are written only
      // when missing, so a reader never takes the write lock another process may hold.
      var opened: LocalReplica
      switch try queue.read(Self.survey) {
      case .ready(let existing):
        opened = existing
      case .foreign:
        throw StoreError.foreign(path)
      case .empty where !create:
        throw StoreError.noStore(path)
      case .empty, .unfinished:
        try Schema.migrator.migrate(queue)
        opened = try queue.write { db in try Self.loadIdentity(db) ?? Self.createIdentity(db, person: person) }
      }
      let located = path == ":memory:" ? (opened, nil) : try Self.checkLocation(queue, path: path, local: opened)
      localReplica = Mutex(located.0)
      reidentification = located.1
      try refreshDueStatuses()
    } catch let error as DatabaseError {
      throw StoreError.from(error, path: path)
    }
  }

  /// Whether `path` is an SQLite database in the rollback-journal mode (header bytes 18
  /// and 19 are 1; WAL mode sets them to 2).
  private static func hasLegacyJournal(_ path: String) -> Bool {
    guard let handle = FileHandle(forReadingAtPath: path) else { return false }
    defer { try? handle.close() }
    guard let header = try? handle.read(upToCount: 20), header.count == 20 else { return false }
    return header.prefix(16) == Data("SQLite format 3\u{0}".utf8) && header[18] == 1
  }

  /// What a file holds before it is opened as a store.
  private enum Survey {
    /// A Gloss store with every migration applied and an identity.
    case ready(LocalReplica)
    /// A Gloss store that an older gloss wrote, or whose creation was cut short.
    case unfinished
    /// Nothing yet: an empty or new file.
    case empty
    /// Tables, but none of Gloss's: another program's database.
    case foreign
  }

  private static func survey(_ db: Database) throws -> Survey {
    let migrator = Schema.migrator
    if try db.tableExists("grdb_migrations") {
      if try migrator.hasCompletedMigrations(db), let identity = try loadIdentity(db) { return .ready(identity) }
      return .unfinished
    }
    let tables = try Int.fetchOne(db, sql: "SELECT count(*) FROM sqlite_master") ?? 0
    return tables == 0 ? .empty : .foreign
  }

  static func loadIdentity(_ db: Database) throws -> LocalReplica? {
    guard let row = try db.row(sql: "SELECT id, person FROM replica WHERE is_local = 1"),
      let id = ReplicaID(hex: row["id"])
    else { return nil }
    return LocalReplica(id: id, person: row["person"])
  }

  private static func createIdentity(_ db: Database, person: String?) throws -> LocalReplica {
    // NFC: a person's name is an identifier that readers compare by its bytes (MERGE.md §1).
    let name = (person ?? ProcessInfo.processInfo.environment["USER"].flatMap { $0.isEmpty ? nil : $0 } ?? "me").nfc
    let id = ReplicaID.random()
    try db.exec(sql: "INSERT INTO replica (id, person, is_local) VALUES (?, ?, 1)", arguments: [id.hex, name])
    let local = LocalReplica(id: id, person: name)
    // Made with the store, so that a copy of it always holds a key to introduce its own
    // new identity with (`reidentify`).
    _ = try signingIdentity(db, local: local)
    return local
  }

  /// Statuses stamped too far in the future did not count when they arrived; once the
  /// clock has caught up with them, their registers are read again. Entries that may have
  /// been early are exactly those beyond the last check plus the allowed drift.
  /// Nothing is written unless something is due, which is rare: opening a store to read it
  /// must not need the write lock. The check is stored by this process's next write
  /// instead: without it, a store that never had a status come due took every status
  /// imported since for one that may have, and the first command after a million-operation
  /// import spent 3.5 s reading them all again.
  private func refreshDueStatuses() throws {
    let now = wallClock()
    func due(_ db: Database) throws -> [Row] {
      let checked =
        try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'status_checked'").flatMap(UInt64.init) ?? 0
      let low = HLCTimestamp(milliseconds: min(checked + HybridLogicalClock.defaultMaximumDrift, (1 << 48) - 1))
      let high = HLCTimestamp(milliseconds: now + HybridLogicalClock.defaultMaximumDrift, logical: .max)
      // By each layer's indexes (`RecentEntries`): a folded entry whose supersession
      // since the fold is due, or whose own clock is, may be due; reading it again is
      // harmless when it was not.
      return try db.rows(
        sql: """
          SELECT record, person FROM status_entry_folded WHERE hlc > ?1 AND hlc <= ?2
          UNION SELECT record, person FROM status_entry_folded WHERE superseded_at > ?1 AND superseded_at <= ?2
          UNION SELECT f.record, f.person FROM status_supersession s JOIN status_entry_folded f ON f.op = s.op
            WHERE s.superseded_at > ?1 AND s.superseded_at <= ?2
          UNION SELECT record, person FROM status_entry_recent WHERE hlc > ?1 AND hlc <= ?2
          UNION SELECT record, person FROM status_entry_recent WHERE superseded_at > ?1 AND superseded_at <= ?2
          """,
        arguments: [Int64(low.packed), Int64(high.packed)])
    }
    guard try !queue.read(due).isEmpty else {
      unstoredStatusCheck.withLock { $0 = now }
      return
    }
    try queue.write { db in
      let due = try due(db)
      let registers = StatusRegisters(db: db)
      for row in due {
        try registers.refresh(record: row["record"], person: row["person"], now: HLCTimestamp(milliseconds: now))
      }
      try db.exec(
        sql:
          "INSERT INTO meta (key, value) VALUES ('status_checked', ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
        arguments: [String(now)])
    }
  }

  /// Stores the time at which opening found no status due. Valid after any write of this
  /// process: a status it applied counted if its clock was within the allowed drift of
  /// the reader's, which is never earlier than that time, and one beyond it stays beyond
  /// the stored check too. Another process's later check is kept.
  private func storeStatusCheck(_ db: Database) throws {
    guard let checked = unstoredStatusCheck.withLock({ $0 }) else { return }
    try db.exec(
      sql: """
        INSERT INTO meta (key, value) VALUES ('status_checked', ?1) ON CONFLICT(key) DO UPDATE SET value = excluded.value
        WHERE CAST(meta.value AS INTEGER) < CAST(excluded.value AS INTEGER)
        """, arguments: [String(checked)])
    unstoredStatusCheck.withLock { $0 = nil }
  }

  /// The local replica as the store file says inside a transaction, remembered: another
  /// process on this store may have given it a new identity since this one opened it.
  func currentIdentity(_ db: Database) throws -> LocalReplica {
    guard let stored = try Self.loadIdentity(db) else { return local }
    localReplica.withLock { $0 = stored }
    return stored
  }

  /// Runs `body` in one transaction: everything it commits lands together or not at all.
  /// Ctrl-C in the REPL stops it at the next SQLite step; everything rolls back.
  public func write<T>(_ body: (WriteSession) throws -> T) throws -> T {
    defer { truncateLogIfLarge() }
    let budget = QueryBudget(seconds: nil)
    do {
      return try queue.write { db in
        try budget.run(on: db.sqliteConnection) {
          let session = try WriteSession(db: db, local: try currentIdentity(db), now: wallClock)
          let result = try body(session)
          try session.finish()
          try storeStatusCheck(db)
          return result
        }
      }
    } catch let error as StoreError where error == .cancelled {
      throw StoreError.cancelledWrite
    }
  }

  /// How much of the store file SQLite reads through a memory map (see `init`): past it,
  /// pages are read as usual.
  static let mappedBytes = 1 << 30
  /// SQLite's page cache, in KiB, for imports of records (see `init`).
  static let cacheKilobytes = 262_144
  /// The cache while a bundle applies. Applying a peer's operations appends to the log and
  /// touches a few registers per operation: its working set is the tail of a few B-trees,
  /// which a quarter of the cache holds as well, and an import of any size then stays
  /// within a bounded footprint.
  static let bundleCacheKilobytes = 65_536
  /// The cache while a bundle too large for the recent layer applies (`EntryLayer.folded`):
  /// what it writes besides the log is held (`HeldEntries`) and written at the end, in key
  /// order, so a sixteenth of the cache imports a million operations no slower, and leaves
  /// room for what is held. An ordinary delta keeps the larger cache: with a sixteenth,
  /// 1,000 operations into a million-operation store took 1.5 times as long.
  static let foldedBundleCacheKilobytes = 16_384

  /// A write-ahead log past this size is checkpointed and truncated after the write.
  static let largeLogBytes = 16 << 20

  /// After a large write (an import), copies the write-ahead log into the database and
  /// truncates it to nothing. Otherwise the log keeps every page the write touched until a
  /// later writer restarts it, and each process that opens the store first reads all of it
  /// to rebuild its index (after a 50,000-record import, about 40 ms on every command).
  /// The log file itself stays, so a reader never has to rebuild the index while a writer
  /// holds the lock (it would wait for that writer). A separate connection without a busy
  /// handler does it: when readers are still on the log, it gives up at once instead of
  /// waiting for them, and the next large write tries again.
  private func truncateLogIfLarge() {
    guard path != ":memory:",
      let size = try? FileManager.default.attributesOfItem(atPath: path + "-wal")[.size] as? Int,
      size > Self.largeLogBytes
    else { return }
    var connection: OpaquePointer?
    defer { sqlite3_close(connection) }
    guard sqlite3_open_v2(path, &connection, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, nil) == SQLITE_OK else {
      return
    }
    // The pragma, not sqlite3_wal_checkpoint_v2: a fresh connection has not read the
    // header yet, and the C call would find no log to checkpoint.
    sqlite3_exec(connection, "PRAGMA wal_checkpoint(TRUNCATE)", nil, nil, nil)
  }

  /// Runs `body` with a read-only view of the store.
  public func read<T>(_ body: (StoreReader) throws -> T) throws -> T {
    try queue.read { db in try body(StoreReader(db: db)) }
  }

  /// Copies the whole store, consistently, to a new file (SQLite's online backup).
  public func backup(to path: String) throws {
    let target = try DatabaseQueue(path: path)
    try queue.backup(to: target)
  }

  /// The hybrid logical clock now, without issuing a timestamp.
  public func currentTimestamp() throws -> HLCTimestamp {
    try read { reader in
      let last = try reader.lastTimestamp()
      let wall = HLCTimestamp(milliseconds: wallClock())
      return max(last, wall)
    }
  }
}
