import Foundation
import GRDB

extension Store {
  /// Bundle imports of at least this many operations write through a rollback journal
  /// (`throughRollbackJournal`). An operation leaves about 300 bytes of pages in the store:
  /// this is the "few dozen megabytes" past which SQLite advises a rollback journal.
  static let rollbackJournalOperations = 100_000

  /// Files of records (listings, libraries) of at least this many bytes in all are
  /// imported through a rollback journal: a record leaves about three times its listing
  /// bytes in the store (its row, the full-text index, its creation in the log; 20,000
  /// records listed in 28 MB make an 85 MB store). A 20,000-record import took 1.28–1.32 s
  /// instead of 1.42–1.50.
  public static let rollbackJournalInputBytes = 16 << 20

  /// `write`, through SQLite's rollback journal when `large` (`throughRollbackJournal`):
  /// for a write that adds more than a few dozen megabytes, such as an import of records.
  public func write<T>(large: Bool, _ body: (WriteSession) throws -> T) throws -> T {
    try throughRollbackJournal(if: large) { try write(body) }
  }

  /// Runs `body` with the store in SQLite's rollback-journal mode when `large`, and in WAL
  /// mode again afterwards.
  ///
  /// In WAL mode every page a write touches is written twice: into the log, then by the
  /// checkpoint into the database. SQLite's own advice (sqlite.org/wal.html, §1) is a
  /// rollback journal for transactions larger than a few dozen megabytes: it keeps only
  /// the former content of pages that already existed, which for an import into a new
  /// store is almost none, and writes every new page once, in place. A million-operation
  /// import writes about 300 MB: 7.4–8.0 s became 6.8–7.1, and the disk never holds the
  /// second copy.
  ///
  /// - Leaving WAL mode needs the store to itself. While another connection has it open
  ///   (another gloss, a watch), SQLite refuses at once, and the write goes through the
  ///   WAL as any other does.
  /// - While the rollback journal is on, another gloss opening the store waits for the
  ///   write to end, readers included (`Store.init` surveys such a store with `BusyWait`).
  /// - `synchronous` is FULL meanwhile: NORMAL, which WAL mode is safe with, may lose a
  ///   rollback journal's last sync on a power cut.
  /// - The memory map is off meanwhile. The pages the write reads back (index builds, the
  ///   full-text index) would be read through it from the database file instead of the
  ///   log, and count as the process's memory: a million-operation import peaked at
  ///   380 MiB instead of 180.
  /// - A crash leaves a hot journal. SQLite undoes the whole write with it when the store
  ///   is next opened (`recoverInterruptedWrite`), as WAL mode would have dropped the
  ///   uncommitted log.
  /// - Going back to WAL mode needs a moment with no reader on the file. Should a waiting
  ///   gloss hold it for longer than `BusyWait` allows, the store stays in the
  ///   rollback-journal mode until the next gloss opens it, which puts it back in WAL mode.
  func throughRollbackJournal<T>(if large: Bool, _ body: () throws -> T) throws -> T {
    guard large, path != ":memory:", try leaveWAL() else { return try body() }
    defer {
      try? queue.inDatabase { db in
        try db.execute(sql: "PRAGMA journal_mode = WAL")
        try db.execute(sql: "PRAGMA synchronous = NORMAL")
        try db.execute(sql: "PRAGMA mmap_size = \(Self.mappedBytes)")
      }
    }
    try queue.inDatabase { db in
      try db.execute(sql: "PRAGMA synchronous = FULL")
      try db.execute(sql: "PRAGMA mmap_size = 0")
    }
    return try body()
  }

  /// Switches the store to the rollback journal; false when another connection has it
  /// open, which SQLite reports as busy without waiting.
  private func leaveWAL() throws -> Bool {
    try queue.inDatabase { db in
      do {
        return try String.fetchOne(db, sql: "PRAGMA journal_mode = DELETE") == "delete"
      } catch let error as DatabaseError where error.resultCode == .SQLITE_BUSY {
        return false
      }
    }
  }

  /// Undoes a write that a crash cut short in the rollback-journal mode: the file at
  /// `path` has a hot journal, which a read-only connection cannot play back
  /// (`SQLITE_READONLY_ROLLBACK`). A read-write connection's first read plays it back,
  /// restoring the file to its last committed state. This is the recovery any SQLite
  /// program performs on opening such a file, another program's database included; it
  /// changes nothing that was committed. The connection sets no journal mode, so the
  /// file's header stays as it is for the survey that follows.
  static func recoverInterruptedWrite(_ path: String, busyMode: Database.BusyMode) throws {
    var configuration = Configuration()
    configuration.busyMode = busyMode
    _ = try DatabaseQueue(path: path, configuration: configuration).read { db in
      try Int.fetchOne(db, sql: "SELECT count(*) FROM sqlite_master")
    }
  }
}
