import Crypto
import Foundation

/// A record's identity, derived from its content so that every peer importing the same
/// paper arrives at the same id without talking to anyone.
///
/// It is base32 of the first 60 bits of SHA-256 over `surname|year|title`, each part
/// normalised by `RecordID.normalise`. 60 bits keep the chance of any collision among a
/// million records below one in a million.
public struct RecordID: Hashable, Comparable, Sendable, CustomStringConvertible {
  public static let length = 12
  public let text: String

  public init(firstAuthor: String?, year: Int?, title: String) {
    let surname = firstAuthor.map(Self.surname(of:)) ?? ""
    let key = "\(Self.normalise(surname))|\(year.map(String.init) ?? "")|\(Self.normalise(title))"
    text = Base32Text.encode(SHA256.hash(data: Array(key.utf8)), characters: Self.length)
  }

  /// The id of a record with no author, year or title: over `||` and its fields' canonical
  /// JSON (never equal to a `surname|year|title` key, which has exactly two `|`).
  public init(content: String) {
    text = Base32Text.encode(SHA256.hash(data: Array(("||" + content).utf8)), characters: Self.length)
  }

  public init?(_ text: String) {
    guard text.utf8.count == Self.length, Base32Text.isValid(text) else { return nil }
    self.text = text
  }

  public var description: String { text }

  public static func < (lhs: RecordID, rhs: RecordID) -> Bool { lhs.text < rhs.text }

  /// "Bruix J" → "Bruix"; "van der Berg AB" → "van der Berg": initials are the last word.
  public static func surname(of author: String) -> String {
    var words = author.split(separator: " ")
    if words.count > 1, let last = words.last, last.allSatisfy({ $0.isUppercase || $0 == "-" }) {
      words.removeLast()
    }
    return words.joined(separator: " ")
  }

  /// Unicode NFKD, diacritics dropped, case-folded, every run of punctuation and white
  /// space collapsed to one space, trimmed.
  public static func normalise(_ text: String) -> String {
    if text.isASCII { return normaliseASCII(text) }
    let folded = text.decomposedStringWithCompatibilityMapping
      .folding(options: [.caseInsensitive, .diacriticInsensitive], locale: nil)
    var out = String.UnicodeScalarView()
    var pendingSpace = false
    for scalar in folded.unicodeScalars {
      let properties = scalar.properties
      if properties.generalCategory == .nonspacingMark || properties.generalCategory == .enclosingMark {
        continue
      }
      if properties.isAlphabetic || properties.numericType != nil {
        if pendingSpace, !out.isEmpty { out.append(" ") }
        pendingSpace = false
        out.append(scalar)
      } else {
        pendingSpace = true
      }
    }
    return String(out)
  }

  /// The same result as the general path for ASCII text, without Foundation: most titles
  /// are ASCII and this runs twice per imported record.
  static func normaliseASCII(_ text: String) -> String {
    var out: [UInt8] = []
    out.reserveCapacity(text.utf8.count)
    var pendingSpace = false
    for byte in text.utf8 {
      let lower = (65...90).contains(byte) ? byte + 32 : byte
      if (97...122).contains(lower) || (48...57).contains(lower) {
        if pendingSpace, !out.isEmpty { out.append(32) }
        pendingSpace = false
        out.append(lower)
      } else {
        pendingSpace = true
      }
    }
    return String(decoding: out, as: UTF8.self)
  }
}

/// Readable citation keys: `bruix2017regorafenib`.
///
/// Only a convenience alias: it is derived from content like the id, and where two
/// records share one, neither is reachable by it alone (the store reports both).
public enum Citekey {
  static let skippedWords: Set<String> = [
    "a", "an", "the", "of", "on", "in", "and", "for", "to", "with", "by", "at", "from", "is", "are",
  ]

  /// A key LaTeX and Pandoc accept in `\cite{…}` and `@…`: an ASCII letter, then up to 63
  /// ASCII letters, digits and `_ : . - +`.
  public static func isValid(_ key: String) -> Bool {
    let bytes = Array(key.utf8)
    guard let first = bytes.first, bytes.count <= 64, (65...90).contains(first) || (97...122).contains(first) else {
      return false
    }
    return bytes.allSatisfy {
      (65...90).contains($0) || (97...122).contains($0) || (48...57).contains($0) || "_:.-+".utf8.contains($0)
    }
  }

  /// The suffix of the Nth record sharing a key (N from 1): `a` … `z`, `aa`, `ab`, ….
  public static func suffix(_ index: Int) -> String {
    var number = index
    var letters = ""
    while number > 0 {
      number -= 1
      letters = String(UnicodeScalar(UInt8(97 + number % 26))) + letters
      number /= 26
    }
    return letters
  }

  public static func make(firstAuthor: String?, year: Int?, title: String) -> String {
    let surname = firstAuthor.map { asciiLettersAndDigits(RecordID.normalise(RecordID.surname(of: $0))) } ?? ""
    return (surname.isEmpty ? "anon" : surname) + (year.map(String.init) ?? "")
      + (firstWord(of: RecordID.normalise(title)) ?? "")
  }

  /// The first word of normalised text, kept to a-z and 0-9, that is neither empty nor a
  /// skipped word. Text of ASCII alone (nearly every title) is split at its space bytes,
  /// which is where splitting it into Characters splits it: finding the grapheme clusters
  /// of each title was most of deriving a key (a tenth of creating a record).
  static func firstWord(of normalised: String) -> String? {
    guard normalised.utf8.allSatisfy({ $0 < 0x80 }) else {
      return normalised.split(separator: " ").lazy.map(asciiLettersAndDigits)
        .first { !$0.isEmpty && !skippedWords.contains($0) }
    }
    for bytes in normalised.utf8.split(separator: UInt8(ascii: " ")) {
      let word = asciiLettersAndDigits(Substring(bytes))
      if !word.isEmpty && !skippedWords.contains(word) { return word }
    }
    return nil
  }

  /// Keeps a-z and 0-9 of text that is already normalised (so already lower case).
  private static func asciiLettersAndDigits(_ text: some StringProtocol) -> String {
    String(decoding: text.utf8.filter { (97...122).contains($0) || (48...57).contains($0) }, as: UTF8.self)
  }
}
