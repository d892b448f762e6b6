/// One of a store's own segment files in a shared folder, as its name and size say.
public struct OwnSegment: Sendable, Equatable {
  public let name: String
  public let from: UInt64
  public let to: UInt64
  public let bytes: Int

  public init(name: String, from: UInt64, to: UInt64, bytes: Int) {
    self.name = name
    self.from = from
    self.to = to
    self.bytes = bytes
  }
}

/// Decides what a store writes to a shared folder and which of its own files it removes
/// (BUNDLE.md §6.3). Pure: the caller lists, writes and unlinks.
///
/// Rules, and why:
/// - Nothing new to publish, nothing written: an idle store never touches the folder (a
///   sync tool would move every rewritten byte to every peer).
/// - The new operations go in one new segment, unless the newest segments are small
///   beside it: then they and the new operations go in one merged segment, and the small
///   ones are removed. A segment is merged while it is at most twice the size of what
///   comes after it, so each is more than twice the size of all newer ones together:
///   a history of N bytes lies in about log₂(N / 1 KB) files, an operation is rewritten
///   about log₂ times over its life, and a store's per-file overhead (≈ 0.9 KB of keys,
///   hashes and signatures) stays a small part of its history.
/// - A file is removed only after the file that holds its operations has been written,
///   so a reader listing the folder mid-way sees each operation at least once; one that
///   sees it twice finds it already known.
public enum SegmentCompaction {
  public struct Plan: Sendable, Equatable {
    /// The segment to write, if any.
    public var write: (from: UInt64, to: UInt64)?
    /// Own files to remove once it is written.
    public var remove: [String]

    /// Writes and removes nothing.
    public static let none = Plan(write: nil, remove: [])

    public static func == (a: Plan, b: Plan) -> Bool {
      a.write?.from == b.write?.from && a.write?.to == b.write?.to && a.remove == b.remove
    }
  }

  /// `segments`: the store's own files found in the folder (their operations verified as
  /// its own); `counter`: its own latest operation; `size`: the bytes of a segment of
  /// those operations, were it written.
  public static func plan(
    _ segments: [OwnSegment], counter: UInt64, size: (UInt64, UInt64) throws -> Int
  ) rethrows -> Plan {
    let sorted = segments.sorted { ($0.from, $1.to, $0.name) < ($1.from, $0.to, $1.name) }
    // The files that publish 1…published without a gap, each adding to the one before.
    var chain: [OwnSegment] = []
    var published: UInt64 = 0
    var redundant: [OwnSegment] = []
    for segment in sorted {
      if segment.to <= published {
        redundant.append(segment)
      } else if segment.from <= published + 1 {
        chain.append(segment)
        published = segment.to
      }
    }
    guard counter > published else { return .none }
    var from = published + 1
    var bytes = try size(from, counter)
    var merged = chain.count
    while merged > 0, chain[merged - 1].bytes <= 2 * bytes {
      merged -= 1
      bytes += chain[merged].bytes
      from = chain[merged].from
    }
    // Files past a gap (one was deleted) that the new segment covers go too.
    let covered = sorted.filter { segment in
      segment.from >= from && segment.to <= counter && !chain.prefix(merged).contains(segment)
    }
    let remove = Set((chain[merged...] + covered + redundant).map(\.name))
    return Plan(write: (from, counter), remove: remove.sorted())
  }
}
