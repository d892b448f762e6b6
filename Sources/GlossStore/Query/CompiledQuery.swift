/// A query turned into SQL fragments over `record`, with every value as an argument.
public struct CompiledQuery: Sendable {
  public var join: String?
  public var conditions: String
  public var arguments: [String]
  public var order: String?
  /// Set for a query of words alone: the FTS5 query to rank by relevance.
  public var rankedMatch: String?

  public init(
    join: String? = nil, conditions: String = "", arguments: [String] = [], order: String? = nil,
    rankedMatch: String? = nil
  ) {
    self.join = join
    self.conditions = conditions
    self.arguments = arguments
    self.order = order
    self.rankedMatch = rankedMatch
  }

  public static let all = CompiledQuery()
}
