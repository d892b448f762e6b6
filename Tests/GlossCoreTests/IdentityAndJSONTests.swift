import GlossCore
import PropertyBased
import Testing

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
      #expect(op.canonicalText(payload: op.body.canonicalPayload) == op.json.canonical)
    }
    #expect(ops[1].dependencies.count == 3)
  }
}
