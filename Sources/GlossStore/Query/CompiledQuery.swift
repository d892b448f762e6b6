/// A query turned into SQL over `record`, with every value as an argument: a WHERE clause,
/// or, for words alone, the FTS5 query to rank by relevance.
public struct CompiledQuery: Sendable {
  public var conditions: String
  public var arguments: [String]
  /// Set for a query of words alone: the FTS5 query to rank by relevance.
  public var rankedMatch: String?
  /// Tags and persons the query asks for, checked against the store before it runs: a
  /// tag nobody uses or a person nobody knows is a typo, not an empty result.
  public var references: [Reference] = []
  /// The query as typed, for errors that point at a column.
  public var source = ""

  public struct Reference: Sendable, Equatable {
    public enum Kind: Sendable { case tag, person }
    public let kind: Kind
    public let value: String
    public let column: Int
  }

  public init(conditions: String = "", arguments: [String] = [], rankedMatch: String? = nil) {
    self.conditions = conditions
    self.arguments = arguments
    self.rankedMatch = rankedMatch
  }

  public static let all = CompiledQuery()
}
