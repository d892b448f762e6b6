import Foundation
import GlossCore
import Testing

@Suite struct FoundationCommandTests {
  @Test func importsTheSeedAndListsItAsJSON() throws {
    let gloss = GlossProcess()
    let imported = try gloss.run("import", GlossProcess.seed)
    #expect(imported.status == 0)
    #expect(imported.stdout.contains("30 new, 0 merged into existing records, 0 unchanged, 0 skipped (30 operations)"))
    let list = try gloss.run("list", "--json").json()
    let records = try #require(list.arrayValue)
    #expect(records.count == 30)
    let keys: Set<String> = [
      "id", "citekey", "title", "authors", "etAl", "journal", "year", "date", "volume", "issue", "pages", "pubmed",
      "freeFullText", "abstract", "topic", "tags", "status", "notes", "type", "doi", "pmid", "pmcid", "url", "issn",
      "isbn", "publisher", "container", "editors", "keywords", "language", "month",
    ]
    for record in records {
      guard case .object(let members) = record else { Issue.record("not an object"); continue }
      #expect(Set(members.keys) == keys)
    }
    let years = records.compactMap { $0["year"]?.intValue }
    #expect(years == years.sorted(by: >), "newest first")
    let bruix = try #require(records.first { $0["citekey"] == .string("bruix2017regorafenib") })
    #expect(bruix["abstract"]?.arrayValue?.first?["label"] == .string("BACKGROUND"))
    #expect(bruix["issue"] == .string("10064"))
    let prescrire = try #require(records.first { $0["journal"] == .string("Prescrire Int") })
    #expect(prescrire["authors"] == .array([]))
    #expect(prescrire["abstract"]?.arrayValue?.first?["label"] == .null)
  }

  @Test func idsAreTheSameInTwoFreshStores() throws {
    let alice = GlossProcess(person: "alice")
    let bob = GlossProcess(person: "bob")
    try alice.run("import", GlossProcess.seed)
    try bob.run("import", GlossProcess.seed)
    let ids = { (gloss: GlossProcess) in
      try gloss.run("list", "--json").json().arrayValue!.compactMap { $0["id"]?.stringValue }.sorted()
    }
    let aliceIDs = try ids(alice)
    #expect(aliceIDs.count == 30)
    #expect(try aliceIDs == ids(bob))
  }

  @Test func reimportWritesNothingAndACorrectionWritesOneUpdate() throws {
    let gloss = GlossProcess()
    try gloss.run("import", GlossProcess.seed)
    #expect(try gloss.operationCount() == 30)
    let again = try gloss.run("import", GlossProcess.seed)
    #expect(again.stdout.contains("0 new, 0 merged into existing records, 30 unchanged, 0 skipped (0 operations)"))
    #expect(try gloss.operationCount() == 30)

    let seed = try String(contentsOfFile: GlossProcess.seed, encoding: .utf8)
    let corrected = gloss.file(
      "cancerindex-sorafenib.txt",
      seed.replacingOccurrences(of: "Lancet. 2017; 389(10064):56-66", with: "Lancet. 2017; 389(10064):56-67"))
    let update = try gloss.run("import", corrected)
    #expect(update.stdout.contains("0 new, 1 merged into existing records, 29 unchanged, 0 skipped (2 operations)"))
    let log = try gloss.run("log", "bruix2017regorafenib", "--json").json().arrayValue!
    #expect(log.map { $0["kind"]?.stringValue } == ["source.say", "record.set", "record.create"])
    #expect(log[1]["payload"] == .object(["field": .string("pages"), "value": .string("56-67")]))
    #expect(log[1]["supersedes"] == .array([log[2]["dot"]!]))
    #expect(log[0]["payload"]?["source"] == .string("cancerindex-sorafenib.txt"), "the page's new word is remembered")
    #expect(try gloss.run("show", "bruix2017regorafenib", "--json").json()["pages"] == .string("56-67"))
  }

  @Test(arguments: [
    ("truncated.txt", ":10: the last entry is truncated"),
    ("cut-mid-line.txt", ":6: the last entry is truncated"),
    ("not-a-listing.txt", ":1: is not a CancerIndex listing"),
    ("empty.txt", ": is empty"),
    ("binary.bin", " (byte 40): is a binary file"),
    ("bad-utf8.txt", ":4: is not valid UTF-8 text"),
    ("missing.txt", ": no such file"),
  ])
  func badInputIsRefusedWithNothingWritten(name: String, message: String) throws {
    let gloss = GlossProcess()
    let path = GlossProcess.fixture(name)
    // A good file first, in the same command: the bad one must roll it back too.
    let result = try gloss.run("import", GlossProcess.seed, path)
    #expect(result.status != 0)
    #expect(result.stdout.isEmpty)
    let lines = result.stderr.split(separator: "\n")
    #expect(lines.count == 1, "one clear message: \(result.stderr)")
    #expect(result.stderr.hasPrefix("gloss: \(path)\(message)"), "\(result.stderr)")
    #expect(try gloss.operationCount() == 0)
    #expect(try gloss.run("list", "--json").json() == .array([]))
  }

  @Test func skippedBlocksAreReportedWithTheirLine() throws {
    let gloss = GlossProcess()
    let result = try gloss.run("import", GlossProcess.fixture("with-skip.txt"))
    #expect(result.status == 0)
    #expect(result.stdout.contains("2 new, 0 merged into existing records, 0 unchanged, 1 skipped"))
    #expect(result.stdout.contains("skipped \(GlossProcess.fixture("with-skip.txt")):8: not an entry"))
    let json = try gloss.run("import", "--json", GlossProcess.fixture("with-skip.txt")).json()
    #expect(json.arrayValue?.first?["skipped"]?.arrayValue?.first?["line"] == .int(8))
  }

  @Test(arguments: [
    "\"", "sorafenib \"", "*", "NEAR(", "NEAR(sorafenib, 2)", "title:x", "a OR", "(", ")", "AND", "-", "'", "^",
    "sorafenib*", "\"phase 3\"", "col:umn:x",
  ])
  func searchNeverCrashes(words: String) throws {
    let gloss = GlossProcess()
    try gloss.run("import", GlossProcess.seed)
    let result = try gloss.run("search", words)
    #expect(result.status == 0 || result.status == 1, "status \(result.status): \(result.stderr)")
    if result.status != 0 {
      #expect(result.stderr.hasPrefix("gloss: "), "a clear error: \(result.stderr)")
      #expect(!result.stderr.contains("SQLite error"))
    }
  }

  @Test func searchRanksAndMatchesLiterally() throws {
    let gloss = GlossProcess()
    try gloss.run("import", GlossProcess.seed)
    let psoriasis = try gloss.run("search", "psoriasis", "--json").json().arrayValue!
    #expect(psoriasis.map { $0["citekey"] } == [.string("antoniou2016remission")])
    let near = try gloss.run("search", "NEAR(", "--json")
    #expect(near.status == 0)
    #expect(try near.json() == gloss.run("search", "near", "--json").json(), "NEAR( is the literal word near")
    let prefix = try gloss.run("search", "regoraf*", "--json").json().arrayValue!
    #expect(prefix.count == 1)
    let phrase = try gloss.run("search", "\"hand-foot skin reaction\"", "--json").json().arrayValue!
    #expect(phrase.map { $0["citekey"] } == [.string("bruix2017regorafenib")])
  }

  @Test func showIsReadable() throws {
    let gloss = GlossProcess()
    try gloss.run("import", GlossProcess.seed)
    let show = try gloss.run("show", "antoniou2016remission")
    #expect(show.status == 0)
    let lines = show.lines
    try #require(lines.count > 3, "show printed: \(show.stdout) \(show.stderr)")
    #expect(lines[0] == "Remission of Psoriasis in a Patient with Hepatocellular Carcinoma Treated with Sorafenib")
    #expect(lines[1] == "Antoniou EA, Koutsounas I, Damaskos C, Koutsounas S")
    #expect(lines[2] == "In Vivo. 2016 09-10; 30(5):677-80  [PubMed]")
    #expect(lines.contains("BACKGROUND"))
    #expect(lines.contains("CASE REPORT"))
    #expect(lines.contains { $0.hasPrefix("  We present the complete remission of resistant psoriasis") })
  }

  @Test func idPrefixesResolveAndAmbiguityListsCandidates() throws {
    // Find two titles whose ids share their first four characters.
    var seen: [String: String] = [:]
    var pair: (String, String)?
    for n in 0..<200_000 where pair == nil {
      let title = "Synthetic paper \(n)"
      let prefix = String(RecordID(firstAuthor: "Doe J", year: 2020, title: title).text.prefix(4))
      if let other = seen[prefix] { pair = (other, title) } else { seen[prefix] = title }
    }
    let (first, second) = try #require(pair)
    let gloss = GlossProcess()
    let listing = gloss.file(
      "pair.txt",
      "Latest Research Publications\n\nDoe J\n\(first).\nJ Test. 2020; 1(1):1-2 [PubMed]\n\nDoe J\n\(second).\nJ Test. 2020; 1(1):3-4 [PubMed]\n\nCancerIndex.org\n"
    )
    #expect(try gloss.run("import", listing).status == 0)
    let id = RecordID(firstAuthor: "Doe J", year: 2020, title: first).text
    let ambiguous = try gloss.run("show", String(id.prefix(4)))
    #expect(ambiguous.status == 1)
    #expect(ambiguous.stderr.contains("is ambiguous"))
    #expect(ambiguous.stderr.contains(id))
    #expect(ambiguous.stderr.contains(RecordID(firstAuthor: "Doe J", year: 2020, title: second).text))
    let unique = try gloss.run("show", String(id.prefix(RecordID.length - 1)), "--json")
    #expect(try unique.json()["id"] == .string(id))
    #expect(try gloss.run("show", "abc").stderr.contains("at least 4 characters"))
  }

  @Test func clockAndLog() throws {
    let gloss = GlossProcess()
    let initialised = try gloss.run("init", "--name", "alice")
    #expect(initialised.stdout.contains("person   alice"))
    try gloss.run("import", GlossProcess.seed)
    let clock = try gloss.run("clock", "--json").json()
    guard case .object(let entries) = clock else { Issue.record("clock is not an object"); return }
    #expect(entries.values.map { $0 } == [.int(30)])
    let log = try gloss.run("log", "--limit", "3")
    #expect(log.lines[0].hasPrefix("DOT"))
    #expect(log.lines[1].contains(":30"))
    #expect(log.lines[1].contains("record.create"))
    let again = try gloss.run("init", "--name", "bob")
    #expect(again.status != 0)
    #expect(again.stderr.contains("already belongs to 'alice'"))
  }
}
