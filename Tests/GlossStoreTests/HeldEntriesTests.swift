import GRDB
import GlossCore
import Testing

@testable import GlossStore

/// What a large import holds in memory (`HeldEntries`) reaches the folded tables as the
/// statements it saves would have left them. The merge simulations check the same of
/// whole stores (`receiveIntoFolded`); these pin each rule down.
@Suite struct HeldEntriesTests {
  let clock = TestClock()

  func withStore(_ body: (Database) throws -> Void) throws {
    let replica = try Replica(person: "alice", clock: clock)
    try replica.store.queue.write { db in try body(db) }
  }

  @Test func anAdditionRemovedWhileHeldIsNeverWritten() throws {
    try withStore { db in
      var held = HeldEntries()
      held.addTag(key: "a", record: 1, op: 10)
      held.addTag(key: "b", record: 1, op: 11)
      held.addTag(key: "a", record: 2, op: 12)
      // 11 is held under another key, 99 not at all: both left to the table.
      #expect(held.removeTags(key: "a", additions: [10, 11, 99]) == [11, 99])
      #expect(held.removeTags(key: "a", additions: [10]) == [10], "removed once")
      try held.write(db)
      let rows = try Row.fetchAll(db, sql: "SELECT op, record, key FROM tag_entry_folded ORDER BY op")
      #expect(rows.map(\.description) == [#"[op:11 record:1 key:"b"]"#, #"[op:12 record:2 key:"a"]"#])
      #expect(held.removeTags(key: "b", additions: [11]) == [11], "written: nothing held any more")
    }
  }

  @Test func aHeldStatusIsLoweredToTheEarliestClockOnlyByItsPerson() throws {
    try withStore { db in
      var held = HeldEntries()
      held.addStatus(op: 20, record: 3, person: "alice", hlc: 100, status: .reading)
      held.addStatus(op: 21, record: 3, person: "alice", hlc: 150, status: .read)
      #expect(held.lowerStatus(op: 20, person: "bob", at: 50) == nil)
      #expect(held.lowerStatus(op: 22, person: "alice", at: 50) == nil)
      #expect(held.lowerStatus(op: 20, person: "alice", at: 300) == 3)
      #expect(held.lowerStatus(op: 20, person: "alice", at: 200) == 3)
      #expect(held.lowerStatus(op: 20, person: "alice", at: 250) == 3)
      try held.write(db)
      let rows = try Row.fetchAll(
        db, sql: "SELECT op, record, person, hlc, status, superseded_at FROM status_entry_folded ORDER BY op")
      #expect(
        rows.map(\.description) == [
          #"[op:20 record:3 person:"alice" hlc:100 status:"reading" superseded_at:200]"#,
          #"[op:21 record:3 person:"alice" hlc:150 status:"read" superseded_at:NULL]"#,
        ])
    }
  }

  @Test func heldNotesAreNumberedAsTheTableWouldAndKeepTheirLastWrite() throws {
    try withStore { db in
      try db.execute(
        sql: """
          INSERT INTO note_folded (num, id, record, home, origin, author, anchor, body, state)
          VALUES (7, 'n-old', 1, 1, 1, 'alice', NULL, 'old', 'live')
          """)
      var held = HeldEntries()
      let first = try held.addNote(
        id: "n-1", record: 1, home: 2, origin: 30, author: "alice", anchor: nil, body: "one", db)
      let second = try held.addNote(
        id: "n-2", record: 1, home: 1, origin: 31, author: "bob", anchor: #"{"exact":"x"}"#, body: "two", db)
      #expect([first, second] == [8, 9])
      let replaced = held.replaceNote(id: "n-1", by: .deleted, op: 40, superseding: [30])
      #expect(replaced?.num == 8 && replaced?.body == "one")
      // Concurrent with the note's entry: it would leave two, so it is not done here.
      #expect(held.replaceNote(id: "n-2", by: .text("three"), op: 41, superseding: [12]) == nil)
      #expect(held.isHolding(note: "n-2") && !held.isHolding(note: "n-old"))
      #expect(held.replaceNote(id: "n-old", by: .text("new"), op: 42, superseding: [1]) == nil)
      try held.write(db)
      let notes = try Row.fetchAll(
        db, sql: "SELECT num, id, record, home, origin, author, anchor, body, state FROM note_folded ORDER BY num")
      #expect(
        notes.map(\.description) == [
          #"[num:7 id:"n-old" record:1 home:1 origin:1 author:"alice" anchor:NULL body:"old" state:"live"]"#,
          #"[num:8 id:"n-1" record:1 home:2 origin:30 author:"alice" anchor:NULL body:"" state:"deleted"]"#,
          #"[num:9 id:"n-2" record:1 home:1 origin:31 author:"bob" anchor:"{\"exact\":\"x\"}" body:"two" state:"live"]"#,
        ])
      let entries = try Row.fetchAll(db, sql: "SELECT note, op, deleted, body FROM note_entry_folded ORDER BY note")
      #expect(
        entries.map(\.description) == [
          #"[note:8 op:40 deleted:1 body:""]"#, #"[note:9 op:31 deleted:0 body:"two"]"#,
        ])
      #expect(!held.isHolding(note: "n-2"))
      #expect(
        try held.addNote(id: "n-3", record: 1, home: 1, origin: 50, author: "alice", anchor: nil, body: "", db) == 10)
    }
  }

  /// Into empty tables the held entries go in without the secondary indexes, which are
  /// built again afterwards: the schema ends as it began, and the indexes answer.
  @Test func theIndexesDroppedForAWriteIntoEmptyTablesAreMadeAgain() throws {
    try withStore { db in
      let indexes = "SELECT name, sql FROM sqlite_master WHERE type = 'index' ORDER BY name"
      let before = try Row.fetchAll(db, sql: indexes).map(\.description)
      var held = HeldEntries()
      for op in Int64(1)...50 {
        held.addTag(key: op % 2 == 0 ? "even" : "odd", record: 51 - op, op: op)
        held.addStatus(op: op + 100, record: op % 7, person: op % 3 == 0 ? "bob" : "alice", hlc: op, status: .read)
      }
      try held.write(db)
      #expect(try Row.fetchAll(db, sql: indexes).map(\.description) == before)
      held.addTag(key: "odd", record: 1, op: 200)
      try held.write(db)
      #expect(try Row.fetchAll(db, sql: indexes).map(\.description) == before)
      #expect(try Int.fetchOne(db, sql: "SELECT count(*) FROM tag_entry_folded WHERE key = 'odd'") == 26)
      #expect(
        try Int.fetchOne(db, sql: "SELECT count(*) FROM pragma_integrity_check WHERE integrity_check <> 'ok'") == 0)
      let plan = try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN SELECT record FROM tag_entry_folded WHERE op = 7")
      #expect(plan.contains { ($0["detail"] as String).contains("tag_entry_op") })
    }
  }

  @Test func itIsFullOnceItHoldsItsLimit() throws {
    try withStore { db in
      var held = HeldEntries(byteLimit: 100)
      var op: Int64 = 0
      while !held.isFull {
        op += 1
        held.addTag(key: "t", record: 1, op: op)
      }
      #expect(op > 1 && op < 100, "each held addition counts some bytes, not none and not a hundred")
      try held.write(db)
      #expect(!held.isFull)
      #expect(try Int.fetchOne(db, sql: "SELECT count(*) FROM tag_entry_folded") == Int(op))
    }
  }
}
