import Foundation
import GlossCore
import Testing

@testable import GlossImport

/// Every entry of every shared fixture imports, and at least two entries per file (each
/// entry where a file has one) are read field by field, values checked against the file.
@Suite struct LibraryFormatTests {
  static let fixtures = Paths.repository.deletingLastPathComponent().appendingPathComponent("shared/fixtures")

  struct Parsed {
    var publications: [Publication] = []
    var skipped: [(line: Int, reason: String)] = []

    func titled(_ prefix: String) throws -> Publication {
      try #require(publications.first { $0.title.hasPrefix(prefix) }, "no entry titled \(prefix)…")
    }
  }

  static func parse(_ relative: String, as expected: ImportFormat) throws -> Parsed {
    let path = fixtures.appendingPathComponent(relative).path
    let detected = try ImportFormat.detect(path: path)
    #expect(detected == expected, "\(relative) is detected as \(expected)")
    let file = try LibraryFile(path: path)
    let entries = try file.entries(as: expected)
    var parsed = Parsed()
    for entry in entries {
      switch entry {
      case .publication(let publication, _): parsed.publications.append(publication)
      case .skipped(let line, let reason): parsed.skipped.append((line, reason))
      }
    }
    return parsed
  }

  static let all: [(String, ImportFormat, Int)] = [
    ("bibtex/article_with_strings.bib", .bibtex, 1), ("bibtex/biber-examples.bib", .bibtex, 118),
    ("bibtex/comments_spaces_and_declarations.bib", .bibtex, 1), ("bibtex/features2.bib", .bibtex, 1),
    ("bibtex/traps.bib", .bibtex, 1), ("ris/example_bom.ris", .ris, 1), ("ris/example_full.ris", .ris, 2),
    ("ris/example_multiline.ris", .ris, 3), ("ris/example_utf_chars.ris", .ris, 1), ("ris/example_wos.ris", .ris, 2),
    ("medline/example_pubmed.txt", .medline, 10), ("medline/pubmed_result1.txt", .medline, 1),
    ("medline/pubmed_result2.txt", .medline, 4), ("medline/pubmed_result3.txt", .medline, 1),
    ("pubmed-xml/pubmed1.xml", .pubmedXML, 2), ("pubmed-xml/pubmed4.xml", .pubmedXML, 1),
    ("pubmed-xml/pubmed6.xml", .pubmedXML, 1), ("pubmed-xml/pubmed7.xml", .pubmedXML, 1),
    ("csl-json/arxiv-joss-csl.json", .cslJSON, 1), ("csl-json/crossref-winter-scabs-csl.json", .cslJSON, 1),
    ("csl-json/datacite-thesis-csl.json", .cslJSON, 1), ("csl-json/excess-date-parts-csl.json", .cslJSON, 1),
    ("csl-json/pubmed-scihub-study-csl.json", .cslJSON, 1),
  ]

  @Test(arguments: all)
  func everyEntryOfEveryFixtureImports(file: String, format: ImportFormat, entries: Int) throws {
    let parsed = try Self.parse(file, as: format)
    let sets = parsed.skipped.filter { $0.reason.contains("groups other entries") }
    #expect(parsed.publications.count + sets.count == entries, "\(parsed.skipped)")
    #expect(parsed.skipped.count == sets.count, "skipped: \(parsed.skipped)")
  }

  @Test func bibtexMacrosConcatenationAndCrossref() throws {
    let features = try Self.parse("bibtex/features2.bib", as: .bibtex).titled("Cool Stuff")
    #expect(features.authors == ["Doe J"])
    #expect(features.container == "My International Conference")
    #expect(features.pages == "1–10", "a macro of a macro of \"1--10\", -- as an en dash")
    #expect(features.year == 2014)
    #expect(features.type == "paper-conference")

    let strings = try Self.parse("bibtex/article_with_strings.bib", as: .bibtex).titled("An amazing title")
    #expect(strings.authors == ["César J"], "jean # \" \" # cesar with @STRING(…) in parentheses")
    #expect(strings.journal == "Nice Journal")
    #expect(strings.month == "January")
    #expect(strings.date == "2013 Jan")
    #expect(strings.volume == "12")
    #expect(strings.pages == "12-23")

    let biber = try Self.parse("bibtex/biber-examples.bib", as: .bibtex)
    let westfahl = try biber.titled("The True Frontier")
    #expect(
      westfahl.title
        == "The True Frontier: Confronting and Avoiding the Realities of Space in American Science Fiction Films")
    #expect(westfahl.container == "Space and Beyond: The Frontier Theme in Science Fiction", "from its crossref")
    #expect(westfahl.editors == ["Westfahl G"])
    #expect(westfahl.publisher == "Greenwood")
    #expect(westfahl.year == 2000)
    #expect(westfahl.pages == "55–65")
    #expect(westfahl.type == "chapter")
    #expect(westfahl.language == "english")
    let angenendt = try biber.titled("In Honore Salvatoris")
    #expect(angenendt.title == "In Honore Salvatoris\u{A0}– Vom Sinn und Unsinn der Patrozinienkunde")
    #expect(angenendt.journal == "Revue d'Histoire Ecclésiastique", "BibLaTeX journaltitle, {\\'e}")
    #expect(angenendt.authors == ["Angenendt A"])
    #expect(angenendt.pages == "431–456, 791–823")
    let baez = try biber.titled("Higher-Dimensional Algebra V")
    #expect(baez.authors == ["Baez JC", "Lauda AD"])
    #expect(baez.year == 2004, "BibLaTeX date")
    #expect(baez.url == "https://arxiv.org/abs/math/0307200v3", "eprint with eprinttype arxiv")
  }

  @Test func bibtexTrapsCommentsAndLaTeX() throws {
    let traps = try Self.parse("bibtex/traps.bib", as: .bibtex).titled("An amazing title")
    #expect(traps.title == "An amazing title", "protective braces removed")
    #expect(traps.authors == ["Jean Laidé BL"], "\"Jean Laid{\\'e}, Ben Loaeb\" is Last, First to BibTeX")
    #expect(traps.volume == "n.s.\u{A0}2", "~ is a no-break space")
    #expect(traps.abstract.first?.text.hasSuffix("and with a french érudit word") == true)
    #expect(traps.keywords == ["keyword1", "keyword2"])
    let comments = try Self.parse("bibtex/comments_spaces_and_declarations.bib", as: .bibtex).titled("A great title")
    #expect(comments.authors == ["César J"])
    #expect(comments.year == 2013)
    #expect(comments.journal == "Nice Journal")
    #expect(comments.keywords == ["keyword1", "keyword2"])
  }

  @Test func latexBecomesUnicode() {
    #expect(LaTeX.toUnicode(#"{\'e}t{\"o} \c{c}a \ss{} \o{} \AE"#) == "étö ça ß ø Æ")
    #expect(LaTeX.toUnicode(#"A \& B 50\% {$\alpha$}-helix --- x -- y ``q''"#) == "A & B 50% α-helix — x – y “q”")
    #expect(LaTeX.toUnicode(#"\emph{Escherichia} {coli} \textbf{K-12}"#) == "Escherichia coli K-12")
    #expect(LaTeX.toUnicode(#"Erd\H{o}s and \v{C}ech, G\"{o}del"#) == "Erdős and Čech, Gödel")
  }

  @Test func bibtexNames() {
    #expect(
      BibTeXImport.names("Knuth, Donald E. and Ludwig van Beethoven and others").names == [
        "Knuth DE", "van Beethoven L",
      ])
    #expect(BibTeXImport.names("Knuth, Donald E. and others").etAl)
    #expect(
      BibTeXImport.names("{World Health Organization} and Smith, Jr, John").names == [
        "World Health Organization", "Smith Jr J",
      ])
    #expect(BibTeXImport.names("de la Fontaine, Jean and J.-P. Sartre").names == ["de la Fontaine J", "Sartre JP"])
  }

  @Test func bibtexJunkAndCutEntries() throws {
    var parser = BibTeXParser(text: "@article{a, title = {One}}\n@article{b, title = {Two}\n")
    let items = parser.items()
    guard case .skipped(let line, let reason)? = items.last else {
      Issue.record("the cut entry was not reported")
      return
    }
    #expect(line == 2)
    #expect(reason.contains("never closed"))
    var junk = BibTeXParser(text: "@article{a, title = {One}}\n\nstray text\n")
    guard case .skipped(let junkLine, let junkReason)? = junk.items().last else {
      Issue.record("junk after the last entry was not reported")
      return
    }
    #expect(junkLine == 3)
    #expect(junkReason == "text after the last entry")
  }

  @Test func risRecordsContinuationsAndWebOfScience() throws {
    let full = try Self.parse("ris/example_full.ris", as: .ris)
    let marx = try full.titled("Title of reference")
    #expect(marx.authors == ["Marx K", "Lindgren A"])
    #expect(marx.editors == ["Glattauer D"])
    #expect(marx.year == 2014 && marx.date == "2014")
    #expect(marx.journal == "Lorem")
    #expect(marx.volume == "9" && marx.issue == "3" && marx.pages == "e0815")
    #expect(marx.keywords == ["Pippi", "Nordwind", "Piraten"])
    #expect(marx.issn == "1932-6208" && marx.publisher == "Fun Factory" && marx.url == "http://example_url.com")
    #expect(marx.abstract.map(\.label) == ["BACKGROUND", "RESULTS", "CONCLUSIONS"], "a structured N2")
    let marxus = try full.titled("The title of the reference")
    #expect(marxus.authors == ["Marxus K", "Lindgren A"])
    #expect(marxus.year == 2006)
    #expect(marxus.publisher == "Dark Factory")

    let bom = try Self.parse("ris/example_bom.ris", as: .ris).publications
    #expect(bom.map(\.doi) == ["10.1186/s40981-020-0316-0"], "the byte-order mark is not part of TY")

    let utf = try Self.parse("ris/example_utf_chars.ris", as: .ris).publications[0]
    #expect(utf.authors.first == "Dobrokhotova YE")
    #expect(utf.title.hasPrefix("Состояние рецепторного аппарата эндометрия"), "ST when there is no TI")
    #expect(
      utf.abstract.first?.text.hasSuffix("in endometrial hyperplasia in the late reproductive period") == true,
      "an untagged continuation line joins AB")
    #expect(utf.pages == "52-57" && utf.volume == "8" && utf.issue == "3")

    let multiline = try Self.parse("ris/example_multiline.ris", as: .ris).publications
    #expect(
      multiline.allSatisfy { $0.abstract.first?.text == "first line, ER then second line and at the end the last line" }
    )

    let wos = try Self.parse("ris/example_wos.ris", as: .ris)
    let parkes = try wos.titled("Interactions stabilizing the structure")
    #expect(parkes.authors == ["Parkes-Loach PS", "Majeed AP", "Law CJ", "Loach PA"])
    #expect(parkes.title.hasSuffix("photosynthetic bacteria and its subunit (B820)"), "continued title")
    #expect(parkes.journal == "Biochemistry")
    #expect(parkes.year == 2004 && parkes.date == "2004 Jun 8", "PY and PD, not DA (the export day)")
    #expect(parkes.volume == "43" && parkes.issue == "22" && parkes.pages == "7003-7016")
    #expect(parkes.doi == "10.1021/bi049798f" && parkes.pmid == "15170338")
    let cao = try wos.titled("Proximal and distal influences")
    #expect(cao.authors.first == "Cao WX" && cao.pages == "7017-7027" && cao.doi == "10.1021/bi0497291")
  }

  @Test func medlineContinuationsAuthorsAndStructuredAbstracts() throws {
    let result2 = try Self.parse("medline/pubmed_result2.txt", as: .medline)
    let casbon = try result2.titled("A high level interface to SCOP")
    #expect(casbon.authors == ["Casbon JA", "Crooks GE", "Saqi MA"])
    #expect(casbon.journal == "BMC Bioinformatics")
    #expect(casbon.year == 2006 && casbon.volume == "7" && casbon.pages == "10")
    #expect(casbon.pmid == "16403221" && casbon.pmcid == "PMC1373603")
    #expect(casbon.abstract.map(\.label) == ["BACKGROUND", "RESULTS", "CONCLUSION"])
    #expect(
      casbon.abstract[0].text.hasPrefix(
        "Benchmarking algorithms in structural bioinformatics often involves the construction"))
    #expect(casbon.issn == "1471-2105" && casbon.language == "eng")
    #expect(casbon.keywords.contains("Database Management Systems"))
    let pritchard = try result2.titled("GenomeDiagram")
    #expect(pritchard.authors.first == "Pritchard L")
    #expect(pritchard.doi == "10.1093/bioinformatics/btk021")
    #expect(pritchard.date == "2006 Mar 1" && pritchard.month == "March")

    let modern = try Self.parse("medline/example_pubmed.txt", as: .medline)
    let han = try modern.titled("An extraordinary fossil")
    #expect(han.authors == ["Han G", "Mallon JC", "Lussier AJ", "Wu XC", "Mitchell R", "Li LJ"])
    #expect(han.doi == "10.1038/s41598-023-37545-8" && han.pmid == "37464026" && han.pmcid == "PMC10354204")
    #expect(han.journal == "Sci Rep" && han.volume == "13" && han.issue == "1" && han.pages == "11221")
    let penalver = try modern.titled("Symbiosis between Cretaceous dinosaurs")
    #expect(penalver.authors.first == "Peñalver E" && penalver.authors.last == "Pérez-de la Fuente R")
    #expect(penalver.date == "2023 Apr 25")

    let one = try Self.parse("medline/pubmed_result1.txt", as: .medline).publications[0]
    #expect(one.title == "The Bio* toolkits--a brief overview." && one.authors == ["Mangalam H"])
    #expect(one.pages == "296-302" && one.pmid == "12230038")
    let three = try Self.parse("medline/pubmed_result3.txt", as: .medline).publications[0]
    #expect(three.abstract.map(\.label) == ["PURPOSE", "METHODS", "RESULTS", "CONCLUSIONS"])
    #expect(three.doi == "10.1118/1.4748329" && three.authors.first == "Qiao S")
  }

  @Test func pubmedXMLMarkupLabelsAndCollectiveNames() throws {
    let first = try Self.parse("pubmed-xml/pubmed1.xml", as: .pubmedXML)
    let olivero = try first.titled("The treatment of AIDS")
    #expect(olivero.authors == ["Olivero JM"] && olivero.journal == "Soc Justice")
    #expect(olivero.year == 1990 && olivero.date == "1990 Spring", "a season as the publication date")
    #expect(olivero.pages == "113-25" && olivero.pmid == "12091962")
    let strekas = try first.titled("Magnetic studies of Chromatium")
    #expect(strekas.doi == "10.1016/0005-2795(76)90109-4", "the DOI from ArticleIdList")
    #expect(strekas.date == "1976 Sep 28" && strekas.volume == "446")

    let gut = try Self.parse("pubmed-xml/pubmed4.xml", as: .pubmedXML).publications[0]
    #expect(gut.abstract.map(\.label) == ["OBJECTIVE", "DESIGN", "RESULTS", "CONCLUSIONS"])
    #expect(gut.authors.count == 22 && gut.authors[19] == "De Vivo I")
    #expect(gut.pmcid == "PMC5442267" && gut.doi == "10.1136/gutjnl-2016-312510")

    let lactate = try Self.parse("pubmed-xml/pubmed6.xml", as: .pubmedXML).publications[0]
    #expect(lactate.title.hasPrefix("A \"Blood Relationship\" Between the Overlooked Minimum Lactate Equivalent"))
    let lactateAbstract = lactate.abstract.map(\.text).joined()
    #expect(
      !lactateAbstract.contains("<sub>") && !lactateAbstract.contains("<i>"), "inline markup's text, not its tags")
    #expect(lactateAbstract.contains("(P < 0.001; ES: 3.54)"), "an escaped < is text")

    let imaging = try Self.parse("pubmed-xml/pubmed7.xml", as: .pubmedXML).publications[0]
    #expect(imaging.authors.last == "Canadian Respiratory Research Network", "a CollectiveName author")
    #expect(imaging.authors.first == "Guo F" && imaging.pages == "026002")
    #expect(imaging.doi == "10.1117/1.jmi.5.2.026002", "DOIs are stored lowercase")
  }

  @Test func cslJSONNamesDatesAndTypes() throws {
    let winter = try Self.parse("csl-json/crossref-winter-scabs-csl.json", as: .cslJSON).publications[0]
    #expect(winter.authors == ["WINTER GD"] && winter.journal == "Nature")
    #expect(winter.year == 1962 && winter.month == "January" && winter.pages == "293-294")
    #expect(winter.doi == "10.1038/193293a0" && winter.issue == "4812" && winter.volume == "193")
    let scihub = try Self.parse("csl-json/pubmed-scihub-study-csl.json", as: .cslJSON).publications[0]
    #expect(scihub.authors.first == "Himmelstein DS" && scihub.pmid == "29424689" && scihub.pmcid == "PMC5832410")
    #expect(scihub.date == "2018 Mar 1")
    let joss = try Self.parse("csl-json/arxiv-joss-csl.json", as: .cslJSON).publications[0]
    #expect(joss.authors.first == "Smith AM", "a person's name given as a literal")
    #expect(joss.type == "report")
    let thesis = try Self.parse("csl-json/datacite-thesis-csl.json", as: .cslJSON).publications[0]
    #expect(thesis.authors == ["Himmelstein D"] && thesis.doi == "10.6084/m9.figshare.4724797")
    let bare = try Self.parse("csl-json/excess-date-parts-csl.json", as: .cslJSON).publications[0]
    #expect(bare.type == "entry" && bare.year == 2018 && bare.date == "2018 Oct 21", "extra date parts ignored")
    #expect(
      CSLJSONImport.date(["date-parts": [["2017", "3"]]]) == DateText(year: 2017, month: "March", printed: "2017 Mar"))
    let (entries, _) = CSLJSONImport.entries(
      in: Data("[\n  {\"title\": \"a [b], {c}\"},\n  3,\n  {}\n]".utf8), source: "x.json")
    guard case .skipped(let line, let reason) = entries[1], case .skipped(let emptyLine, _) = entries[2] else {
      Issue.record("a number and an empty object were not skipped: \(entries)")
      return
    }
    #expect(line == 3 && reason == "item 2 is not a JSON object", "skipped items are named by their line")
    #expect(emptyLine == 4)
  }

  @Test func identifiersAreNormalised() {
    #expect(Identifiers.doi("https://doi.org/10.1016/S0140-6736(16)32453-9") == "10.1016/s0140-6736(16)32453-9")
    #expect(Identifiers.doi("doi:10.1000/XYZ") == "10.1000/xyz")
    #expect(Identifiers.doi("10.1038/s41598-023-37545-8 [doi]") == "10.1038/s41598-023-37545-8")
    #expect(Identifiers.doi("not a doi") == nil)
    #expect(Identifiers.pmid("PMID: 0027932229") == "27932229")
    #expect(Identifiers.pmid("12ab") == nil)
    #expect(Identifiers.pmcid("5012345 [pmc]") == "PMC5012345")
  }

  @Test func formatsAreDetectedFromContentNotName() {
    #expect(ImportFormat.detect(Data("\u{FEFF}TY  - JOUR\nER  - \n".utf8)) == .ris)
    #expect(ImportFormat.detect(Data("% c\n  @Article {x,\n}".utf8)) == .bibtex)
    #expect(ImportFormat.detect(Data("\nPMID- 1\nTI  - x\n".utf8)) == .medline)
    #expect(ImportFormat.detect(Data("  [{\"id\": 1}]".utf8)) == .cslJSON)
    #expect(ImportFormat.detect(Data("<?xml version=\"1.0\"?><PubmedArticleSet/>".utf8)) == .pubmedXML)
    #expect(ImportFormat.detect(Data("Home > Treatments\n\nLatest Research Publications\n".utf8)) == .cancerindex)
  }
}
