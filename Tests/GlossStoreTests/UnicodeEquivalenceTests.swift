import Foundation
import GlossCore
import Testing

@testable import GlossStore

/// Names that file things (persons, sources) are kept in NFC, so that canonically
/// equivalent spellings, which Swift's `==` cannot tell apart, are one name to the store
/// and to a byte-comparing implementation alike (MERGE.md §1).
@Suite struct UnicodeEquivalenceTests {
  static let decomposed = "Jose\u{301}"
  static let precomposed = "Jos\u{E9}"

  @Test func aPersonIsNamedInNFC() throws {
    let store = try Store(path: ":memory:", person: Self.decomposed)
    #expect(Array(store.local.person.utf8) == Array(Self.precomposed.utf8))
    #expect(!Self.decomposed.isNFC && Self.precomposed.isNFC && "ascii".isNFC)
  }

  @Test func aSourceSpelledDecomposedIsFiledUnderItsNFCForm() throws {
    let clock = TestClock()
    let alice = try Replica(person: "alice", clock: clock)
    let source = "Zote\u{301}ro.bib"
    try alice.importPublications([
      Publication(authors: ["Llovet JM"], title: "Sorafenib in advanced HCC", year: 2008, sources: [source])
    ])
    let statements = try alice.store.read { reader in
      try reader.sourceStatements(record: try reader.resolveRecord("llovet2008sorafenib").num)
    }
    #expect(statements.keys.map { Array($0.utf8) } == [Array(source.nfc.utf8)])
  }
}
