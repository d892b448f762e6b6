import Crypto
import Foundation

/// A note's id: base32 of SHA-256 over the dot of the operation that created it, so it
/// is known the moment the note is written and is the same on every peer.
public enum NoteID {
  public static let length = 10

  public static func make(for dot: Dot) -> String {
    Base32Text.encode(SHA256.hash(data: Array(dot.description.utf8)), characters: length)
  }

  public static func isWellFormed(_ text: String) -> Bool {
    text.utf8.count == length && Base32Text.isValid(text)
  }
}

/// A tag's identity: its NFC form, case-folded. "RCC", "rcc" and "Rcc" are one tag.
public enum TagName {
  public static func key(_ spelling: String) -> String {
    // ASCII is already NFC, and its case folding is lowering A-Z: no Foundation round trip
    // for the tags nearly everyone writes.
    if spelling.isASCII {
      return String(decoding: spelling.utf8.map { (65...90).contains($0) ? $0 + 32 : $0 }, as: UTF8.self)
    }
    return spelling.precomposedStringWithCanonicalMapping.folding(options: [.caseInsensitive], locale: nil)
      .precomposedStringWithCanonicalMapping
  }

  /// A tag is one word of letters, digits and `-_./+:`; no spaces, quotes or parentheses,
  /// so it can always be typed after `tag:` in a query.
  public static func isValid(_ spelling: String) -> Bool {
    !spelling.isEmpty && !spelling.hasPrefix("-")
      && spelling.unicodeScalars.allSatisfy {
        $0.properties.isAlphabetic || $0.properties.numericType != nil || "-_./+".unicodeScalars.contains($0)
      }
  }
}
