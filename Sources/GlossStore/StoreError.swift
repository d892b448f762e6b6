/// A store problem a person can act on. The message says what is wrong and what to do.
public struct StoreError: Error, Equatable, CustomStringConvertible {
  public let message: String
  public init(_ message: String) { self.message = message }
  public var description: String { message }
}
