import Foundation

/// The citation line of a CancerIndex entry, as printed:
/// `Journal. YEAR[ DATE]; VOLUME(ISSUE):PAGES [PubMed] Free Access to Full Article Related Publications`.
///
/// Parsed by hand rather than by one regular expression because each part is optional in
/// some real entry (`Tumori. 2016; 102(Suppl. 2)` has no pages, `Radiat Oncol. 2016; 11:69`
/// no issue) and the journal itself may hold periods and parentheses
/// (`J Med Ultrason (2001).`, `Medicine (Baltimore).`).
struct CitationLine: Equatable {
  var journal: String
  var year: Int
  var date: String
  var volume = ""
  var issue = ""
  var pages = ""
  var pubmed = false
  var freeFullText = false

}

extension CitationLine {
  static let trailers = ["Related Publications", "Free Access to Full Article", "[PubMed]"]

  init?(_ line: Substring) {
    var text = line.trimmingSpaces()
    var flags = (pubmed: false, free: false, related: false)
    var stripped = true
    while stripped {
      stripped = false
      for trailer in Self.trailers where text.hasSuffix(trailer) {
        text = text.dropLast(trailer.count)
        while text.last == " " { text = text.dropLast() }
        switch trailer {
        case "[PubMed]": flags.pubmed = true
        case "Free Access to Full Article": flags.free = true
        default: flags.related = true
        }
        stripped = true
      }
    }
    guard let (journalEnd, year, afterYear) = Self.findYear(in: text) else { return nil }
    let journal = String(text[..<journalEnd])
    guard !journal.isEmpty else { return nil }
    var rest = text[afterYear...]
    var date = String(year)
    let hasSemicolon = rest.contains(";")
    if let semicolon = rest.firstIndex(of: ";") {
      date += rest[..<semicolon]
      rest = rest[rest.index(after: semicolon)...].drop { $0 == " " }
    } else {
      date += rest
      rest = ""
    }
    guard hasSemicolon || flags.pubmed || flags.related else { return nil }
    self.init(
      journal: journal, year: year, date: String(date[...].trimmingSpaces()), pubmed: flags.pubmed,
      freeFullText: flags.free)
    guard parseLocator(rest) else { return nil }
  }

  /// `17(1):30`, `102(Suppl. 2)`, `86:27-31`, `11:69`.
  private mutating func parseLocator(_ locator: Substring) -> Bool {
    var rest = locator
    if let open = rest.firstIndex(where: { $0 == "(" || $0 == ":" }) {
      volume = String(rest[..<open])
      rest = rest[open...]
    } else {
      volume = String(rest)
      rest = ""
    }
    if rest.first == "(" {
      var depth = 0
      var close: Substring.Index?
      for index in rest.indices {
        if rest[index] == "(" { depth += 1 }
        if rest[index] == ")" {
          depth -= 1
          if depth == 0 {
            close = index
            break
          }
        }
      }
      guard let close else { return false }
      issue = String(rest[rest.index(after: rest.startIndex)..<close])
      rest = rest[rest.index(after: close)...]
    }
    if rest.first == ":" {
      pages = String(rest.dropFirst())
      rest = ""
    }
    volume = String(volume[...].trimmingSpaces())
    return rest.allSatisfy { $0 == " " } && !pages.contains(" ")
  }

  /// The first `. YYYY` that is followed by a space, a semicolon or the end.
  private static func findYear(in text: Substring) -> (String.Index, Int, String.Index)? {
    var index = text.startIndex
    while let dot = text[index...].firstIndex(of: ".") {
      let afterDot = text.index(after: dot)
      guard afterDot < text.endIndex else { return nil }
      if text[afterDot] == " " {
        let digitsStart = text.index(after: afterDot)
        let digits = text[digitsStart...].prefix(4)
        let digitsEnd = digits.endIndex
        if digits.count == 4, digits.allSatisfy(\.isASCII), digits.allSatisfy(\.isNumber),
          digitsEnd == text.endIndex || text[digitsEnd] == " " || text[digitsEnd] == ";",
          let year = Int(digits), (1800...2200).contains(year)
        {
          return (dot, year, digitsEnd)
        }
      }
      index = afterDot
    }
    return nil
  }
}
