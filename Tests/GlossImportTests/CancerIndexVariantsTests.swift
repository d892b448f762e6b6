import Foundation
import GlossCore
import Testing

@testable import GlossImport

@Suite struct CancerIndexVariantsTests {
  @Test func genePageHeadingStatisticsAndElectronicPages() throws {
    let listing = try ParsedListing(Paths.fixture("cancerindex-aurka.txt"))
    #expect(listing.publications.count == 2)
    #expect(listing.skipped.isEmpty)
    let zhang = listing.publications[0]
    #expect(zhang.authors == ["Zhang Y", "Müller K", "Øster B"])
    #expect(!zhang.etAl)
    #expect(zhang.title == "Aurora kinase A expression predicts recurrence in gastric cancer: a cohort study")
    #expect(
      (zhang.journal, zhang.year, zhang.volume, zhang.issue, zhang.pages) == (
        "Medicine (Baltimore)", 2019, "98", "30", "e16269"
      ))
    #expect(!zhang.freeFullText)
    #expect(zhang.abstract.map(\.label) == ["BACKGROUND/AIM", "PATIENTS AND METHODS", "RESULTS", nil])
    #expect(zhang.topics == ["AURKA (cancer-related)"])
    let ramirez = listing.publications[1]
    #expect(ramirez.title == "Alisertib in small-cell lung cancer?")
    #expect((ramirez.volume, ramirez.issue, ramirez.pages) == ("36", "15_suppl", "8518"))
    #expect(ramirez.freeFullText)
  }

  @Test func aBlockThatIsNotAnEntryIsSkippedWithItsLine() throws {
    let listing = try ParsedListing(Paths.fixture("with-skip.txt"))
    #expect(listing.publications.map(\.title) == ["First paper title", "Second paper title"])
    #expect(listing.skipped.map(\.line) == [8])
    #expect(listing.skipped.first?.reason.contains("citation line") == true)
  }

  @Test(arguments: [
    ("truncated.txt", 10, "truncated"),
    ("cut-mid-line.txt", 6, "truncated"),
    ("not-a-listing.txt", 1, "not a CancerIndex listing"),
    ("bad-utf8.txt", 4, "UTF-8"),
  ])
  func badInputNamesFileLineAndProblem(name: String, line: Int, problem: String) {
    let path = Paths.fixture(name)
    #expect {
      _ = try ParsedListing(path)
    } throws: { error in
      guard let error = error as? ImportError else { return false }
      return error.file == path && error.line == line && error.problem.contains(problem) && !error.remedy.isEmpty
    }
  }

  @Test func binaryAndEmptyAndMissingFiles() {
    #expect(throws: ImportError.self) { _ = try ParsedListing(Paths.fixture("empty.txt")) }
    do {
      _ = try ParsedListing(Paths.fixture("binary.bin"))
      Issue.record("a binary file was accepted")
    } catch {
      #expect(error.offset == 40)
      #expect(error.problem.contains("binary"))
    }
    do {
      _ = try ParsedListing("/nonexistent/listing.txt")
      Issue.record("a missing file was accepted")
    } catch {
      #expect(error.description == "/nonexistent/listing.txt: no such file; check the path and try again")
    }
  }

  @Test func citationLineVariants() throws {
    let cases: [(String, CitationLine?)] = [
      (
        "Lancet. 2017; 389(10064):56-66 [PubMed] Related Publications",
        CitationLine(
          journal: "Lancet", year: 2017, date: "2017", volume: "389", issue: "10064", pages: "56-66", pubmed: true)
      ),
      (
        "J. Surg. Oncol. 2016; 113(6):672-7 [PubMed]",
        CitationLine(
          journal: "J. Surg. Oncol", year: 2016, date: "2016", volume: "113", issue: "6", pages: "672-7", pubmed: true)
      ),
      ("Exceptional response to sorafenib in 2 patients.", nil),
      ("Lancet. 2017; 389(100", nil),
    ]
    for (line, expected) in cases {
      #expect(CitationLine(line[...]) == expected, "\(line)")
    }
  }
}
