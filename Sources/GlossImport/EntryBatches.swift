/// A file's entries in file order, converted to publications on demand, a range at a time.
///
/// Reading a BibTeX library is two steps: finding the entries (fast) and turning each into
/// a publication (LaTeX, names, dates: most of the work). Kept apart, the second can run on
/// another core while the store writes the entries converted before, instead of before the
/// store starts. Conversion is pure: any range may be converted on any thread.
public struct EntryBatches: Sendable {
  public let count: Int
  private let convert: @Sendable (Range<Int>) -> [ListingEntry]

  init(count: Int, convert: @escaping @Sendable (Range<Int>) -> [ListingEntry]) {
    self.count = count
    self.convert = convert
  }

  /// Entries already converted.
  public init(_ entries: [ListingEntry]) {
    self.init(count: entries.count) { range in Array(entries[range]) }
  }

  public func entries(_ range: Range<Int>) -> [ListingEntry] { convert(range) }

  public var all: [ListingEntry] { convert(0..<count) }
}
