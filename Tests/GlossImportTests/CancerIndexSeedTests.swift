import Foundation
import GlossCore
import Testing

@testable import GlossImport

@Suite struct CancerIndexSeedTests {
  let listing: ParsedListing
  let raw: String

  init() throws {
    listing = try ParsedListing(Paths.seed)
    raw = try String(contentsOfFile: Paths.seed, encoding: .utf8)
  }

  @Test func findsExactlyThirtyRecordsAndSkipsNothing() {
    #expect(listing.publications.count == 30)
    #expect(listing.skipped.isEmpty)
    #expect(Set(listing.publications.map(\.id)).count == 30)
  }

  @Test func atkinFirstRecordEveryField() throws {
    let p = try #require(listing.by("Atkin"))
    #expect(p.authors == ["Atkin C", "Earwaker P", "Pallan A"])
    #expect(p.etAl)
    #expect(
      p.title
        == "Exceptional serological and radiological response to sorafenib in 2 patients with advanced hepatocellular carcinoma and chronic hepatitis C viral infection: case report and review of the literature"
    )
    #expect(p.journal == "BMC Gastroenterol")
    #expect(p.year == 2017)
    #expect(p.date == "2017")
    #expect(p.volume == "17")
    #expect(p.issue == "1")
    #expect(p.pages == "30")
    #expect(p.pubmed)
    #expect(p.freeFullText)
    #expect(p.abstract.map(\.label) == ["BACKGROUND", "CASE PRESENTATION", "CONCLUSIONS"])
    #expect(p.abstract[0].text.hasPrefix("In patients with advanced hepatocellular carcinoma (HCC), the multikinase"))
    #expect(p.abstract[2].text.hasSuffix("even with dose reductions and treatment breaks."))
    #expect(p.topics == ["Sorafenib (Nexavar)"])
    #expect(p.sources == ["cancerindex-sorafenib.txt"])
    #expect(listing.lines[0] == 15)
  }

  @Test func bruixLancetWithFiveLabelledSections() throws {
    let p = try #require(listing.by("Bruix"))
    #expect(p.authors == ["Bruix J", "Qin S", "Merle P"])
    #expect(p.journal == "Lancet")
    #expect((p.year, p.date, p.volume, p.issue, p.pages) == (2017, "2017", "389", "10064", "56-66"))
    #expect(!p.freeFullText)
    #expect(p.abstract.map(\.label) == ["BACKGROUND", "METHODS", "FINDINGS", "INTERPRETATION", "FUNDING"])
    #expect(p.abstract[4].text == "Bayer.")
    #expect(p.abstract[1].text.contains("(≥400 mg/day for ≥20 of last 28 days of treatment)"))
    #expect(p.citekey == "bruix2017regorafenib")
  }

  @Test func tumoriSupplementIssueWithoutPages() throws {
    let p = try #require(listing.by("Garuti"))
    #expect((p.journal, p.year, p.volume, p.issue, p.pages) == ("Tumori", 2016, "102", "Suppl. 2", ""))
    #expect(p.pubmed)
    #expect(!p.freeFullText)
  }

  @Test func inVivoDateAsPrinted() throws {
    let p = try #require(listing.by("Antoniou"))
    #expect(p.authors == ["Antoniou EA", "Koutsounas I", "Damaskos C", "Koutsounas S"])
    #expect(!p.etAl)
    #expect(
      (p.journal, p.year, p.date, p.volume, p.issue, p.pages) == ("In Vivo", 2016, "2016 09-10", "30", "5", "677-80"))
    #expect(p.abstract.map(\.label) == ["BACKGROUND", "CASE REPORT", "CONCLUSION"])
    #expect(p.abstract[0].text.contains("(PDGFR)-β and c-Kit"))
  }

  @Test func journalWithParenthesesAndPeriod() throws {
    let p = try #require(listing.by("Shiozawa"))
    #expect((p.journal, p.year, p.volume, p.issue, p.pages) == ("J Med Ultrason (2001)", 2017, "44", "1", "101-107"))
    #expect(p.title.contains("low α-fetoprotein"))
    #expect(p.freeFullText)
  }

  @Test func recordWithoutAuthorsLine() throws {
    let p = try #require(listing.publications.first { $0.journal == "Prescrire Int" })
    #expect(p.authors.isEmpty)
    #expect(!p.etAl)
    #expect(
      p.title == "Sorafenib (NEXAVAR) and differentiated thyroid cancer. Toxic, and no proof of improved survival")
    #expect((p.year, p.volume, p.issue, p.pages) == (2016, "25", "168", "37"))
    #expect(
      p.abstract == [
        AbstractSection(
          label: nil,
          text:
            "Radiological progression was delayed by 5 months in one trial, but its design does not allow reliable analysis of survival. Numerous, sometimes serious, adverse effects occurred."
        )
      ])
    #expect(p.citekey == "anon2016sorafenib")
  }

  @Test func unusualLabels() throws {
    #expect(try #require(listing.by("Dinh")).abstract.first?.label == "BACKGROUND/AIM")
    #expect(try #require(listing.by("Lee")).abstract.first?.label == "BACKGROUND/AIMS")
    #expect(try #require(listing.by("Lamarca")).abstract.last?.label == "CONCLUSION(S)")
    #expect(try #require(listing.by("Yao")).abstract.first?.label == "BACKGROUND AND OBJECTIVES")
    #expect(try #require(listing.by("Woo")).abstract.first?.label == "BACKGROUND & AIMS")
    #expect(try #require(listing.by("Gu")).abstract.map(\.label)[1] == "PATIENTS & METHODS")
    let maida = try #require(listing.by("Maida"))
    #expect(maida.abstract.map(\.label) == ["UNLABELLED", "KEY WORDS", "ABBREVIATIONS"])
    #expect(maida.abstract[1].text == "hepatocellular carcinoma - HCC - BCLC - sorafenib - complete response.")
    #expect(maida.abstract[2].text.hasPrefix("AFP: alpha-fetoprotein; AE: adverse event;"))
  }

  @Test func unlabelledAbstractsHaveNoLabel() throws {
    let nass = try #require(listing.by("Nass"))
    #expect(nass.abstract.count == 1)
    #expect(nass.abstract[0].label == nil)
    #expect(listing.by("Lin")?.abstract.first?.label == nil)
  }

  @Test func nonASCIITextIsByteForByte() throws {
    let texts = listing.publications.flatMap { [$0.title] + $0.abstract.map(\.text) }
    for needle in [
      "0·63 (95% CI 0·50-0·79", "10μg/mL", "interleukin-1β (IL1β)", "(IĸBα)", "(≥400 mg/day", "∼3 months", "38°C", "©",
    ] {
      #expect(raw.contains(needle), "the seed itself has \(needle)")
      #expect(texts.contains { $0.contains(needle) }, "parsed text keeps \(needle)")
    }
    for p in listing.publications {
      for section in p.abstract {
        #expect(raw.utf8.count > 0 && raw.contains(section.text), "section text is a verbatim slice of the file")
      }
    }
  }

  @Test func pagesAndVolumesOfShortCitations() throws {
    let leung = try #require(listing.by("Leung"))
    #expect((leung.volume, leung.issue, leung.pages) == ("11", "", "69"))
    let lin = try #require(listing.by("Lin"))
    #expect(lin.authors == ["Lin ZY", "Chuang WL"])
    #expect(!lin.etAl)
    #expect((lin.volume, lin.issue, lin.pages) == ("86", "", "27-31"))
  }
}
