import GRDB
import GlossCore

/// Two records that are likely one paper, and why: what `gloss duplicates` lists.
public struct LikelyDuplicate: Sendable, Equatable {
  public let first: RecordView
  public let second: RecordView
  /// How alike the normalised titles are, 0…1 (1 − edit distance / longer length).
  public let titleSimilarity: Double
  /// A first-author-or-later surname both records share.
  public let sharedSurname: String

  public var reason: String {
    let years = [first.publication.year, second.publication.year].map { $0.map(String.init) ?? "no year" }
    let title = titleSimilarity >= 1 ? "same title" : "titles \(Int((titleSimilarity * 100).rounded(.down)))% alike"
    return
      "\(title); \(years[0] == years[1] ? "both \(years[0])" : "\(years[0]) and \(years[1])"); both by \(sharedSurname)"
  }
}

extension StoreReader {
  /// Titles at least this alike (after normalisation) may be one paper.
  public static let duplicateTitleSimilarity = 0.9

  /// Pairs of records that no identifier tells apart and that look like one paper, by
  /// Zotero's rule: normalised titles (nearly) equal, years at most one apart, and an
  /// author surname in common. Records with different DOIs or different PMIDs are
  /// different papers, whatever their titles. Titles are compared within buckets of the
  /// same first normalised word, so the work stays near linear in the store's size.
  public func likelyDuplicates() throws -> [LikelyDuplicate] {
    // Records already one (`RecordGroups`) are listed as their group's survivor alone.
    let records = try Row.fetchAll(
      db, sql: "SELECT \(Self.recordColumns) FROM record WHERE merged_into IS NULL ORDER BY id"
    ).map(Self.view)
    struct Candidate {
      let record: RecordView
      let title: [Character]
      let surnames: Set<String>
    }
    var buckets: [String: [Candidate]] = [:]
    for record in records {
      let title = RecordID.normalise(record.publication.title)
      guard title.count >= 8 else { continue }
      let surnames = Set(record.publication.authors.map { RecordID.normalise(RecordID.surname(of: $0)) })
      guard !surnames.isEmpty else { continue }
      let firstWord = String(title.prefix { $0 != " " })
      buckets[firstWord, default: []].append(Candidate(record: record, title: Array(title), surnames: surnames))
    }
    var pairs: [LikelyDuplicate] = []
    for bucket in buckets.values where bucket.count > 1 {
      for (index, a) in bucket.enumerated() {
        for b in bucket[(index + 1)...] {
          let p = a.record.publication
          let q = b.record.publication
          if !p.doi.isEmpty, !q.doi.isEmpty, p.doi != q.doi { continue }
          if try RecordGroups(db: db).link(a.record.num, b.record.num).register.entries.contains(where: {
            $0.value == .separate
          }) {
            // Someone said these are different papers.
            continue
          }
          if !p.pmid.isEmpty, !q.pmid.isEmpty, p.pmid != q.pmid { continue }
          if let x = p.year, let y = q.year, abs(x - y) > 1 { continue }
          guard let shared = a.surnames.intersection(b.surnames).sorted().first else { continue }
          let longer = max(a.title.count, b.title.count)
          guard abs(a.title.count - b.title.count) <= longer / 10 else { continue }
          let similarity = 1 - Double(Suggestion.distance(a.title, b.title)) / Double(longer)
          guard similarity >= Self.duplicateTitleSimilarity else { continue }
          let surname =
            (p.authors + q.authors).map { RecordID.surname(of: $0) }.first {
              RecordID.normalise($0) == shared
            } ?? shared
          pairs.append(
            LikelyDuplicate(first: a.record, second: b.record, titleSimilarity: similarity, sharedSurname: surname))
        }
      }
    }
    return pairs.sorted { ($0.first.id, $0.second.id) < ($1.first.id, $1.second.id) }
  }
}
