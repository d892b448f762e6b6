/// Where one person stands with one paper. Every record starts `unread` for everyone.
public enum ReadingStatus: String, CaseIterable, Sendable, Comparable {
  case unread
  case toRead = "to-read"
  case reading, skimmed, read

  public static func < (lhs: ReadingStatus, rhs: ReadingStatus) -> Bool {
    allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
  }

  /// "is reading", "has read": for sentences like "carol is reading".
  public var phrase: String {
    switch self {
    case .unread: "has not read it"
    case .toRead: "wants to read it"
    case .reading: "is reading"
    case .skimmed: "skimmed it"
    case .read: "read it"
    }
  }

  /// The same for several people: "bob and carol want to read it".
  public var pluralPhrase: String {
    switch self {
    case .unread: "have not read it"
    case .toRead: "want to read it"
    case .reading: "are reading"
    case .skimmed: "skimmed it"
    case .read: "read it"
    }
  }
}
