import Foundation
import GlossCore
import Testing

/// `gloss import` of library formats as a person runs it: detected formats, the same paper
/// from two sources as one record, identifiers to search by, bad files refused whole.
@Suite struct LibraryImportTests {
  static let fixtures = GlossProcess.repository.deletingLastPathComponent().appendingPathComponent("shared/fixtures")
  static func fixture(_ name: String) -> String { fixtures.appendingPathComponent(name).path }

  @Test func everySharedFixtureImportsInOneCall() throws {
    let gloss = GlossProcess()
    let files = try ["bibtex", "ris", "medline", "pubmed-xml", "csl-json"].flatMap { folder in
      try FileManager.default.contentsOfDirectory(atPath: Self.fixture(folder)).sorted().map {
        Self.fixture("\(folder)/\($0)")
      }
    }
    let result = try gloss.run(arguments: ["import"] + files + ["--json"])
    #expect(result.status == 0, "\(result.stderr)")
    let summaries = try result.json().arrayValue ?? []
    #expect(summaries.count == files.count)
    let newRecords = summaries.compactMap { $0["new"]?.intValue }.reduce(0, +)
    let records = try gloss.run("list", "--limit", "1000", "--json").json().arrayValue ?? []
    #expect(records.count == Int(newRecords))
    let again = try gloss.run(arguments: ["import"] + files + ["--json"]).json().arrayValue ?? []
    #expect(again.allSatisfy { $0["new"] == .int(0) && $0["merged"] == .int(0) }, "a second import writes nothing")
  }

  @Test func aDOIDecidesEvenWhenTheTitleDiffers() throws {
    let gloss = GlossProcess()
    #expect(try gloss.run("import", Self.fixture("medline/pubmed_result2.txt")).status == 0)
    let csl = gloss.file(
      "pritchard.json",
      """
      [{"id": "p", "type": "article-journal", "title": "GenomeDiagram: a Python package for visualising genomes",
        "author": [{"family": "Pritchard", "given": "Leighton"}], "issued": {"date-parts": [[2006]]},
        "DOI": "https://doi.org/10.1093/BIOINFORMATICS/btk021", "publisher": "Oxford University Press",
        "URL": "https://academic.oup.com/bioinformatics/article/22/5/616/205975"}]
      """)
    let merged = try gloss.run("import", csl)
    #expect(merged.stdout.contains("0 new, 1 merged into existing records, 0 unchanged"), "\(merged.stdout)")
    let record = try gloss.run("list", "doi:10.1093/bioinformatics/btk021", "--json").json().arrayValue ?? []
    #expect(record.count == 1)
    #expect(
      record.first?["title"]?.stringValue?.hasPrefix("GenomeDiagram: a python package for the visualization") == true,
      "the first source's title stays")
    #expect(record.first?["publisher"] == .string("Oxford University Press"), "an empty field is filled")
    #expect(try gloss.run("conflicts", "--json").json() == .array([]), "two sources are not two people")
  }

  @Test func identifiersTypesAndKeywordsAreQueriesAndFields() throws {
    let gloss = GlossProcess()
    try gloss.run("import", Self.fixture("medline/example_pubmed.txt"), Self.fixture("bibtex/features2.bib"))
    #expect(
      try gloss.run("list", "pmid:37464026", "--json").json().arrayValue?.first?["citekey"]
        == .string("han2023extraordinary"))
    #expect(try gloss.run("list", "type:paper-conference", "--json").json().arrayValue?.count == 1)
    #expect((try gloss.run("list", "keyword:Fossils", "--json").json().arrayValue?.count ?? 0) >= 1)
    let show = try gloss.run("show", "han2023extraordinary").stdout
    #expect(show.contains("doi 10.1038/s41598-023-37545-8  pmid 37464026  pmcid PMC10354204"))
    #expect(show.contains("type article-journal"))
    let set = try gloss.run("set", "doe2014cool", "doi", "https://doi.org/10.1000/ABC")
    #expect(set.status == 0, "\(set.stderr)")
    #expect(try gloss.run("show", "doe2014cool", "--json").json()["doi"] == .string("10.1000/abc"))
    let bad = try gloss.run("set", "doe2014cool", "type", "journal")
    #expect(bad.status == 64 && bad.stderr.contains("type must be a CSL type"))
    let badQuery = try gloss.run("list", "doi:nonsense")
    #expect(badQuery.status == 1 && badQuery.stderr.contains("doi: takes a DOI"))
  }

  @Test func libraryFieldsTravelInBundles() throws {
    let alice = GlossProcess(person: "alice")
    let bob = GlossProcess(person: "bob")
    try alice.run("import", Self.fixture("pubmed-xml/pubmed4.xml"))
    try alice.run("set", "bao2017leucocyte", "keywords", "telomeres; TERT")
    let bundle = alice.folder.appendingPathComponent("to-bob.gloss").path
    #expect(try alice.run("sync", "export", bundle, "--all").status == 0)
    let imported = try bob.run("sync", "import", "--trust", bundle)
    #expect(imported.status == 0, "\(imported.stderr)")
    let record = try bob.run("show", "bao2017leucocyte", "--json").json()
    #expect(record["doi"] == .string("10.1136/gutjnl-2016-312510"))
    #expect(record["keywords"] == .array([.string("telomeres"), .string("TERT")]))
    #expect(try alice.run("dump").stdout == (try bob.run("dump").stdout))
  }

  @Test func badFilesAreRefusedWholeWithThePlace() throws {
    let gloss = GlossProcess()
    let cut = gloss.file("cut.bib", "@article{a, title = {One}, year = 2001}\n@article{b, title = {Tw")
    let cutResult = try gloss.run("import", cut)
    #expect(cutResult.status == 1)
    #expect(cutResult.stderr.contains("cut.bib:2: the last entry is cut"), "\(cutResult.stderr)")
    let binary = gloss.folder.appendingPathComponent("paper.pdf").path
    FileManager.default.createFile(atPath: binary, contents: Data([0x25, 0x50, 0x44, 0x46, 0x00, 0x01]))
    let binaryResult = try gloss.run("import", "--format", "bibtex", binary)
    #expect(binaryResult.stderr.contains("paper.pdf (byte 4): is a binary file"), "\(binaryResult.stderr)")
    let json = gloss.file("broken.json", "[{\"title\": \"x\",]")
    #expect(try gloss.run("import", json).stderr.contains("broken.json: the JSON is not valid"))
    let ris = gloss.file("cut.ris", "TY  - JOUR\nTI  - One\nER  - \nTY  - JOUR\nTI  - Two\n")
    #expect(try gloss.run("import", ris).stderr.contains("cut.ris:4: the last entry is cut"))
    let wrongFormat = try gloss.run("import", "--format", "medline", Self.fixture("bibtex/traps.bib"))
    #expect(wrongFormat.status == 1 && wrongFormat.stderr.contains("traps.bib:1: not a MEDLINE field"))
    let unknown = try gloss.run("import", "--format", "endnote", cut)
    #expect(unknown.status == 64 && unknown.stderr.contains("--format takes cancerindex, bibtex"))
    #expect(try gloss.operationCount() == 0, "nothing was written")
  }

  @Test func likelyDuplicatesAreListedWithWhy() throws {
    let gloss = GlossProcess()
    try gloss.run("import", GlossProcess.seed)
    let near = gloss.file(
      "near.bib",
      """
      @article{bruix,
        author = {Bruix, Jordi and Qin, Shukui},
        title = {Regorafenib for patients with hepatocellular carcinoma who progressed on sorafenib therapy (RESORCE): a randomised, double-blind, placebo-controlled, phase 3 trial},
        journal = {The Lancet}, year = 2016 }
      @article{other,
        author = {Bruix, Jordi},
        title = {Regorafenib for patients with hepatocellular carcinoma who progressed on sorafenib therapy (RESORCE): a randomised, double-blind, placebo-controlled, phase 3 trial},
        year = 2012 }
      @article{doi1, author = {Xu, Li}, title = {A made-up paper on liver cancer screening}, year = 2019, doi = {10.1/a}}
      @article{doi2, author = {Xu, Li}, title = {A made-up paper on liver cancer screening!}, year = 2019, doi = {10.1/b}}
      """)
    #expect(try gloss.run("import", near).status == 0)
    let pairs = try gloss.run("duplicates", "--json").json().arrayValue ?? []
    #expect(pairs.count == 1, "\(pairs)")
    let pair = try #require(pairs.first)
    #expect(pair["records"]?.arrayValue?.contains(.string("ye4zs5c4w64t")) == true)
    #expect(pair["why"] == .string("titles 95% alike; 2016 and 2017; both by Bruix"), "ids in order: wvwh…, ye4z…")
    #expect((pair["titleSimilarity"]?.intValue ?? 0) >= 90)
    #expect(try gloss.run("duplicates").stdout.contains("both by Bruix"))

    // The pair merged: one record, shown as the one kept, with the tags and notes of both.
    let records = pair["records"]?.arrayValue?.compactMap(\.stringValue) ?? []
    let other = try #require(records.first { $0 != "ye4zs5c4w64t" })
    try gloss.run("tag", "ye4zs5c4w64t", "hcc")
    try gloss.run("tag", other, "resorce")
    try gloss.run("note", other, "the BibTeX copy")
    let listed = try gloss.run("list", "--json").json().arrayValue?.count ?? 0
    let merged = try gloss.run("merge", "ye4zs5c4w64t", other)
    #expect(merged.status == 0 && merged.stdout.contains("merged \(other) into ye4zs5c4w64t"))
    #expect(try gloss.run("list", "--json").json().arrayValue?.count == listed - 1)
    let shown = try gloss.run("show", other, "--json").json()
    #expect(shown["id"] == .string("ye4zs5c4w64t"), "the merged record's id names the group")
    #expect(shown["tags"] == .array([.string("hcc"), .string("resorce")]))
    #expect(shown["notes"]?.arrayValue?.count == 1)
    #expect(shown["merged"] == .array([.string(other)]))
    #expect(try gloss.run("show", "ye4zs5c4w64t").stdout.contains("MERGED\n  \(other)"))
    #expect(try gloss.run("search", "tag:resorce", "--json").json().arrayValue?.count == 1)
    #expect(try gloss.run("duplicates", "--json").json() == .array([]), "one record now")
    #expect(try gloss.run("log", "--json").stdout.contains("record.merge"))
    let again = try gloss.run("merge", other, "ye4zs5c4w64t")
    #expect(again.status == 1 && again.stderr.contains("already one record, shown as ye4zs5c4w64t"))

    // Unmerged: each record has what was made on it, and the pair is no longer suggested.
    let unmerged = try gloss.run("unmerge", other)
    #expect(unmerged.status == 0 && unmerged.stdout.contains("\(other) is its own record again"))
    #expect(try gloss.run("show", other, "--json").json()["tags"] == .array([.string("resorce")]))
    #expect(try gloss.run("show", "ye4zs5c4w64t", "--json").json()["tags"] == .array([.string("hcc")]))
    #expect(try gloss.run("list", "--json").json().arrayValue?.count == listed)
    #expect(try gloss.run("duplicates", "--json").json() == .array([]), "someone said they differ")
    let notMerged = try gloss.run("unmerge", other)
    #expect(notMerged.status == 1 && notMerged.stderr.contains("is not merged with any record"))
  }

  @Test func reimportNeverUndoesPeopleAndSourcesDisagreeWithoutConflict() throws {
    let gloss = GlossProcess()
    try gloss.run("import", GlossProcess.seed)
    // The bug: re-importing the unchanged seed after a person's edit wrote the old title back.
    try gloss.run("set", "ye4z", "title", "Regorafenib after sorafenib (RESORCE), as we call it")
    let again = try gloss.run("import", GlossProcess.seed)
    #expect(again.stdout.contains("0 new, 0 merged into existing records, 30 unchanged, 0 skipped (0 operations)"))
    #expect(
      try gloss.run("show", "ye4z", "--json").json()["title"]
        == .string("Regorafenib after sorafenib (RESORCE), as we call it"))
    let bib = gloss.file(
      "lancet.bib",
      """
      @article{bruix, author = {Bruix, Jordi and Qin, Shukui}, year = 2017, journal = {The Lancet},
        title = {Regorafenib for patients with hepatocellular carcinoma who progressed on sorafenib treatment ({RESORCE}): a randomised, double-blind, placebo-controlled, phase 3 trial},
        pages = {56--66}, volume = {390}, doi = {10.1016/S0140-6736(16)32453-9}}
      """)
    // Matched by content id (the BibTeX title is the original one, not the edited one).
    let merged = try gloss.run("import", bib)
    #expect(merged.stdout.contains("0 new, 1 merged into existing records"), "\(merged.stdout)")
    #expect(try gloss.run("conflicts", "--json").json() == .array([]), "two sources are not two people")
    let sources = try gloss.run("show", "ye4z", "--sources").stdout
    #expect(sources.contains("lancet.bib  (imported into it; differs in 3)"), "\(sources)")
    #expect(sources.contains("    authors     Bruix J; Qin S"), "the file lists two authors of many")
    #expect(sources.contains("    volume      390"), "a real disagreement is shown")
    #expect(
      sources.contains("    title       Regorafenib for patients"), "the person's title differs from both sources")
    #expect(!sources.contains("    pages"), "56--66 and 56-66 agree")
    #expect(!sources.contains("    journal"), "The Lancet and Lancet agree")
    #expect(try gloss.run("import", bib).stdout.contains("(0 operations)"), "an unchanged source writes nothing")
    // The source changes its own value: that, and only that, is rewritten.
    let corrected = gloss.file(
      "lancet.bib",
      try String(contentsOfFile: bib, encoding: .utf8).replacingOccurrences(
        of: "volume = {390}", with: "volume = {391}"))
    #expect(try gloss.run("import", corrected).stdout.contains("1 merged into existing records"))
    #expect(try gloss.run("show", "ye4z", "--json").json()["volume"] == .string("391"))
  }

  @Test func whatSourcesSayTravelsAndConverges() throws {
    let alice = GlossProcess(person: "alice")
    let bob = GlossProcess(person: "bob")
    try alice.run("import", GlossProcess.seed)
    let bib = alice.file(
      "other.bib",
      "@article{x, author = {Bruix, J}, year = 2017, volume = {999}, title = {Regorafenib for patients with hepatocellular carcinoma who progressed on sorafenib treatment (RESORCE): a randomised, double-blind, placebo-controlled, phase 3 trial}}\n"
    )
    try alice.run("import", bib)
    let bundle = alice.folder.appendingPathComponent("b.gloss").path
    try alice.run("sync", "export", bundle, "--all")
    #expect(try bob.run("sync", "import", "--trust", bundle).status == 0)
    let dump = try alice.run("dump").stdout
    #expect(dump == (try bob.run("dump").stdout))
    #expect(dump.contains("\"said\":{\"other.bib\":"))
    #expect(try bob.run("show", "ye4z", "--sources").stdout.contains("    volume      999"))
  }

  @Test func citekeysAreUniqueStableSettableAndTheSameOnEveryPeer() throws {
    let alice = GlossProcess(person: "alice")
    let bob = GlossProcess(person: "bob")
    let bib = alice.file(
      "smith.bib",
      """
      @article{a, author = {Smith, John}, year = 2017, title = {Cancer screening one}}
      @article{b, author = {Smith, Kate}, year = 2017, title = {Cancer screening two}}
      @article{c, author = {Smith, John}, year = 2017, title = {Cancer screening three}}
      """)
    try alice.run("import", bib)
    func keys(_ gloss: GlossProcess) throws -> [String: String] {
      var result: [String: String] = [:]
      for record in try gloss.run("list", "--json").json().arrayValue ?? [] {
        result[record["title"]!.stringValue!] = record["citekey"]!.stringValue!
      }
      return result
    }
    #expect(
      try keys(alice) == [
        "Cancer screening one": "smith2017cancer", "Cancer screening two": "smith2017cancera",
        "Cancer screening three": "smith2017cancerb",
      ], "a clash gets a, b in the order the records were made")
    try alice.run("set", "smith2017cancer", "year", "2018")
    #expect(try keys(alice)["Cancer screening one"] == "smith2017cancer", "a later edit does not change the key")
    #expect(try alice.run("set", "smith2017cancerb", "citekey", "smith:screening3").status == 0)
    let taken = try alice.run("set", "smith2017cancera", "citekey", "smith:screening3")
    #expect(taken.status == 1 && taken.stderr.contains("'smith:screening3' is already the citekey of"))
    let invalid = try alice.run("set", "smith2017cancera", "citekey", "9 bad key")
    #expect(invalid.status == 64 && invalid.stderr.contains("citekey must start with a letter"))
    #expect(try alice.run("show", "smith:screening3", "--json").json()["title"] == .string("Cancer screening three"))
    let bundle = alice.folder.appendingPathComponent("to-bob.gloss").path
    try alice.run("sync", "export", bundle, "--all")
    #expect(try bob.run("sync", "import", "--trust", bundle).status == 0)
    #expect(try keys(bob) == (try keys(alice)), "every peer shows the same keys")
    #expect(try bob.run("dump").stdout == (try alice.run("dump").stdout))
  }
}
