import Foundation
import GlossCore

/// A person's name in the one form every Gloss record uses, PubMed's: the family name (with
/// any particle and suffix) then the initials, `Bruix J`, `van der Berg JP`, `Lamarca A`.
/// The record id and the citekey take the family name from it, so the same author from
/// BibTeX, RIS, MEDLINE or CSL-JSON yields the same record.
public enum PersonName {
  /// `Bruix J` from a family name and given names (`Jordi`, `J.-P.`, `Jean Paul`).
  public static func make(family: String, given: String) -> String {
    let family = collapsingWhitespace(family)
    let initials = Self.initials(of: given)
    if family.isEmpty { return initials.isEmpty ? "" : collapsingWhitespace(given) }
    return initials.isEmpty ? family : family + " " + initials
  }

  /// `JP` from `Jean Paul`, `Jean-Paul`, `J.-P.` or `J. P.`; letters stay as typed in case.
  public static func initials(of given: String) -> String {
    // Already initials, as Web of Science and PubMed write them: `PS`, `JA`.
    if given.count <= 3, given.allSatisfy({ $0.isUppercase }) { return given }
    var out = ""
    var atWordStart = true
    for character in given {
      if character.isLetter {
        if atWordStart { out += character.uppercased() }
        atWordStart = false
      } else {
        atWordStart = character == " " || character == "-" || character == "." || character == "~"
      }
    }
    return out
  }

  /// A name written one way or another: `Last, First`, `Last, Jr, First`, or `First Last`
  /// (then the family name is the last word, with any lowercase particle before it:
  /// `Ludwig van Beethoven` → `van Beethoven L`).
  public static func parse(_ text: String) -> String {
    let parts = text.split(separator: ",", omittingEmptySubsequences: false).map {
      $0.trimmingWhitespace
    }
    switch parts.count {
    case 1:
      let words = parts[0].split(whereSeparator: { $0 == " " || $0 == "~" }).map(String.init)
      guard words.count > 1 else { return collapsingWhitespace(parts[0]) }
      // PubMed's own form already: `Bruix J`.
      if let last = words.last, last.count <= 3, last.allSatisfy({ $0.isUppercase }) {
        return words.joined(separator: " ")
      }
      var familyStart = words.count - 1
      while familyStart > 1, let first = words[familyStart - 1].first, first.isLowercase { familyStart -= 1 }
      return make(
        family: words[familyStart...].joined(separator: " "), given: words[..<familyStart].joined(separator: " "))
    case 2: return make(family: parts[0], given: parts[1])
    default: return make(family: parts[0] + " " + parts[1], given: parts[2...].joined(separator: " "))
    }
  }

}
