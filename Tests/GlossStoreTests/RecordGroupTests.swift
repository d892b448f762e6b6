import Foundation
import GRDB
import GlossCore
import GlossStore
import Testing

/// Records that are one paper: a DOI or PMID shared by records created apart, `merge` and
/// `unmerge` as operations that sync, and annotations that follow the group.
@Suite struct RecordGroupTests {
  /// The same paper as two teammates met it: from PubMed (PMID, title with its period) and
  /// from a BibTeX library (DOI in capitals, title without the period, a second DOI holder).
  static let fromPubMed = {
    var publication = Publication(
      authors: ["Bruix J"], title: "Regorafenib for patients with hepatocellular carcinoma progressing on sorafenib.",
      journal: "Lancet", year: 2017, pages: "56-66", sources: ["pubmed.nbib"])
    publication.doi = "10.1016/s0140-6736(16)32453-9"
    publication.pmid = "27932229"
    return publication
  }()
  static let fromBibTeX = {
    var publication = Publication(
      authors: ["Jordi Bruix"], title: "Regorafenib in HCC after sorafenib (RESORCE)", journal: "The Lancet",
      year: 2016, pages: "56–66", sources: ["library.bib"])
    publication.doi = "10.1016/s0140-6736(16)32453-9"
    return publication
  }()

  func listed(_ replica: Replica) throws -> [String] {
    try replica.store.read { try $0.records(.all, limit: nil).records.map(\.id) }
  }

  func annotations(_ replica: Replica, _ id: String) throws -> RecordAnnotations {
    try replica.store.read { reader in try reader.annotations(of: try reader.resolveRecord(id)) }
  }

  /// A store from before records were grouped (migration v6) holds records of one DOI
  /// apart, with annotations on each: upgraded, it groups them once every migration has
  /// run, moving what was made on them in both layers of entries (`RecentEntries`).
  @Test func aStoreFromBeforeRecordGroupsGroupsItsRecordsWhenUpgraded() throws {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("groups-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    let path = folder.appendingPathComponent("store.sqlite").path
    var apart = Self.fromBibTeX
    apart.doi = ""
    let a = Self.fromPubMed.id.text
    let b = apart.id.text
    do {
      let store = try Store(path: path, person: "alice")
      let replica = Replica(store: store)
      try replica.importPublications([Self.fromPubMed, apart])
      try store.write { session in
        _ = try session.tag(try session.reader.resolveRecord(b), ["liver"])
        _ = try session.setStatus(try session.reader.resolveRecord(b), .reading)
        _ = try session.addNote(try session.reader.resolveRecord(b), text: "dose in table 2", quote: nil)
      }
      try replica.foldRecentEntries()
      try store.write { session in _ = try session.tag(try session.reader.resolveRecord(a), ["hcc"]) }
      #expect(try listed(replica).count == 2)
    }
    // What an earlier version left: one DOI on both, not grouped, and the grouping to do.
    let queue = try DatabaseQueue(path: path)
    try queue.write { db in
      try db.execute(
        sql: "UPDATE record SET library = json_set(library, '$.doi', ?) WHERE id = ?",
        arguments: [Self.fromPubMed.doi, b])
      try db.execute(sql: "INSERT INTO meta (key, value) VALUES ('group_after_migrations', '1')")
      try db.execute(sql: "DELETE FROM grdb_migrations WHERE identifier = 'v15-groups-of-upgraded-stores'")
    }
    try queue.close()
    let upgraded = Replica(store: try Store(path: path))
    let survivor = min(a, b)
    #expect(try listed(upgraded) == [survivor])
    let shown = try annotations(upgraded, survivor)
    #expect(shown.tags == ["hcc", "liver"])
    #expect(shown.statuses == ["alice": ReadingStatus.reading])
    #expect(shown.notes.map(\.body) == ["dose in table 2"])
    try upgraded.checkStatuses()
  }

  @Test func recordsCreatedApartWithOneDOIBecomeOneOnEveryPeer() throws {
    let clock = TestClock()
    let alice = try Replica(person: "alice", clock: clock)
    let bob = try Replica(person: "bob", clock: clock)
    try alice.importPublications([Self.fromPubMed])
    try bob.importPublications([Self.fromBibTeX])
    let a = Self.fromPubMed.id.text
    let b = Self.fromBibTeX.id.text
    #expect(a != b, "the content ids differ: only the DOI says these are one paper")
    try alice.store.write { session in
      let record = try session.reader.resolveRecord(a)
      _ = try session.tag(record, ["hcc"])
      _ = try session.addNote(record, text: "dose in table 2", quote: nil)
      _ = try session.setStatus(record, .reading)
    }
    clock.advance(10)
    try bob.store.write { session in
      let record = try session.reader.resolveRecord(b)
      _ = try session.tag(record, ["liver"])
      _ = try session.setStatus(record, .read)
    }
    try alice.pull(from: bob)
    try bob.pull(from: alice)
    let survivor = min(a, b)
    for replica in [alice, bob] {
      #expect(try listed(replica) == [survivor])
      let shown = try annotations(replica, survivor)
      #expect(shown.tags == ["hcc", "liver"])
      #expect(shown.statuses == ["alice": ReadingStatus.reading, "bob": .read])
      #expect(shown.notes.map(\.body) == ["dose in table 2"])
      // Either id, and the absorbed record's words, find the one record.
      #expect(try replica.record(max(a, b)).id == survivor)
      let found = try replica.store.read { reader in
        try reader.records(try QueryCompiler(person: "alice").compile("RESORCE", ranked: true), limit: nil).records
      }
      #expect(found.map(\.id) == [survivor])
      #expect(try replica.store.read { try $0.conflicts() }.isEmpty, "two sources are not two people")
    }
    #expect(try alice.dump() == bob.dump())

    // Unmerge gives each record back what was made on it, and syncs.
    try bob.store.write { session in
      _ = try session.unmerge(try session.reader.resolveRecord(a, followingMerges: false))
    }
    try alice.pull(from: bob)
    for replica in [alice, bob] {
      #expect(Set(try listed(replica)) == [a, b])
      #expect(try annotations(replica, a).tags == ["hcc"])
      #expect(try annotations(replica, a).statuses == ["alice": .reading])
      #expect(try annotations(replica, a).notes.count == 1)
      #expect(try annotations(replica, b).tags == ["liver"])
      #expect(try annotations(replica, b).statuses == ["bob": .read])
    }
    #expect(try alice.dump() == bob.dump())
  }

  @Test func mergeKeepsTheChosenRecordAndAStatusSetOnTheGroupSupersedesBoth() throws {
    let clock = TestClock()
    let alice = try Replica(person: "alice", clock: clock)
    try alice.importPublications(Array(Samples.publications.prefix(2)))
    let keep = Samples.publications[1].id.text
    let other = Samples.publications[0].id.text
    #expect(other > keep || other < keep)
    try alice.store.write { session in
      _ = try session.setStatus(try session.reader.resolveRecord(other), .reading)
      _ = try session.setStatus(try session.reader.resolveRecord(keep), .toRead)
      _ = try session.merge(
        keep: try session.reader.resolveRecord(keep), other: try session.reader.resolveRecord(other))
    }
    #expect(try listed(alice) == [keep])
    try alice.store.write { session in _ = try session.setStatus(try session.reader.resolveRecord(keep), .read) }
    #expect(try annotations(alice, keep).statuses == ["alice": .read])
    #expect(throws: StoreError.self) {
      try alice.store.write { session in
        _ = try session.merge(
          keep: try session.reader.resolveRecord(keep), other: try session.reader.resolveRecord(other))
      }
    }
  }

  @Test func anUnmergeConcurrentWithAMergeKeepsTheRecordsApart() throws {
    let clock = TestClock()
    let alice = try Replica(person: "alice", clock: clock)
    let bob = try Replica(person: "bob", clock: clock)
    try alice.importPublications(Array(Samples.publications.prefix(2)))
    let keep = Samples.publications[0].id.text
    let other = Samples.publications[1].id.text
    try alice.store.write { session in
      _ = try session.merge(
        keep: try session.reader.resolveRecord(keep), other: try session.reader.resolveRecord(other))
    }
    try bob.pull(from: alice)
    // Bob unmerges while Alice, not having seen it, merges again the other way round.
    try bob.store.write { session in
      _ = try session.unmerge(try session.reader.resolveRecord(other, followingMerges: false))
    }
    try alice.store.write { session in
      _ = try session.unmerge(try session.reader.resolveRecord(other, followingMerges: false))
      _ = try session.merge(
        keep: try session.reader.resolveRecord(other), other: try session.reader.resolveRecord(keep))
    }
    try alice.pull(from: bob)
    try bob.pull(from: alice)
    for replica in [alice, bob] { #expect(Set(try listed(replica)) == [keep, other]) }
    #expect(try alice.dump() == bob.dump())
  }
}
