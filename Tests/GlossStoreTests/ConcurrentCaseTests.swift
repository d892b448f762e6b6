import Foundation
import GlossCore
import GlossStore
import Testing

/// One named test per concurrent case of `Protocol/MERGE.md`.
@Suite struct ConcurrentCaseTests {
  let clock = TestClock()

  /// alice and bob both have the paper; each returns the pair after exchanging.
  func pair() throws -> (Replica, Replica, String) {
    let alice = try Replica(person: "alice", clock: clock)
    let bob = try Replica(person: "bob", clock: clock)
    try alice.importPublications(Samples.publications)
    try bob.pull(from: alice)
    return (alice, bob, Samples.publications[0].id.text)
  }

  func exchange(_ a: Replica, _ b: Replica) throws {
    try a.pull(from: b)
    try b.pull(from: a)
    #expect(try a.dump() == b.dump())
  }

  @Test func tagConcurrentWithUntagSurvives() throws {
    let (alice, bob, id) = try pair()
    let record = try alice.record(id)
    try alice.store.write { _ = try $0.tag(record, ["HCC"]) }
    try bob.pull(from: alice)
    clock.advance(10)
    try bob.store.write { _ = try $0.untag(record, ["hcc"]) }
    try alice.store.write { _ = try $0.tag(record, ["hcc"]) }
    try exchange(alice, bob)
    #expect(
      try alice.store.read { try $0.tags(record: record.num) } == ["HCC"],
      "first spelling, and the concurrent tag survives")
    try alice.store.write { _ = try $0.untag(record, ["Hcc"]) }
    try exchange(alice, bob)
    #expect(try bob.store.read { try $0.tags(record: record.num) } == [])
  }

  @Test func editConcurrentWithEditIsAConflictUntilResolved() throws {
    let (alice, bob, id) = try pair()
    let noteID = try alice.store.write {
      try $0.addNote(try $0.reader.resolveRecord(id), text: "first draft", quote: nil)
    }
    try bob.pull(from: alice)
    clock.advance(5)
    try alice.store.write { try $0.editNote(try $0.reader.resolveNote(noteID), text: "alice's version") }
    clock.advance(5)
    try bob.store.write { try $0.editNote(try $0.reader.resolveNote(noteID), text: "bob's version") }
    try exchange(alice, bob)
    let conflicts = try alice.store.read { try $0.conflicts() }
    #expect(conflicts.map(\.target) == [noteID])
    #expect(conflicts.first?.values.map(\.text) == ["bob's version", "alice's version"], "both kept, later first")
    let shown = try alice.store.read { try $0.notes() }.first
    #expect(shown?.body == "bob's version")
    #expect(shown?.state == .conflict)
    try alice.store.write { _ = try $0.resolve(noteID, keep: 2, value: nil) }
    try exchange(alice, bob)
    #expect(try bob.store.read { try $0.conflicts() }.isEmpty)
    #expect(try bob.store.read { try $0.notes() }.first?.body == "alice's version")
  }

  @Test func editConcurrentWithDeleteKeepsTheNoteFlagged() throws {
    let (alice, bob, id) = try pair()
    let noteID = try alice.store.write {
      try $0.addNote(try $0.reader.resolveRecord(id), text: "keep me", quote: "hazard ratio of 0·63")
    }
    try bob.pull(from: alice)
    try alice.store.write { try $0.deleteNote(try $0.reader.resolveNote(noteID)) }
    try bob.store.write { try $0.editNote(try $0.reader.resolveNote(noteID), text: "keep me, edited") }
    try exchange(alice, bob)
    let note = try #require(try alice.store.read { try $0.notes() }.first)
    #expect(note.state == .deletedConcurrently)
    #expect(note.body == "keep me, edited")
    #expect(note.anchor?.exact == "hazard ratio of 0·63")
    #expect(note.anchor?.field == "abstract")
    #expect(note.anchor?.section == 1)
    #expect(try alice.store.read { try $0.conflicts() }.map(\.target) == [noteID])
    try bob.store.write { try $0.deleteNote(try $0.reader.resolveNote(noteID)) }
    try exchange(alice, bob)
    #expect(try alice.store.read { try $0.notes() }.isEmpty)
    #expect(try alice.store.read { try $0.notes(includeDeleted: true) }.first?.state == .deleted)
  }

  @Test func statusOnTwoDevicesOfOnePersonLatestWins() throws {
    let laptop = try Replica(person: "alice", clock: clock)
    try laptop.importPublications(Samples.publications)
    let desktop = try Replica(person: "alice", clock: clock)
    try desktop.pull(from: laptop)
    let record = try laptop.record(Samples.publications[0].id.text)
    try desktop.store.write { _ = try $0.setStatus(record, .reading) }
    clock.advance(1_000)
    try laptop.store.write { _ = try $0.setStatus(record, .read) }
    try exchange(laptop, desktop)
    #expect(try desktop.store.read { try $0.statuses(record: record.num) }.map(\.status) == [.read])
    // A tie on the clock goes to the higher replica id.
    let (low, high) = laptop.store.local.id < desktop.store.local.id ? (laptop, desktop) : (desktop, laptop)
    let frozen = clock.now() + 5_000
    clock.advance(5_000)
    try high.store.write { _ = try $0.setStatus(record, .skimmed) }
    try low.store.write { _ = try $0.setStatus(record, .toRead) }
    let stamps = try [high, low].map { try $0.allOperations().last!.timestamp.milliseconds }
    #expect(stamps == [frozen, frozen])
    try exchange(laptop, desktop)
    #expect(try laptop.store.read { try $0.statuses(record: record.num) }.map(\.status) == [.skimmed])
  }

  @Test func statusBelongsToItsPerson() throws {
    let (alice, bob, id) = try pair()
    let record = try alice.record(id)
    try alice.store.write { _ = try $0.setStatus(record, .read) }
    try bob.store.write { _ = try $0.setStatus(record, .reading) }
    try exchange(alice, bob)
    let statuses = try bob.store.read { try $0.statuses(record: record.num) }
    #expect(statuses.map(\.person) == ["alice", "bob"])
    #expect(statuses.map(\.status) == [.read, .reading])
  }

  @Test func sameValueWrittenTwiceIsNotAConflict() throws {
    let (alice, bob, id) = try pair()
    let record = try alice.record(id)
    try alice.store.write { _ = try $0.setField(record, .pages, .string("56-67")) }
    try bob.store.write { _ = try $0.setField(record, .pages, .string("56-67")) }
    try exchange(alice, bob)
    #expect(try alice.store.read { try $0.conflicts() }.isEmpty)
    #expect(try alice.store.read { try $0.fieldRegister(record: record, field: .pages) }.entries.count == 2)
    try bob.store.write { _ = try $0.setField(record, .pages, .string("56-68")) }
    try alice.store.write { _ = try $0.setField(record, .pages, .string("56-69")) }
    try exchange(alice, bob)
    #expect(try alice.store.read { try $0.conflicts() }.map(\.target) == ["\(id).pages"])
  }

  @Test func farFutureStatusDoesNotTakeOverAndIsReported() throws {
    let (alice, bob, id) = try pair()
    let record = try alice.record(id)
    try alice.store.write { _ = try $0.setStatus(record, .reading) }
    let brokenClock = TestClock()
    brokenClock.advance(Int64(HybridLogicalClock.defaultMaximumDrift) * 30)
    let broken = try Replica(person: "alice", clock: brokenClock)
    try broken.pull(from: alice)
    try broken.store.write { _ = try $0.setStatus(record, .read) }
    let summary = try bob.pull(from: broken)
    #expect(summary.new > 0)
    #expect(
      try bob.store.read { try $0.statuses(record: record.num) }.first { $0.person == "alice" }?.status == .reading)
    let now = try bob.store.currentTimestamp()
    #expect(
      now.milliseconds < brokenClock.now() - HybridLogicalClock.defaultMaximumDrift,
      "bob's clock was not dragged forward")
    let future = try bob.store.read { try $0.futureStatuses(now: now) }
    #expect(future.map(\.entry.value) == [.read])
    #expect(try bob.dump().contains("\"status\":\"read\""), "kept in the state")
  }

  /// Each opening looks for statuses that were too far ahead when they arrived and have
  /// come due since the last check. A check that found nothing is stored by the next write:
  /// the opening after an import of past statuses reads none of them again, and a status
  /// from the future still comes due.
  @Test func anOpeningsCheckForDueStatusesIsKeptByTheNextWrite() throws {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("due-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: folder) }
    let path = folder.appendingPathComponent("bob.gloss").path
    let clock = self.clock
    let alice = try Replica(person: "alice", clock: clock)
    try alice.importPublications(Samples.publications)
    let id = Samples.publications[0].id.text
    let record = try alice.record(id)
    try alice.store.write { _ = try $0.setStatus(record, .reading) }
    clock.advance(5)
    let opened = clock.now()
    var bob = Replica(store: try Store(path: path, person: "bob", wallClock: { clock.now() }))
    #expect(try bob.statusCheck() == nil, "an opening that finds nothing due writes nothing")
    try bob.pull(from: alice)
    #expect(try bob.statusCheck() == opened)

    let brokenClock = TestClock()
    brokenClock.advance(Int64(HybridLogicalClock.defaultMaximumDrift) * 30)
    let broken = try Replica(person: "alice", clock: brokenClock)
    try broken.pull(from: alice)
    try broken.store.write { _ = try $0.setStatus(record, .read) }
    try bob.pull(from: broken)
    let status = { try bob.store.read { try $0.statuses(record: try $0.resolveRecord(id).num) }.first?.status }
    #expect(try status() == .reading, "too far ahead to count yet")
    clock.advance(Int64(HybridLogicalClock.defaultMaximumDrift) * 31)
    bob = Replica(store: try Store(path: path, wallClock: { clock.now() }))
    #expect(try status() == .read, "come due at the next opening")
    #expect(try bob.statusCheck() == clock.now())
  }

  @Test func twoPeersImportingTheSamePageGetOneRecordAndNoConflict() throws {
    let alice = try Replica(person: "alice", clock: clock)
    let bob = try Replica(person: "bob", clock: clock)
    try alice.importPublications(Samples.publications)
    clock.advance(3)
    try bob.importPublications(Samples.publications)
    try exchange(alice, bob)
    #expect(try alice.store.read { try $0.recordCount() } == Samples.publications.count)
    #expect(try alice.store.read { try $0.conflicts() }.isEmpty)
    // A later correction by one of them supersedes both imports' writes.
    let record = try alice.record(Samples.publications[0].id.text)
    try alice.store.write { _ = try $0.setField(record, .volume, .string("390")) }
    try exchange(alice, bob)
    #expect(try bob.store.read { try $0.conflicts() }.isEmpty)
    #expect(try bob.store.read { try $0.record(num: try $0.resolveRecord(record.id).num) }?.publication.volume == "390")
  }

  @Test func aRelayedOperationClaimingAnotherPersonIsRefused() throws {
    let (alice, bob, id) = try pair()
    let record = try alice.record(id)
    let real = try alice.store.write { try $0.setStatus(record, .read) }
    let forged = Op(
      dot: real.dot, timestamp: real.timestamp, person: "bob", target: real.target, body: real.body,
      supersedes: real.supersedes, requires: real.requires)
    #expect(throws: StoreError.self) { try bob.receive([forged]) }
  }

  @Test func pendingOperationsWaitForTheirDependencies() throws {
    let (alice, bob, id) = try pair()
    let carol = try Replica(person: "carol", clock: clock)
    let record = try alice.record(id)
    try alice.store.write { _ = try $0.tag(record, ["a"]) }
    try alice.store.write { _ = try $0.tag(record, ["b"]) }
    try bob.pull(from: alice)
    let log = try alice.allOperations()
    let late = Array(log.suffix(2))
    let first = try carol.receive(late.reversed())
    #expect(first.new == 0)
    #expect(first.pending == 2)
    #expect(first.missing[alice.store.local.id] == 1...UInt64(log.count - 2))
    let second = try carol.receive(Array(log.prefix(log.count - 2)))
    #expect(second.new == log.count)
    #expect(second.pending == 0)
    let again = try carol.receive(log)
    #expect(again.known == log.count)
    #expect(again.new == 0)
    #expect(try carol.dump() == alice.dump())
  }
}
