import PropertyBased
import Testing

@testable import GlossCore

@Suite struct IdentityAndJSONTests {
  @Test func normalisationFoldsCaseDiacriticsAndPunctuation() {
    #expect(RecordID.normalise("  Müller–Lüdenscheidt:  ÉTUDE!! ") == "muller ludenscheidt etude")
    #expect(RecordID.normalise("ﬁbrosis ①") == "fibrosis 1")
    #expect(RecordID.normalise("IĸBα") == RecordID.normalise("iĸbα"))
  }

  @Test func idIgnoresPresentationDifferences() {
    let a = RecordID(firstAuthor: "Müller K", year: 2019, title: "Aurora kinase A: a review.")
    let b = RecordID(firstAuthor: "MULLER KJ", year: 2019, title: "aurora  kinase a — a review")
    let c = RecordID(firstAuthor: "Muller K", year: 2018, title: "Aurora kinase A: a review.")
    #expect(a == b)
    #expect(a != c)
    #expect(a.text.count == RecordID.length)
    #expect(RecordID(a.text) == a)
  }

  @Test func citekeys() {
    #expect(
      Citekey.make(firstAuthor: "Bruix J", year: 2017, title: "Regorafenib for patients") == "bruix2017regorafenib")
    #expect(
      Citekey.make(firstAuthor: "Ramírez-Peña JL", year: 2018, title: "The alisertib trial")
        == "ramirezpena2018alisertib")
    #expect(Citekey.make(firstAuthor: nil, year: 2016, title: "Sorafenib (NEXAVAR)") == "anon2016sorafenib")
  }

  /// A key's word is taken from ASCII text by splitting its bytes: that must be the word
  /// splitting its Characters gives, whatever the text (`Citekey.firstWord(of:)`).
  @Test func aTitlesFirstWordIsTheSameSplitByBytesOrByCharacters() async {
    let pieces = [
      "the", "of", "A", "an", "Sorafenib", "HCC-2", "(NEXAVAR)", "  ", " ", "\r\n", "\t", "1990s", ".", "é", "x",
    ]
    await propertyCheck(count: 500, input: Gen.int(in: 0...(pieces.count - 1)).array(of: 0...12)) { picks in
      let normalised = RecordID.normalise(picks.map { pieces[$0] }.joined(separator: picks.count % 2 == 0 ? " " : ""))
      let byCharacters = normalised.split(separator: " ").lazy
        .map { String(decoding: $0.utf8.filter { (97...122).contains($0) || (48...57).contains($0) }, as: UTF8.self) }
        .first { !$0.isEmpty && !Citekey.skippedWords.contains($0) }
      #expect(Citekey.firstWord(of: normalised) == byCharacters, "\(normalised)")
    }
  }

  @Test func canonicalJSONRoundTripsAndSortsKeys() throws {
    let value = JSONValue.object([
      "b": .array([.int(-3), .bool(true), .null]), "a": .string("quote \" backslash \\ tab \t nul \u{01} μ"),
    ])
    #expect(value.canonical == #"{"a":"quote \" backslash \\ tab \t nul \u0001 μ","b":[-3,true,null]}"#)
    #expect(try JSONValue(parsing: value.canonical) == value)
    #expect(throws: JSONParseError.self) { try JSONValue(parsing: "1.5") }
    #expect(throws: JSONParseError.self) { try JSONValue(parsing: "{\"a\":1") }
  }

  @Test func arbitraryStringsRoundTrip() async {
    await propertyCheck(count: 300, input: Gen.int(in: 0...0x2FF).array(of: 0...30)) { codes in
      let text = String(String.UnicodeScalarView(codes.compactMap { Unicode.Scalar(UInt32($0)) }))
      #expect((try? JSONValue(parsing: JSONValue.string(text).canonical)) == .string(text))
    }
  }

  @Test func operationJSONRoundTrips() throws {
    let publication = Publication(
      authors: ["Bruix J"], etAl: true, title: "Regorafenib", journal: "Lancet", year: 2017, date: "2017",
      abstract: [AbstractSection(label: "FUNDING", text: "Bayer."), AbstractSection(label: nil, text: "x")],
      topics: ["Sorafenib"], sources: ["a.txt"])
    let dot = Dot(replica: replicas[0], counter: 3)
    let ops = [
      Op(
        dot: dot, timestamp: HLCTimestamp(milliseconds: 9), person: "alice", target: publication.id.text,
        body: .createRecord(publication)),
      Op(
        dot: dot, timestamp: HLCTimestamp(milliseconds: 9), person: "alice", target: "n",
        body: .setField(.year, .int(2016)), supersedes: [Dot(replica: replicas[1], counter: 1)],
        requires: [Dot(replica: replicas[2], counter: 4)]),
      Op(dot: dot, timestamp: HLCTimestamp(milliseconds: 9), person: "alice", target: "n", body: .setStatus(.toRead)),
    ]
    var library = publication
    library.doi = "10.1016/s0140-6736(16)32453-9"
    library.keywords = ["HCC", "sorafenib \"quoted\""]
    library.sources = ["b.bib", "a.txt"]
    let create = Op(
      dot: dot, timestamp: HLCTimestamp(milliseconds: 9), person: "alice", target: library.id.text,
      body: .createRecord(library), requires: [Dot(replica: replicas[2], counter: 4)])
    for op in ops {
      #expect(try Op(json: try JSONValue(parsing: op.json.canonical)) == op)
    }
    for op in ops + [create] {
      // The fast paths a store takes write exactly the canonical form the chain hash covers.
      #expect(op.body.canonicalPayload == op.body.payload.canonical)
      #expect(op.canonicalBytes(payload: op.body.canonicalPayload) == Array(op.json.canonical.utf8))
    }
    #expect(ops[1].dependencies.count == 3)
  }

  /// The byte writers a store and a bundle reader take (`writeCanonicalPayload`,
  /// `canonicalBytes`) against the generic canonical form, over every kind with text that
  /// needs every escape, and dot lists in any order with repeats.
  @Test func canonicalBytesAreTheCanonicalForm() async {
    await propertyCheck(count: 500, input: Gen.int(in: 0...Int(Int32.max))) { seed in
      var random = SplitMix64(seed: UInt64(seed))
      let op = randomOperation(&random)
      #expect(op.body.canonicalPayload == op.body.payload.canonical)
      #expect(op.canonicalBytes(payload: op.body.canonicalPayload) == Array(op.json.canonical.utf8))
      #expect(op.supersedes == Array(Set(op.supersedes)).sorted())
      #expect(op.requires == Array(Set(op.requires)).sorted())
      #expect(Set(op.requires).isDisjoint(with: op.supersedes))
    }
  }
}

extension IdentityAndJSONTests {
  /// `isReady` is the fast check an import makes per operation: it must agree with the
  /// list of dependencies the waiting queue is built from.
  @Test func readinessIsHavingEveryDependency() async {
    await propertyCheck(count: 500, input: Gen.int(in: 0...Int(Int32.max)), clockGenerator) { seed, counters in
      var random = SplitMix64(seed: UInt64(seed))
      let op = randomOperation(&random)
      let clock = VectorClock(Dictionary(uniqueKeysWithValues: zip(replicas, counters.map { UInt64($0) })))
      #expect(op.isReady(after: clock) == op.dependencies.allSatisfy(clock.contains))
    }
  }
}

private func randomText(_ random: inout SplitMix64) -> String {
  let pieces = ["a", "Zz", " ", "\"", "\\", "\n", "\t", "\r", "\u{01}", "\u{1F}", "\u{7F}", "μ", "😀", "/", "é"]
  return (0..<Int(random.next() % 6)).map { _ in pieces[Int(random.next() % UInt64(pieces.count))] }.joined()
}

private func randomDots(_ random: inout SplitMix64) -> [Dot] {
  (0..<Int(random.next() % 4)).map { _ in
    Dot(replica: replicas[Int(random.next() % UInt64(replicas.count))], counter: random.next() % 3 + 1)
  }
}

private func randomOperation(_ random: inout SplitMix64) -> Op {
  let record = RecordID(content: randomText(&random))
  var publication = Publication(
    authors: [randomText(&random)], title: randomText(&random), journal: randomText(&random),
    year: random.next() % 2 == 0 ? nil : Int(random.next() % 3000),
    abstract: [AbstractSection(label: randomText(&random), text: randomText(&random))],
    topics: [randomText(&random), randomText(&random)], sources: [randomText(&random)])
  if random.next() % 2 == 0 { publication.doi = "10.1/" + randomText(&random) }
  let anchor = TextAnchor(
    field: randomText(&random), section: random.next() % 2 == 0 ? nil : Int(random.next() % 9),
    exact: randomText(&random), prefix: randomText(&random), suffix: randomText(&random),
    start: Int(random.next() % 100), end: Int(random.next() % 100))
  let value: JSONValue = [
    .null, .bool(true), .int(-Int64(random.next() % 1_000)), .int(Int64.min), .string(randomText(&random)),
    .array([.string(randomText(&random)), .int(7)]),
  ][Int(random.next() % 6)]
  let bodies: [OperationBody] = [
    .createRecord(publication), .setField(RecordField.allCases[Int(random.next() % 5)], value),
    .addTag(randomText(&random)), .removeTag(randomText(&random)),
    .createNote(record: record, text: randomText(&random), anchor: random.next() % 2 == 0 ? nil : anchor),
    .editNote(randomText(&random)), .deleteNote, .setStatus(ReadingStatus.allCases[Int(random.next() % 5)]),
    .saySource(source: randomText(&random), fields: [.title: .string(randomText(&random)), .year: .int(1999)]),
    .mergeRecord(into: record), .unmergeRecord(from: record),
  ]
  return Op(
    dot: Dot(replica: replicas[Int(random.next() % UInt64(replicas.count))], counter: random.next() % 5 + 1),
    timestamp: HLCTimestamp(packed: random.next() >> 1), person: randomText(&random), target: randomText(&random),
    body: bodies[Int(random.next() % UInt64(bodies.count))], supersedes: randomDots(&random),
    requires: randomDots(&random))
}
