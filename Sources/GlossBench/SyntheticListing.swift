import Foundation
import GlossCore

/// Writes a CancerIndex-format listing of `count` made-up publications whose field lengths
/// follow the seed page: four or so authors, a 100-character title, a citation line and an
/// abstract of about 1.2 KB in labelled sections. Words follow a Zipf-like distribution over
/// the seed's own vocabulary plus made-up terms, so the full-text index sees a realistic
/// mix of common and rare words. Deterministic for a given seed.
struct SyntheticListing {
  var generator: SplitMix64
  let vocabulary: [String]
  static let labels = ["BACKGROUND", "METHODS", "RESULTS", "CONCLUSIONS", "AIM", "PATIENTS AND METHODS"]
  static let journals = [
    "Lancet", "BMC Gastroenterol", "Anticancer Res", "J Clin Oncol", "Medicine (Baltimore)", "Oncol Rep",
    "Cancer Sci", "J Med Ultrason (2001)", "World J Gastroenterol", "Clin Cancer Res",
  ]
  static let surnames = [
    "Atkin", "Bruix", "Nass", "Lin", "Mondal", "Shiozawa", "Garuti", "Xu", "Kuzuya", "Antoniou", "Lamarca", "Basu",
    "Müller", "Ramírez", "Øster", "Zhang", "Wang", "Li", "Kim", "Smith",
  ]

  init(seedText: String, seed: UInt64 = 42) {
    generator = SplitMix64(seed: seed)
    var words = Set<String>()
    for token in seedText.split(whereSeparator: { !$0.isLetter }) where token.count > 2 {
      words.insert(token.lowercased())
    }
    var vocabulary = words.sorted()
    var local = SplitMix64(seed: seed ^ 0xABCD)
    let syllables = ["ka", "to", "ri", "mel", "on", "zin", "ab", "ex", "tu", "por", "vi", "lan", "gen", "ase", "ol"]
    while vocabulary.count < 20_000 {
      let length = Int(local.next() % 3) + 2
      vocabulary.append((0..<length).map { _ in syllables[Int(local.next() % UInt64(syllables.count))] }.joined())
    }
    self.vocabulary = vocabulary
  }

  /// Zipf-ish: index = n^(u^2), favouring the start of the vocabulary.
  mutating func word() -> String {
    let u = Double(generator.next() % 1_000_000) / 1_000_000
    let index = Int(pow(Double(vocabulary.count), u * u)) - 1
    return vocabulary[max(0, min(vocabulary.count - 1, index))]
  }

  mutating func sentence(characters: Int) -> String {
    var text = ""
    while text.count < characters { text += (text.isEmpty ? "" : " ") + word() }
    return text.prefix(1).uppercased() + text.dropFirst() + "."
  }

  mutating func pick<T>(_ items: [T]) -> T { items[Int(generator.next() % UInt64(items.count))] }

  mutating func write(to path: String, count: Int) throws {
    FileManager.default.createFile(atPath: path, contents: nil)
    let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
    defer { try? handle.close() }
    var buffer = "Home > Treatments > Synthetic (Benchmark)\n\nLatest Research Publications\n\n"
    for number in 0..<count {
      let authorCount = Int(generator.next() % 6) + 1
      var authors = (0..<authorCount).map { _ in "\(pick(Self.surnames)) \(pick(["A", "B", "JL", "K", "MG"]))" }
      let etAl = authorCount > 3
      if etAl { authors = Array(authors.prefix(3)) }
      buffer += authors.joined(separator: ", ") + (etAl ? ", et al." : "") + "\n"
      buffer += sentence(characters: 90) + " \(number)\n"
      let year = 2000 + Int(generator.next() % 20)
      buffer +=
        "\(pick(Self.journals)). \(year); \(generator.next() % 400)(\(generator.next() % 12 + 1)):"
        + "\(generator.next() % 900)-\(generator.next() % 900 + 900) [PubMed]"
        + (generator.next() % 3 == 0 ? " Free Access to Full Article" : "") + " Related Publications\n"
      for label in Self.labels.prefix(4) {
        buffer += "\(label): \(sentence(characters: 280))\n"
      }
      buffer += "\n"
      if buffer.utf8.count > 1 << 20 {
        handle.write(Data(buffer.utf8))
        buffer = ""
      }
    }
    buffer += "CancerIndex.org\n"
    handle.write(Data(buffer.utf8))
  }
}

/// One made-up paper, for the library formats' files.
struct SyntheticPaper {
  var authors: [(family: String, given: String)]
  var title: String
  var journal: String
  var year: Int
  var volume: String
  var issue: String
  var pages: String
  var abstract: [(label: String, text: String)]
  var keywords: [String]
}

extension SyntheticListing {
  static let givenNames = ["Anna", "Bruno", "Jia Li", "Karl", "Maria Grazia", "Olu", "Søren", "Yuki"]

  mutating func paper(_ number: Int) -> SyntheticPaper {
    let authorCount = Int(generator.next() % 6) + 1
    let authors = (0..<authorCount).map { _ in (family: pick(Self.surnames), given: pick(Self.givenNames)) }
    let year = 2000 + Int(generator.next() % 20)
    let first = generator.next() % 900
    return SyntheticPaper(
      authors: authors, title: sentence(characters: 90) + " \(number)", journal: pick(Self.journals), year: year,
      volume: String(generator.next() % 400), issue: String(generator.next() % 12 + 1),
      pages: "\(first)-\(first + generator.next() % 30 + 1)",
      abstract: Self.labels.prefix(4).map { (label: $0, text: sentence(characters: 280)) },
      keywords: (0..<3).map { _ in word() })
  }

  /// Writes `count` entries, `entry` giving each one's text, in 1 MiB chunks.
  mutating func write(to path: String, count: Int, entry: (Int, SyntheticPaper) -> String) throws {
    FileManager.default.createFile(atPath: path, contents: nil)
    let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
    defer { try? handle.close() }
    var buffer = ""
    for number in 0..<count {
      buffer += entry(number, paper(number))
      if buffer.utf8.count > 1 << 20 {
        handle.write(Data(buffer.utf8))
        buffer = ""
      }
    }
    handle.write(Data(buffer.utf8))
  }
}
