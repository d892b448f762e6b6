/// A query turned into SQL over `record`, with every value as an argument: a WHERE clause,
/// or, for words alone, the FTS5 query to rank by relevance.
public struct CompiledQuery: Sendable {
  public var conditions: String
  public var arguments: [String]
  /// Set for a query of words alone: the FTS5 query to rank by relevance.
  public var rankedMatch: String?

  public init(conditions: String = "", arguments: [String] = [], rankedMatch: String? = nil) {
    self.conditions = conditions
    self.arguments = arguments
    self.rankedMatch = rankedMatch
  }

  public static let all = CompiledQuery()
}
