import GlossCore

/// What a file in a shared folder is, by its name (BUNDLE.md §6). Each replica publishes
/// only its own operations, in immutable files whose names say what they hold, so that a
/// reader can tell from a directory listing alone which files it already has and skip
/// them unread, and a writer never rewrites a file another machine may be copying.
///
/// A name is only a claim: whatever a file turns out to hold, it is verified in full
/// before anything in it is used. A false name can only make a reader skip a file whose
/// operations it already has, or read one it did not need to.
public enum FolderFile: Equatable, Sendable {
  /// `REPLICA.FROM-TO.HEAD.gloss`: the replica's operations FROM…TO, signed by it; HEAD is
  /// the first 16 hex digits of its chain hash at TO, so that two stores writing as the same
  /// replica (a copied store) never write the same name for different operations.
  case segment(replica: ReplicaID, from: UInt64, to: UInt64, head: String)
  /// `REPLICA.keys-N.gloss`: no operations, the N introductions (§8) the replica publishes:
  /// those it signed, and the one its old key signed for it if it is a copied store.
  case introductions(replica: ReplicaID, count: Int)
  /// Any other `*.gloss` name not starting with `.`: a bundle read as a whole each time
  /// (`REPLICA.gloss`, the whole history earlier versions of `sync dir` rewrote, or a file
  /// someone dropped there).
  case whole

  /// The kind of file `name` is, or nil when it is not a bundle name at all (no `.gloss`
  /// suffix, hidden, or a sync tool's temporary file).
  public init?(name: String) {
    guard name.hasSuffix(".gloss"), !name.hasPrefix("."), !name.hasPrefix("~") else { return nil }
    let parts = name.dropLast(".gloss".count).split(separator: ".", omittingEmptySubsequences: false)
    guard let first = parts.first, let replica = ReplicaID(hex: String(first)), String(first) == replica.hex
    else {
      self = .whole
      return
    }
    if parts.count == 3, let (from, to) = Self.range(parts[1]), Self.isHead(parts[2]) {
      self = .segment(replica: replica, from: from, to: to, head: String(parts[2]))
    } else if parts.count == 2, parts[1].hasPrefix("keys-"), let count = Self.number(parts[1].dropFirst(5)),
      count > 0, count <= UInt64(BundleLimits.maximumIntroductions)
    {
      self = .introductions(replica: replica, count: Int(count))
    } else {
      self = .whole
    }
  }

  public var name: String {
    switch self {
    case .segment(let replica, let from, let to, let head): "\(replica.hex).\(from)-\(to).\(head).gloss"
    case .introductions(let replica, let count): "\(replica.hex).keys-\(count).gloss"
    case .whole: ""
    }
  }

  /// The head part of a segment's name: the first 16 hex digits of a chain hash.
  public static func head(_ chain: [UInt8]) -> String { String(Hex.encode(chain).prefix(16)) }

  /// The replica whose own file this is, if it names one.
  public var replica: ReplicaID? {
    switch self {
    case .segment(let replica, _, _, _), .introductions(let replica, _): replica
    case .whole: nil
    }
  }

  /// `FROM-TO` with 1 ≤ FROM ≤ TO, decimal without leading zeros.
  static func range(_ text: Substring) -> (UInt64, UInt64)? {
    let bounds = text.split(separator: "-", omittingEmptySubsequences: false)
    guard bounds.count == 2, let from = number(bounds[0]), let to = number(bounds[1]), from >= 1, from <= to else {
      return nil
    }
    return (from, to)
  }

  static func number(_ text: Substring) -> UInt64? {
    guard !text.isEmpty, text.count <= 19, text.allSatisfy({ $0.isASCII && $0.isNumber }),
      text == "0" || !text.hasPrefix("0")
    else { return nil }
    return UInt64(text)
  }

  static func isHead(_ text: Substring) -> Bool {
    text.utf8.count == 16 && text.utf8.allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }
  }
}
