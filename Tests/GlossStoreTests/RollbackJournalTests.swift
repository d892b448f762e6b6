import Foundation
import GRDB
import GRDBSQLite
import GlossBundle
import GlossCore
import Synchronization
import Testing

@testable import GlossStore

/// A large import writes through SQLite's rollback journal (`Store.throughRollbackJournal`):
/// it must end as an import through the WAL does, leave the store in WAL mode, give way to
/// any other connection, make whoever opens the store meanwhile wait, and be undone as a
/// whole by a crash.
@Suite struct RollbackJournalTests {
  let folder = FileManager.default.temporaryDirectory.appendingPathComponent("rollback-\(UUID().uuidString)")

  func path(_ name: String) -> String {
    try! FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    return folder.appendingPathComponent(name).path
  }

  /// Header bytes 18 and 19: 1 in the rollback-journal mode, 2 in WAL mode.
  static func journalMode(of path: String) throws -> [UInt8] {
    let handle = try #require(FileHandle(forReadingAtPath: path))
    defer { try? handle.close() }
    return Array(try #require(try handle.read(upToCount: 20)).suffix(2))
  }

  /// A teammate's store with about 1,300 operations of every kind, as one signed bundle.
  static func teammateBundle() throws -> (bundle: SignedBundle, dump: String) {
    let alice = try Replica(person: "alice", clock: TestClock())
    let papers = (0..<400).map {
      Publication(authors: ["Author \($0 % 37)"], title: "Paper \($0)", year: 2000 + $0 % 20)
    }
    try alice.importPublications(papers)
    try alice.store.write { session in
      for (index, paper) in papers.enumerated() {
        let record = try session.reader.resolveRecord(paper.id.text)
        _ = try session.tag(record, ["t\(index % 9)"])
        if index % 2 == 0 { _ = try session.setStatus(record, .reading) }
        if index % 5 == 0 { _ = try session.addNote(record, text: "note \(index)", quote: nil) }
      }
    }
    let bytes = try alice.store.exportBundleBytes(peer: nil).0
    return (try BundleFormat.open(bytes, file: "alice.gloss"), try alice.dump())
  }

  @Test func aLargeImportGoesThroughTheRollbackJournalUnlessAnotherConnectionHasTheStoreOpen() throws {
    defer { try? FileManager.default.removeItem(at: folder) }
    let (bundle, expected) = try Self.teammateBundle()
    #expect(bundle.operationCount > 1_000, "the import reports its progress at least once")
    let alone = try Store(path: path("alone.sqlite"), person: "bob")
    let shared = try Store(path: path("shared.sqlite"), person: "carol")
    let other = try DatabaseQueue(path: shared.path)
    _ = try other.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM operation") }

    for (store, journal) in [(alone, [UInt8]([1, 1])), (shared, [2, 2])] {
      var modes: [[UInt8]] = []
      _ = try store.applySigned([("alice.gloss", bundle)], trust: true, rollbackJournalOperations: 1_000) { _, _ in
        modes.append((try? Self.journalMode(of: store.path)) ?? [])
      }
      #expect(!modes.isEmpty && modes.allSatisfy { $0 == journal }, "\(store.path): \(modes)")
      #expect(try Self.journalMode(of: store.path) == [2, 2], "back in WAL mode")
      #expect(!FileManager.default.fileExists(atPath: store.path + "-journal"))
      #expect(try Replica(store: store).dump() == expected)
    }
    try other.close()

    let small = try Store(path: path("small.sqlite"), person: "dave")
    var modes: [[UInt8]] = []
    _ = try small.applySigned([("alice.gloss", bundle)], trust: true, rollbackJournalOperations: 2_000) { _, _ in
      modes.append((try? Self.journalMode(of: small.path)) ?? [])
    }
    #expect(!modes.isEmpty && modes.allSatisfy { $0 == [2, 2] }, "below the bound, through the WAL: \(modes)")
  }

  /// What a crash leaves: the database file with pages the write already put there, and
  /// the journal holding what they were. Copying both mid-write makes that state without
  /// killing the test.
  @Test func aWriteCutShortInTheRollbackJournalIsUndoneWhenTheStoreIsNextOpened() throws {
    defer { try? FileManager.default.removeItem(at: folder) }
    let (bundle, _) = try Self.teammateBundle()
    let store = try Store(path: path("store.sqlite"), person: "bob")
    try Replica(store: store).importPublications(Array(Samples.publications.prefix(1)))
    let before = try Replica(store: store).dump()
    let crashed = path("crashed.sqlite")
    try store.throughRollbackJournal(if: true) {
      try store.write { session in
        _ = try session.receive(try bundle.verified().operations)
        // The dirty pages go to the file, after the journal holding what they replace.
        #expect(sqlite3_db_cacheflush(session.db.sqliteConnection) == SQLITE_OK)
        for suffix in ["", "-journal"] {
          try FileManager.default.copyItem(atPath: store.path + suffix, toPath: crashed + suffix)
        }
      }
    }
    #expect(try Self.journalMode(of: crashed) == [1, 1])

    let reopened = try Store(path: crashed)
    #expect(try Replica(store: reopened).dump() == before)
    #expect(try reopened.read { try String.fetchAll($0.db, sql: "PRAGMA integrity_check") } == ["ok"])
    #expect(!FileManager.default.fileExists(atPath: crashed + "-journal"))
    #expect(try Self.journalMode(of: crashed) == [2, 2])
  }

  @Test func aLargeWriteOfRecordsGoesThroughTheRollbackJournal() throws {
    defer { try? FileManager.default.removeItem(at: folder) }
    let store = try Store(path: path("store.sqlite"), person: "bob")
    for large in [true, false] {
      var during: [UInt8] = []
      try store.write(large: large) { session in
        var importer = RecordImporter(session: session)
        try importer.add(Publication(authors: ["Author"], title: "Paper \(large)", year: 2020))
        during = try Self.journalMode(of: store.path)
      }
      #expect(during == (large ? [1, 1] : [2, 2]))
      #expect(try Self.journalMode(of: store.path) == [2, 2])
    }
    #expect(try store.read { try $0.db.rows(sql: "SELECT title FROM record ORDER BY title") }.count == 2)
  }

  @Test func aStoreOpenedWhileTheRollbackJournalIsOnWaitsForTheWriteToEnd() throws {
    defer { try? FileManager.default.removeItem(at: folder) }
    let (bundle, expected) = try Self.teammateBundle()
    let store = try Store(path: path("store.sqlite"), person: "bob")
    let opened = Opened()
    let reader = Thread {
      opened.set(Result { try Replica(store: try Store(path: store.path)).dump() })
    }
    try store.throughRollbackJournal(if: true) {
      try store.write { session in
        _ = try session.receive(try bundle.verified().operations)
        // Written to the file, the pages hold the lock a reader would need.
        #expect(sqlite3_db_cacheflush(session.db.sqliteConnection) == SQLITE_OK)
        reader.start()
        Thread.sleep(forTimeInterval: 0.5)
        #expect(opened.get() == nil, "the store opened mid-write")
      }
    }
    let deadline = Date().addingTimeInterval(30)
    while opened.get() == nil, Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
    #expect(try opened.get()?.get() == expected, "it opened once the write had ended, and saw all of it")
  }
}

/// What the reading thread got, handed to the test's thread.
final class Opened: Sendable {
  private let value = Mutex<Result<String, any Error>?>(nil)
  func set(_ result: Result<String, any Error>) { value.withLock { $0 = result } }
  func get() -> Result<String, any Error>? { value.withLock { $0 } }
}
