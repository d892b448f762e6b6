import Foundation
import GRDB
import GlossCore
import Testing

@testable import GlossStore

/// The store keeps list values whole, so that the dump is a function of the operations
/// alone: empty items, an empty label, and the separators the list columns use inside
/// values all come back as written, on the writer and on every peer.
@Suite struct LosslessListTests {
  static let awkward = Publication(
    authors: ["Bruix\u{1F}J", ""], title: "Lists \u{1E} kept whole", year: 2020,
    abstract: [
      AbstractSection(label: "", text: "a\u{1E}b"), AbstractSection(label: nil, text: "escape \u{1B}u stays"),
      AbstractSection(label: "\u{1B}", text: ""),
    ],
    topics: ["", "x\u{1F}y", "\u{1B}"], sources: ["s.txt"])

  func stored(_ store: Store, _ id: RecordID) throws -> Publication {
    try store.read { reader in try reader.publication(num: try reader.resolveRecord(id.text).num)! }
  }

  @Test func awkwardListsComeBackWholeOnTheWriterAndOnPeers() throws {
    let clock = TestClock()
    let alice = try Replica(person: "alice", clock: clock)
    let bob = try Replica(person: "bob", clock: clock)
    try alice.importPublications([Self.awkward])
    let read = try stored(alice.store, Self.awkward.id)
    #expect(read.authors == Self.awkward.authors)
    #expect(read.abstract == Self.awkward.abstract)
    #expect(read.topics.sorted() == Self.awkward.topics.sorted())
    try bob.pull(from: alice)
    #expect(try bob.dump() == alice.dump())
    #expect(try alice.dump().contains(#""topics":["","\u001b","x\u001fy"]"#))

    for value in [[""], [], ["\u{1B}"], ["a", ""]] {
      try alice.store.write { session in
        _ = try session.setField(
          try session.reader.resolveRecord(Self.awkward.id.text), .authors, .array(value.map(JSONValue.string)))
      }
      #expect(try stored(alice.store, Self.awkward.id).authors == value)
    }
    for sections in [[AbstractSection(label: nil, text: "")], [], [AbstractSection(label: "", text: "")]] {
      try alice.store.write { session in
        _ = try session.setField(
          try session.reader.resolveRecord(Self.awkward.id.text), .abstract,
          Publication(title: "", abstract: sections).value(of: .abstract))
      }
      #expect(try stored(alice.store, Self.awkward.id).abstract == sections)
    }
    try bob.pull(from: alice)
    #expect(try bob.dump() == alice.dump())
  }

  @Test func theMigrationDerivesTheColumnsAgainFromTheLog() throws {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("lossless-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: folder) }
    let path = folder.appendingPathComponent("store.sqlite").path
    let plain = Publication(authors: ["Llovet JM"], title: "Sorafenib in advanced HCC", year: 2008, topics: ["HCC"])
    do {
      let store = try Store(path: path, person: "alice")
      try store.write { session in
        var importer = RecordImporter(session: session)
        for publication in [Self.awkward, plain] { try importer.add(publication) }
      }
      let target = try stored(store, Self.awkward.id)
      try store.write { session in
        _ = try session.setField(
          try session.reader.resolveRecord(Self.awkward.id.text), .abstract,
          Publication(title: "", abstract: [AbstractSection(label: "", text: "set\u{1E}later")]).value(of: .abstract))
      }
      #expect(try stored(store, Self.awkward.id).abstract != target.abstract)
    }
    // What an earlier version left: the old, lossy joins, and no record of this migration.
    let queue = try DatabaseQueue(path: path)
    try queue.write { db in
      try db.execute(
        sql: """
          UPDATE record SET authors = 'Bruix' || char(31) || 'J' || char(31), abstract = char(31) || 'set' || char(30) || 'later',
            topics = 'x' || char(31) || 'y' || char(31) || char(27)
          WHERE id = ?
          """, arguments: [Self.awkward.id.text])
      try db.execute(sql: "DELETE FROM grdb_migrations WHERE identifier = 'v9-lossless-lists'")
    }
    try queue.close()
    let store = try Store(path: path)
    let read = try stored(store, Self.awkward.id)
    #expect(read.authors == Self.awkward.authors)
    #expect(
      read.abstract == [AbstractSection(label: "", text: "set\u{1E}later")], "the written value, not the creation's")
    #expect(read.topics.sorted() == Self.awkward.topics.sorted())
    #expect(try stored(store, plain.id).topics == ["HCC"])
  }
}
