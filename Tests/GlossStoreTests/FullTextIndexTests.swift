import GlossCore
import GlossStore
import Testing

/// Records and notes are indexed in bulk at the end of each write (and every 10,000 notes
/// within one), not by triggers: search must still follow every creation, edit and
/// deletion, and each index must hold exactly what its table does.
@Suite struct FullTextIndexTests {
  func matches(_ replica: Replica, _ words: String) throws -> Int {
    let query = try QueryCompiler(person: replica.person).compile(words, ranked: false)
    return try replica.store.read { try $0.records(query, limit: nil).records.count }
  }

  @Test func noteSearchFollowsEveryWrite() throws {
    let replica = try Replica(person: "alice", clock: TestClock())
    try replica.importPublications(Samples.publications)
    let record = try replica.record(Samples.publications[0].id.text)
    var ids: [String] = []
    try replica.store.write { session in
      for index in 0..<40 { ids.append(try session.addNote(record, text: "word\(index) common", quote: nil)) }
    }
    try replica.checkFullTextIndexes()
    #expect(try matches(replica, "word17") == 1)
    // One write that passes 10,000 changed notes in the middle of its edits.
    try replica.store.write { session in
      for index in 40..<10_030 { ids.append(try session.addNote(record, text: "word\(index) common", quote: nil)) }
      for id in ids.prefix(20) { try session.editNote(try session.reader.resolveNote(id), text: "rewritten") }
      // Rewritten twice in one write: only the last body is found.
      try session.editNote(try session.reader.resolveNote(ids[0]), text: "twice")
      try session.deleteNote(try session.reader.resolveNote(ids[30]))
    }
    try replica.checkFullTextIndexes()
    #expect(try matches(replica, "word10029") == 1)
    #expect(try matches(replica, "word17") == 0, "an edited note's old words are gone")
    #expect(try matches(replica, "rewritten") == 1)
    #expect(try matches(replica, "twice") == 1)
    #expect(try matches(replica, "word30") == 0, "a deleted note is not found")
    #expect(try matches(replica, "word31") == 1)
  }
}
