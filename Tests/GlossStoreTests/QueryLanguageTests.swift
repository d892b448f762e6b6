import GlossCore
import GlossStore
import Testing

@Suite struct QueryLanguageTests {
  @Test func parsesWordsPhrasesFieldsNegationOrAndParentheses() throws {
    let parsed = try QueryParser.parse("sorafenib \"phase 3\" tag:hcc -tag:old (year:2016 OR author:Bruix)")
    #expect(
      parsed
        == .and([
          .text([.word("sorafenib", prefix: false), .phrase("phase 3")]),
          .field(name: "tag", value: "hcc", column: 21),
          .not(.field(name: "tag", value: "old", column: 30)),
          .or([.field(name: "year", value: "2016", column: 39), .field(name: "author", value: "Bruix", column: 52)]),
        ]))
    #expect(try QueryParser.parse("hepat*") == .text([.word("hepat", prefix: true)]))
    #expect(try QueryParser.parse("   ") == nil)
  }

  @Test(arguments: [
    ("(tag:hcc", 1, "'(' is never closed"),
    ("tag:hcc)", 8, "unmatched ')'"),
    ("a OR", 3, "OR needs something after it"),
    ("OR b", 1, "OR needs something before it"),
    ("say \"hello", 5, "unterminated phrase"),
    ("tag:", 1, "tag: needs a value"),
    ("()", 1, "empty parentheses"),
  ])
  func syntaxErrorsPointAtTheColumn(query: String, column: Int, message: String) {
    #expect {
      _ = try QueryParser.parse(query)
    } throws: { error in
      guard let error = error as? QuerySyntaxError else { return false }
      return error.column == column && error.message.hasPrefix(message)
        && error.description.hasSuffix("\n  " + String(repeating: " ", count: column - 1) + "^")
    }
  }

  @Test(arguments: [
    ("status:done", 1, "status: takes one of"), ("year:20x6", 1, "year: takes a year or a range"),
    ("sorafenib year:2017..2015", 11, "year: takes"), ("has:pdf", 1, "has: takes"), ("***", 1, "nothing to search for"),
  ])
  func badValuesPointAtTheirColumn(query: String, column: Int, message: String) {
    #expect {
      _ = try QueryCompiler(person: "alice").compile(query, ranked: false)
    } throws: { error in
      guard let error = error as? QuerySyntaxError else { return false }
      return error.column == column && error.message.hasPrefix(message)
    }
  }

  @Test func everyValueIsAnArgumentNeverSQLText() throws {
    let hostile = "tag:x';DROP-TABLE-record;-- author:\"O'Brien\" journal:\"; DELETE\" read-by:bob'--"
    let compiled = try QueryCompiler(person: "alice'--").compile(hostile, ranked: false)
    for fragment in ["DROP", "O'Brien", "DELETE", "bob'"] {
      #expect(!compiled.conditions.contains(fragment))
    }
    #expect(compiled.arguments.contains("bob'--"))
  }

  @Test func filtersSelectTheRightRecords() throws {
    let clock = TestClock()
    let alice = try Replica(person: "alice", clock: clock)
    let bob = try Replica(person: "bob", clock: clock)
    try alice.importPublications(Samples.publications)
    let bruix = Samples.publications[0].id.text
    let antoniou = Samples.publications[1].id.text
    let prescrire = Samples.publications[2].id.text
    try alice.store.write { session in
      _ = try session.tag(try session.reader.resolveRecord(bruix), ["HCC", "trial"])
      _ = try session.tag(try session.reader.resolveRecord(antoniou), ["hcc"])
      _ = try session.setStatus(try session.reader.resolveRecord(bruix), .read)
      _ = try session.addNote(
        try session.reader.resolveRecord(prescrire), text: "Prescrire is sceptical of thyroid use", quote: nil)
    }
    try bob.pull(from: alice)
    try bob.store.write { session in _ = try session.setStatus(try session.reader.resolveRecord(antoniou), .read) }
    try alice.pull(from: bob)
    func ids(_ query: String, ranked: Bool = false) throws -> Set<String> {
      let compiled = try QueryCompiler(person: "alice").compile(query, ranked: ranked)
      return Set(try alice.store.read { try $0.records(compiled, limit: nil).records.map(\.id) })
    }
    #expect(try ids("tag:hcc") == [bruix, antoniou])
    #expect(try ids("tag:HCC -tag:trial") == [antoniou])
    #expect(try ids("status:read") == [bruix])
    #expect(try ids("status:unread") == [antoniou, prescrire], "bob's read does not count as alice's")
    #expect(try ids("read-by:bob") == [antoniou])
    #expect(try ids("author:bruix") == [bruix])
    #expect(try ids("journal:\"in vivo\"") == [antoniou])
    #expect(try ids("year:2016") == [antoniou, prescrire])
    #expect(try ids("year:2017..2020") == [bruix])
    #expect(try ids("has:note") == [prescrire])
    #expect(try ids("sceptical") == [prescrire], "note bodies are searched")
    #expect(try ids("sceptical", ranked: true) == [prescrire])
    #expect(try ids("psoriasis OR (tag:trial year:2017)") == [antoniou, bruix])
    #expect(try ids("has:conflict").isEmpty)
    #expect(try ids("sorafenib -psoriasis", ranked: true) == [bruix, prescrire])
  }
}
