import Foundation
import GRDB
import GlossCore
import Testing

@testable import GlossStore

/// The note tables check a note's state by comparisons (`Schema.noteStateCheck`), which an
/// older store gains by editing its schema in place (migration v17): the check must still
/// refuse what it refused, and the file must stay sound.
@Suite struct NoteStateCheckTests {
  static let tables = ["note_folded", "note_change"]

  func tableSQL(_ db: Database) throws -> [String] {
    try Self.tables.map {
      try String.fetchOne(db, sql: "SELECT sql FROM sqlite_schema WHERE name = ?", arguments: [$0])!
    }
  }

  @Test func anUpgradedStoreChecksNoteStatesByComparisonAndStillRefusesAnUnknownState() throws {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("note-state-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: folder) }
    let path = folder.appendingPathComponent("store.sqlite").path
    let paper = Publication(authors: ["Llovet JM"], title: "Sorafenib in advanced HCC", year: 2008)
    do {
      let store = try Store(path: path, person: "alice")
      try store.write { session in
        var importer = RecordImporter(session: session)
        try importer.add(paper)
        _ = try session.addNote(try session.reader.resolveRecord(paper.id.text), text: "kept", quote: nil)
      }
      // A new note is in the recent layer until a fold moves it into `note_folded`.
      try store.queue.write { db in try RecentEntries(db: db).fold() }
    }
    // What an earlier version left: the check by list, and no record of this migration.
    let queue = try DatabaseQueue(path: path)
    try queue.write { db in
      try Schema.replaceNoteStateCheck(Schema.noteStateCheck, with: Schema.noteStateCheckByList, db)
      try db.execute(sql: "DELETE FROM grdb_migrations WHERE identifier = 'v17-note-state-checks-by-comparison'")
      #expect(try tableSQL(db).allSatisfy { $0.contains(Schema.noteStateCheckByList) })
    }
    try queue.close()

    let store = try Store(path: path)
    let upgraded = try DatabaseQueue(path: path)
    try upgraded.write { db in
      for sql in try tableSQL(db) {
        #expect(sql.contains(Schema.noteStateCheck))
        #expect(!sql.contains(" IN ("))
      }
      #expect(try String.fetchAll(db, sql: "PRAGMA integrity_check") == ["ok"])
      let note = try Int64.fetchOne(db, sql: "SELECT num FROM note_folded")!
      #expect(throws: DatabaseError.self, "note_folded takes an unknown state") {
        try db.execute(sql: "UPDATE note_folded SET state = 'archived' WHERE num = ?", arguments: [note])
      }
      #expect(throws: DatabaseError.self, "note_change takes an unknown state") {
        try db.execute(
          sql: "INSERT INTO note_change (num, body, state) VALUES (?, 'kept', 'archived')", arguments: [note])
      }
      for state in NoteState.allCases {
        try db.execute(sql: "UPDATE note_folded SET state = ? WHERE num = ?", arguments: [state.rawValue, note])
        try db.execute(
          sql: "INSERT INTO note_change (num, body, state) VALUES (?, 'kept', ?)", arguments: [note, state.rawValue])
        try db.execute(sql: "DELETE FROM note_change")
      }
      try db.execute(sql: "UPDATE note_folded SET state = 'live' WHERE num = ?", arguments: [note])
    }
    try upgraded.close()
    let shown = try store.read { try $0.notes(record: try $0.resolveRecord(paper.id.text)) }
    #expect(shown.map(\.body) == ["kept"])
  }
}
