import Foundation

/// The identifiers people cite and search by, in one spelling each, so that the same paper
/// from two sources compares equal: a DOI is case-insensitive (ISO 26324) and arrives with
/// or without a resolver in front; a PMID is a plain number, sometimes with a label.
public enum Identifiers {
  /// `10.1016/s0140-6736(16)32453-9` from `https://doi.org/10.1016/S0140-6736(16)32453-9`,
  /// `doi:10.1016/…` or `10.1016/…`; nil when no `10.NNNN/…` is there.
  public static func doi(_ text: String) -> String? {
    var value = text.trimmingWhitespace
    for prefix in [
      "https://doi.org/", "http://doi.org/", "https://dx.doi.org/", "http://dx.doi.org/", "doi.org/", "doi:",
    ]
    where value.lowercased().hasPrefix(prefix) {
      value = String(value.dropFirst(prefix.count)).trimmingWhitespace
    }
    if value.hasSuffix(" [doi]") { value = String(value.dropLast(6)) }
    value = value.removingPercentEncoding ?? value
    guard value.hasPrefix("10."), let slash = value.firstIndex(of: "/"), value.index(after: slash) < value.endIndex,
      value[value.index(value.startIndex, offsetBy: 3)..<slash].allSatisfy({ $0.isASCII && ($0.isNumber || $0 == ".") }
      ),
      !value.contains(where: { $0.isWhitespace })
    else { return nil }
    return value.lowercased()
  }

  /// `27932229` from `27932229`, `PMID: 27932229` or `27932229 [pmid]`; nil otherwise.
  public static func pmid(_ text: String) -> String? {
    var value = text.trimmingWhitespace
    if value.uppercased().hasPrefix("PMID:") { value = String(value.dropFirst(5)).trimmingWhitespace }
    if value.lowercased().hasSuffix("[pmid]") {
      value = String(value.dropLast(6)).trimmingWhitespace
    }
    guard !value.isEmpty, value.count <= 10, value.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
    let digits = value.drop { $0 == "0" }
    return digits.isEmpty ? nil : String(digits)
  }

  /// `PMC5012345` from `PMC5012345`, `pmc5012345` or `5012345 [pmc]`; nil otherwise.
  public static func pmcid(_ text: String) -> String? {
    var value = text.trimmingWhitespace.uppercased()
    if value.hasSuffix("[PMC]") { value = String(value.dropLast(5)).trimmingWhitespace }
    if value.hasPrefix("PMC") { value = String(value.dropFirst(3)) }
    guard !value.isEmpty, value.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
    return "PMC" + value
  }
}

/// The item types of CSL 1.0.2 (`csl-data.json`), which Gloss uses for every format: BibTeX
/// entry types and RIS `TY` codes map onto them.
public enum CSLType {
  public static let all = [
    "article", "article-journal", "article-magazine", "article-newspaper", "bill", "book", "broadcast", "chapter",
    "classic", "collection", "dataset", "document", "entry", "entry-dictionary", "entry-encyclopedia", "event",
    "figure", "graphic", "hearing", "interview", "legal_case", "legislation", "manuscript", "map", "motion_picture",
    "musical_score", "pamphlet", "paper-conference", "patent", "performance", "periodical", "personal_communication",
    "post", "post-weblog", "regulation", "report", "review", "review-book", "software", "song", "speech",
    "standard", "thesis", "treaty", "webpage",
  ]
}
