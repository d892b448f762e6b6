import Foundation
import GRDB
import GlossCore
import Testing

@testable import GlossStore

/// The two layers of tag and status entries (`RecentEntries`): whatever layer an entry is
/// in, and whenever the layer is folded, readers see the same thing.
@Suite struct RecentEntriesTests {
  let clock = TestClock()

  /// What a person sees of the store: the dump, the tag counts, each record's tags and
  /// statuses, and the records a tag query lists.
  func seen(_ replica: Replica) throws -> String {
    try replica.store.read { reader in
      var lines = [try reader.dump().canonical]
      lines += try reader.tags().map { "\($0.tag) \($0.count)" }
      for record in try reader.records(.all, limit: nil).records {
        let ref = try reader.resolveRecord(record.id)
        lines.append("\(record.id) \(try reader.tags(record: ref.num))")
        lines += try reader.statuses(record: ref.num).map { "\(record.id) \($0.person) \($0.status.rawValue)" }
      }
      for tag in try reader.tags().map(\.tag) {
        let listed = try reader.records(
          try QueryCompiler(person: "alice").compile("tag:\(tag)", ranked: false), limit: nil)
        lines.append("tag:\(tag) \(listed.records.map(\.id))")
      }
      return lines.joined(separator: "\n")
    }
  }

  /// alice, with the sample records, and the first two of them.
  func aliceWithTwoRecords() throws -> (Replica, RecordRef, RecordRef) {
    let alice = try Replica(person: "alice", clock: clock)
    try alice.importPublications(Samples.publications)
    return (alice, try alice.record(Samples.publications[0].id.text), try alice.record(Samples.publications[1].id.text))
  }

  func count(_ replica: Replica, _ table: String) throws -> Int {
    try replica.store.queue.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM \(table)") ?? 0 }
  }

  @Test func removalsAndSupersessionsOfFoldedEntriesAreKeptUntilTheFoldAndSeenAtOnce() throws {
    let (alice, first, second) = try aliceWithTwoRecords()
    try alice.store.write { session in
      _ = try session.tag(first, ["HCC", "liver"])
      _ = try session.tag(second, ["liver"])
      _ = try session.setStatus(first, .reading)
    }
    try alice.foldRecentEntries()
    #expect(try alice.recentEntryCount() == 0)
    #expect(try count(alice, "tag_entry_folded") == 3)

    clock.advance(10)
    try alice.store.write { session in
      _ = try session.untag(first, ["hcc"])
      _ = try session.tag(first, ["Review"])
      _ = try session.setStatus(first, .read)
    }
    clock.advance(10)
    try alice.store.write { session in
      _ = try session.untag(first, ["review"])
      _ = try session.tag(second, ["review"])
      _ = try session.setStatus(first, .toRead)
    }
    // The untag of a folded addition is a removal row; that of a recent one deleted it.
    #expect(try count(alice, "tag_removal") == 1)
    #expect(try count(alice, "tag_entry_recent") == 1)
    // The first status write superseded the folded entry, the second a recent one in place.
    #expect(try count(alice, "status_supersession") == 1)
    #expect(try count(alice, "status_entry_recent") == 2)
    #expect(try count(alice, "status_change") == 1)
    let before = try seen(alice)
    #expect(try alice.store.read { try $0.tags(record: first.num) } == ["liver"])
    #expect(try alice.store.read { try $0.statuses(record: first.num) }.map(\.status) == [.toRead])

    try alice.foldRecentEntries()
    #expect(try alice.recentEntryCount() == 0)
    #expect(try seen(alice) == before)
    #expect(
      try alice.store.queue.read { db in try RecentEntries(db: db).foldedCount() }
        == (try count(alice, "tag_entry_folded") + count(alice, "status_entry_folded")))
    try alice.checkStatuses()
  }

  @Test func aRegroupingMovesEntriesInBothLayers() throws {
    let (alice, first, second) = try aliceWithTwoRecords()
    try alice.store.write { session in
      _ = try session.tag(second, ["HCC"])
      _ = try session.setStatus(second, .reading)
    }
    try alice.foldRecentEntries()
    clock.advance(10)
    try alice.store.write { session in
      _ = try session.tag(second, ["liver"])
      _ = try session.setStatus(second, .read)
    }
    try alice.store.write { session in _ = try session.merge(keep: first, other: second) }
    #expect(try alice.store.read { try $0.tags(record: first.num) } == ["HCC", "liver"])
    #expect(try alice.store.read { try $0.statuses(record: first.num) }.map(\.status) == [.read])
    try alice.checkStatuses()

    // The same operations applied in one write, straight into the folded trees.
    let observer = try Replica(person: "observer", clock: clock)
    try observer.receiveIntoFolded(try alice.allOperations())
    #expect(try observer.dump() == alice.dump())
    try alice.store.write { session in _ = try session.unmerge(first) }
    try alice.foldRecentEntries()
    try observer.pull(from: alice)
    #expect(try observer.dump() == alice.dump())
    #expect(try alice.store.read { try $0.tags(record: second.num) } == ["HCC", "liver"])
    #expect(try alice.store.read { try $0.tags(record: first.num) } == [])
  }

  @Test func aLargeWriteFoldsTheLayerAndAnOrdinaryOneFoldsItPastItsShare() throws {
    let alice = try Replica(person: "alice", clock: clock)
    try alice.importPublications(Samples.publications)
    let record = try alice.record(Samples.publications[0].id.text)
    try alice.store.write { session in _ = try session.tag(record, ["HCC"]) }
    #expect(try alice.recentEntryCount() == 1)
    let bob = try Replica(person: "bob", clock: clock)
    try bob.pull(from: alice)
    #expect(try bob.recentEntryCount() == 1)
    try bob.receiveIntoFolded([])
    #expect(try bob.recentEntryCount() == 0)
    #expect(try count(bob, "tag_entry_folded") == 1)

    // Past the floor (`RecentEntries.minimumFold`), the write that crosses it folds.
    let tags = (0..<(RecentEntries.minimumFold / 2)).map { "topic-\($0)" }
    try alice.store.write { session in _ = try session.tag(record, tags) }
    #expect(try alice.recentEntryCount() == tags.count + 1)
    try alice.store.write { session in
      _ = try session.tag(try session.reader.resolveRecord(Samples.publications[1].id.text), tags)
    }
    #expect(try alice.recentEntryCount() == 0)
    #expect(try count(alice, "tag_entry_folded") == 2 * tags.count + 1)
  }

  /// Two devices of one person each supersede the same folded status entry, unaware of
  /// each other: it is superseded at the lower clock, whichever arrives first.
  @Test func aFoldedEntrySupersededTwiceKeepsTheLowerClockInEitherOrder() throws {
    let laptop = try Replica(person: "alice", clock: clock)
    try laptop.importPublications(Samples.publications)
    let record = try laptop.record(Samples.publications[0].id.text)
    try laptop.store.write { session in _ = try session.setStatus(record, .reading) }
    let desktop = try Replica(person: "alice", clock: clock)
    try desktop.pull(from: laptop)
    let shared = try laptop.allOperations()
    clock.advance(10)
    try desktop.store.write { session in _ = try session.setStatus(record, .toRead) }
    clock.advance(10)
    try laptop.store.write { session in _ = try session.setStatus(record, .read) }
    let fromLaptop = Array(try laptop.allOperations().dropFirst(shared.count))
    let fromDesktop = Array(try desktop.allOperations().dropFirst(shared.count))
    var dumps: [String] = []
    for order in [[fromLaptop, fromDesktop], [fromDesktop, fromLaptop]] {
      let observer = try Replica(person: "observer", clock: clock)
      try observer.receiveIntoFolded(shared)
      for operations in order { try observer.receive(operations) }
      #expect(try count(observer, "status_supersession") == 1)
      dumps.append(try observer.dump())
      try observer.foldRecentEntries()
      #expect(try observer.dump() == dumps.last)
    }
    #expect(dumps[0] == dumps[1])
  }

  /// alice supersedes her status on a merged pair while bob unmerges it: where the
  /// unmerge arrives first, the superseded entry is back on the other record, whose status
  /// must be written again, from either layer.
  @Test func aStatusSupersedingAnEntryOnAnotherGroupWritesThatGroupsStatus() throws {
    let (alice, first, second) = try aliceWithTwoRecords()
    try alice.store.write { session in _ = try session.setStatus(second, .reading) }
    try alice.store.write { session in _ = try session.merge(keep: first, other: second) }
    let bob = try Replica(person: "bob", clock: clock)
    try bob.pull(from: alice)
    let shared = try alice.allOperations()
    clock.advance(10)
    try bob.store.write { session in _ = try session.unmerge(try session.reader.resolveRecord(first.id)) }
    try alice.store.write { session in _ = try session.setStatus(first, .read) }
    let unmerge = Array(try bob.allOperations().dropFirst(shared.count))
    let superseding = Array(try alice.allOperations().dropFirst(shared.count))
    for intoFolded in [false, true] {
      let observer = try Replica(person: "observer", clock: clock)
      try observer.receiveIntoFolded(shared)
      try observer.receive(unmerge)
      if intoFolded { try observer.receiveIntoFolded(superseding) } else { try observer.receive(superseding) }
      try observer.checkStatuses()
      #expect(try observer.store.read { try $0.statuses(record: second.num) }.map(\.status) == [.unread])
      #expect(try observer.store.read { try $0.statuses(record: first.num) }.map(\.status) == [.read])
    }
  }

  /// A note edited and deleted after the fold: its shown body, its entries, its
  /// full-text entry and what a search finds, before and after the next fold.
  @Test func notesChangedAfterTheFoldReadAsTheyWillOnceFolded() throws {
    let alice = try Replica(person: "alice", clock: clock)
    try alice.importPublications(Samples.publications)
    let record = try alice.record(Samples.publications[0].id.text)
    var ids: [String] = []
    try alice.store.write { session in
      ids.append(try session.addNote(record, text: "check the dose", quote: nil))
      ids.append(try session.addNote(record, text: "see figure two", quote: nil))
    }
    try alice.foldRecentEntries()
    let bob = try Replica(person: "bob", clock: clock)
    try bob.pull(from: alice)
    clock.advance(10)
    try alice.store.write { session in
      try session.editNote(try session.reader.resolveNote(ids[0]), text: "contradicts Bruix")
      try session.deleteNote(try session.reader.resolveNote(ids[1]))
    }
    try bob.store.write { session in try session.editNote(try session.reader.resolveNote(ids[0]), text: "dose halved") }
    try alice.pull(from: bob)
    #expect(try count(alice, "note_change") == 2)
    #expect(try count(alice, "note_entry_removal") == 2)
    #expect(try count(alice, "note_entry_recent") == 3)
    func notes() throws -> String {
      try alice.store.read { reader in
        let found = { (words: String) in
          try reader.records(try QueryCompiler(person: "alice").compile(words, ranked: false), limit: nil).records.count
        }
        return "\(try reader.notes(record: record, includeDeleted: true).map { "\($0.body) \($0.state)" }) "
          + "\(try found("bruix")) \(try found("halved")) \(try found("figure"))"
      }
    }
    let before = try notes()
    #expect(try alice.store.read { try $0.noteRegister(try $0.resolveNote(ids[0])) }.entries.count == 2)
    #expect(try alice.store.read { try $0.notes(record: record) }.map(\.state) == [.conflict])
    try alice.checkFullTextIndexes()
    let dump = try alice.dump()
    try alice.foldRecentEntries()
    #expect(try notes() == before)
    #expect(try alice.dump() == dump)
    try alice.checkFullTextIndexes()
    try bob.pull(from: alice)
    #expect(try bob.dump() == dump)
  }

  /// A note created after the fold lives in `note_recent` (`Schema.recentNotes`), numbered
  /// after every folded note: it is found, edited, searched and moved by a regrouping as a
  /// folded one is, and the fold moves it without changing what anyone sees.
  @Test func newNotesStayInTheRecentLayerUntilTheFold() throws {
    let (alice, first, second) = try aliceWithTwoRecords()
    var ids: [String] = []
    try alice.store.write { session in ids.append(try session.addNote(first, text: "folded dose", quote: nil)) }
    try alice.foldRecentEntries()
    try alice.store.write { session in
      ids.append(try session.addNote(second, text: "recent zorblax", quote: nil))
      ids.append(try session.addNote(second, text: "another wibblewort", quote: nil))
    }
    try alice.store.write { session in
      try session.editNote(try session.reader.resolveNote(ids[2]), text: "edited quuxifer")
    }
    #expect(try count(alice, "note_recent") == 2)
    #expect(try count(alice, "note_folded") == 1)
    let nums = try alice.store.queue.read { db in
      try Int64.fetchAll(db, sql: "SELECT num FROM note_folded UNION ALL SELECT num FROM note_recent ORDER BY num")
    }
    #expect(nums == [1, 2, 3], "numbered after every note of either layer")
    func found(_ words: String) throws -> [Int] {
      try alice.store.read { reader in
        try [false, true].map { ranked in
          try reader.records(try QueryCompiler(person: "alice").compile(words, ranked: ranked), limit: nil).records
            .count
        }
      }
    }
    #expect(try found("zorblax") == [1, 1])
    #expect(try found("quuxifer") == [1, 1])
    #expect(try found("wibblewort") == [0, 0], "the edited body replaced the old words")
    try alice.store.write { session in _ = try session.merge(keep: first, other: second) }
    #expect(
      try alice.store.read { try $0.notes(record: first) }.map(\.body).sorted() == [
        "edited quuxifer", "folded dose", "recent zorblax",
      ])
    try alice.checkFullTextIndexes()
    let dump = try alice.dump()
    let observer = try Replica(person: "observer", clock: clock)
    try observer.receiveIntoFolded(try alice.allOperations())
    #expect(try observer.dump() == dump)
    try alice.foldRecentEntries()
    #expect(try count(alice, "note_recent") == 0)
    #expect(try count(alice, "note_folded") == 3)
    #expect(try alice.dump() == dump)
    #expect(try found("zorblax") == [1, 1])
    #expect(try found("quuxifer") == [1, 1])
    #expect(try found("wibblewort") == [0, 0])
    try alice.checkFullTextIndexes()
  }
}
