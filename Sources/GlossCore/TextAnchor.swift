/// Where a highlight sits: a W3C Web Annotation TextQuoteSelector (exact, prefix, suffix)
/// plus a position (field, abstract section, start and end in Unicode code points).
///
/// The quote is authoritative; the position is a hint that is cheap to check, so an anchor
/// survives a field edit that moves the text as long as the quote is still there.
public struct TextAnchor: Hashable, Sendable {
  /// "title" or "abstract".
  public var field: String
  /// Index of the abstract section; nil for the title.
  public var section: Int?
  public var exact: String
  public var prefix: String
  public var suffix: String
  public var start: Int
  public var end: Int

  public static let contextLength = 32

  public init(field: String, section: Int?, exact: String, prefix: String, suffix: String, start: Int, end: Int) {
    self.field = field
    self.section = section
    self.exact = exact
    self.prefix = prefix
    self.suffix = suffix
    self.start = start
    self.end = end
  }

  /// Finds the first occurrence of `exact` in the title, then in each abstract section.
  public static func locate(_ exact: String, in publication: Publication) -> TextAnchor? {
    guard !exact.isEmpty else { return nil }
    let places: [(String, Int?, String)] =
      [("title", nil, publication.title)]
      + publication.abstract.enumerated().map { ("abstract", $0.offset, $0.element.text) }
    for (field, section, text) in places {
      let scalars = Array(text.unicodeScalars)
      let needle = Array(exact.unicodeScalars)
      guard needle.count <= scalars.count else { continue }
      for start in 0...(scalars.count - needle.count) where scalars[start..<start + needle.count].elementsEqual(needle)
      {
        let end = start + needle.count
        let prefix = String(String.UnicodeScalarView(scalars[max(0, start - contextLength)..<start]))
        let suffix = String(String.UnicodeScalarView(scalars[end..<min(scalars.count, end + contextLength)]))
        return TextAnchor(
          field: field, section: section, exact: exact, prefix: prefix, suffix: suffix, start: start, end: end)
      }
    }
    return nil
  }

  public var json: JSONValue {
    .object([
      "type": .string("TextQuoteSelector"), "field": .string(field),
      "section": section.map { .int(Int64($0)) } ?? .null,
      "exact": .string(exact), "prefix": .string(prefix), "suffix": .string(suffix),
      "start": .int(Int64(start)), "end": .int(Int64(end)),
    ])
  }

  public init?(json: JSONValue) {
    guard let field = json["field"]?.stringValue, let exact = json["exact"]?.stringValue,
      let prefix = json["prefix"]?.stringValue, let suffix = json["suffix"]?.stringValue,
      let start = json["start"]?.intValue, let end = json["end"]?.intValue
    else { return nil }
    self.init(
      field: field, section: json["section"]?.intValue.map(Int.init), exact: exact, prefix: prefix, suffix: suffix,
      start: Int(start), end: Int(end))
  }
}
