/// A parsed search query. See the README's "Query language".
public indirect enum QueryExpression: Equatable, Sendable {
  /// Full-text terms: words and "phrases", all of which must match.
  case text([TextTerm])
  case field(name: String, value: String, column: Int)
  case not(QueryExpression)
  case and([QueryExpression])
  case or([QueryExpression])

  public enum TextTerm: Equatable, Sendable {
    case word(String, prefix: Bool)
    case phrase(String)
  }
}

/// A query that cannot be parsed: the message and the 1-based column it points at.
public struct QuerySyntaxError: Error, Equatable, CustomStringConvertible {
  public let column: Int
  public let message: String
  public let query: String

  /// The message, then the query with a caret under the column. A long query is shown
  /// as a window of `shownWidth` characters around the column, and control characters as
  /// spaces, so the caret stays under the right character on one line.
  public var description: String {
    let characters = Array(query).map {
      $0.isNewline || $0 == "\t" || $0.asciiValue.map { $0 < 0x20 } == true ? " " : $0
    }
    let at = min(max(0, column - 1), characters.count)
    let start = max(0, min(at - Self.shownWidth / 2, characters.count - Self.shownWidth))
    let end = min(characters.count, start + Self.shownWidth)
    let prefix = start > 0 ? "…" : ""
    let suffix = end < characters.count ? "…" : ""
    let shown = prefix + String(characters[start..<end]) + suffix
    return "\(message) at column \(column)\n  \(shown)\n  \(String(repeating: " ", count: at - start + prefix.count))^"
  }

  static let shownWidth = 72
}
