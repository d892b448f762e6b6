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

  public var description: String {
    "\(message) at column \(column)\n  \(query)\n  \(String(repeating: " ", count: max(0, column - 1)))^"
  }
}
