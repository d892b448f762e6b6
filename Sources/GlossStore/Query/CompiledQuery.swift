/// A query turned into SQL fragments over `record`, with every value as an argument.
public struct CompiledQuery: Sendable {
  public var join: String?
  public var conditions: String
  public var arguments: [String]
  public var order: String?
  /// The join can yield a record more than once (a record matching through two notes).
  public var distinct: Bool

  public init(join: String? = nil, conditions: String = "", arguments: [String] = [], order: String? = nil, distinct: Bool = false) {
    self.join = join
    self.conditions = conditions
    self.arguments = arguments
    self.order = order
    self.distinct = distinct
  }

  public static let all = CompiledQuery()
}
