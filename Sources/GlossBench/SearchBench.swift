import Foundation
import GRDB
import GlossStore

/// `Scripts/bench search`: the median latency of 20 varied searches, as `gloss search`
/// runs them (compile, fetch the first 50 ranked and whether more match), against the bare FTS5
/// query on a plain connection to the same file.
struct SearchBench {
  let workspace: BenchWorkspace
  let count: Int

  static let queries = [
    "sorafenib", "hepatocellular", "carcinoma", "survival", "treatment", "patients", "response", "kinase",
    "regorafenib", "psoriasis", "thalidomide", "lenalidomide", "\"overall survival\"", "\"phase 3\"", "hepat*",
    "apopto*", "sorafenib resistance", "liver cancer", "author:Bruix", "journal:Lancet tumor",
  ]

  func run() throws {
    let path = try workspace.store(count: count)
    let store = try Store(path: path)
    // The baseline: the bare FTS5 query on a plain connection of its own.
    let bare = try DatabaseQueue(path: path)
    let compiler = QueryCompiler(person: store.local.person)
    var glossTimes: [Double] = []
    var rawTimes: [Double] = []
    print("search: \(Self.queries.count) queries over \(count.grouped) records, median of 7 runs each")
    for query in Self.queries {
      var perQuery: [Double] = []
      var perRaw: [Double] = []
      var found = 0
      for _ in 0..<7 {
        perQuery.append(
          try Measure.time {
            let compiled = try compiler.compile(query, ranked: true)
            try store.boundedRead { reader in found = try reader.records(compiled, limit: 50).records.count }
          })
        if !query.contains(":") {
          let match = try compiler.compile(query, ranked: true).rankedMatch ?? query
          perRaw.append(
            try Measure.time {
              _ = try bare.read { db in
                try Int64.fetchAll(
                  db, sql: "SELECT rowid FROM record_fts WHERE record_fts MATCH ? ORDER BY rank LIMIT 50",
                  arguments: [match])
              }
            })
        }
      }
      glossTimes.append(Measure.median(perQuery))
      if !perRaw.isEmpty { rawTimes.append(Measure.median(perRaw)) }
      print(
        "  \(query.padding(toLength: 24, withPad: " ", startingAt: 0)) \((Measure.median(perQuery) * 1000).formatted(2)) ms  (\(found) shown)"
      )
    }
    let median = Measure.median(glossTimes) * 1000
    print(
      "  gloss search median: \(median.formatted(2)) ms, p90 \((Measure.percentile(glossTimes, 0.9) * 1000).formatted(2)) ms (target ≤ 5 ms)"
    )
    print("  bare FTS5 MATCH … ORDER BY rank LIMIT 50 median: \((Measure.median(rawTimes) * 1000).formatted(2)) ms")
    print("  ratio gloss/bare FTS5: \((Measure.median(glossTimes) / Measure.median(rawTimes)).formatted(2))")
  }
}
