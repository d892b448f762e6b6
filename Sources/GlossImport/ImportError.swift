/// Why a file cannot be imported: which file, where, what is wrong and what to do.
///
/// An import that throws this writes nothing: the store rolls the transaction back.
public struct ImportError: Error, Equatable, CustomStringConvertible {
  public let file: String
  /// 1-based line, when the problem has one.
  public let line: Int?
  /// Byte offset from the start of the file, for binary problems that have no line.
  public let offset: Int?
  public let problem: String
  public let remedy: String

  public init(file: String, line: Int? = nil, offset: Int? = nil, problem: String, remedy: String) {
    self.file = file
    self.line = line
    self.offset = offset
    self.problem = problem
    self.remedy = remedy
  }

  public var description: String {
    var place = file
    if let line { place += ":\(line)" } else if let offset { place += " (byte \(offset))" }
    return "\(place): \(problem); \(remedy)"
  }
}
