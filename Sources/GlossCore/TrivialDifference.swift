import Foundation

/// When two sources' values for a field differ only in ways nobody means (`56–66` and
/// `56-66`, a title with and without its final period, `The Lancet` and `Lancet`, runs of
/// white space, letter case), they agree. `show --sources` lists only real disagreement.
public enum TrivialDifference {
  public static func agree(_ a: JSONValue, _ b: JSONValue) -> Bool { normalised(a) == normalised(b) }

  public static func normalised(_ value: JSONValue) -> JSONValue {
    switch value {
    case .string(let text): .string(normalised(text))
    case .array(let items): .array(items.map(normalised))
    case .object(let members): .object(members.mapValues(normalised))
    default: value
    }
  }

  static let dashes: Set<Character> = [
    "\u{2010}", "\u{2011}", "\u{2012}", "\u{2013}", "\u{2014}", "\u{2015}", "\u{2212}",
  ]

  public static func normalised(_ text: String) -> String {
    var out = text.precomposedStringWithCompatibilityMapping.lowercased()
    out = String(out.map { dashes.contains($0) ? "-" : $0 })
    out = out.split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
    while let last = out.last, last == "." || last == " " { out.removeLast() }
    if out.hasPrefix("the ") { out.removeFirst(4) }
    return out
  }
}
