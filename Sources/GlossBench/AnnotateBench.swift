import Foundation
import GRDB
import GlossCore
import GlossStore

/// `Scripts/bench annotate`: 100,000 mixed tag/note/status operations on the 100,000-record
/// store, in transactions of 1,000 as a busy session would make them, against plain
/// INSERTs of one row per operation (the floor for logging anything); then the median
/// latency of `list tag:X status:unread`.
struct AnnotateBench {
  let workspace: BenchWorkspace
  let count: Int
  let operations = 100_000

  func run() throws {
    let source = try workspace.store(count: count)
    let path = workspace.folder + "/annotate-\(count).sqlite"
    for suffix in ["", "-wal", "-shm"] where FileManager.default.fileExists(atPath: source + suffix) {
      workspace.remove(path + suffix)
      try FileManager.default.copyItem(atPath: source + suffix, toPath: path + suffix)
    }
    let store = try Store(path: path)
    let ids = try store.read { try $0.records(.all, limit: nil).records.map(\.id) }
    var random = SplitMix64(seed: 7)
    let tags = (0..<50).map { "topic-\($0)" }
    print("annotate: \(operations.grouped) mixed operations on \(ids.count.grouped) records")
    var done = 0
    let seconds = try Measure.time {
      while done < operations {
        try store.write { session in
          for _ in 0..<1_000 {
            let record = try session.reader.resolveRecord(ids[Int(random.next() % UInt64(ids.count))])
            switch random.next() % 10 {
            case 0...3: _ = try session.tag(record, [tags[Int(random.next() % UInt64(tags.count))]])
            case 4...5:
              _ = try session.addNote(
                record, text: "Worth comparing with the RESORCE trial: dose \(random.next() % 800) mg.", quote: nil)
            default: _ = try session.setStatus(record, ReadingStatus.allCases[Int(random.next() % 5)])
            }
          }
        }
        done += 1_000
      }
    }
    let floor = try floorSeconds()
    print("  gloss: \(Int(Double(operations) / seconds).grouped) operations/s (\(seconds.formatted(2)) s)")
    print("  plain INSERT of one row per operation: \(Int(Double(operations) / floor).grouped) rows/s")
    print("  ratio gloss/plain: \((floor / seconds).formatted(2))")

    let compiler = QueryCompiler(person: store.local.person)
    var times: [Double] = []
    var unlimited: [Double] = []
    var shown = 0
    for tag in tags.prefix(10) {
      let compiled = try compiler.compile("tag:\(tag) status:unread", ranked: false)
      times.append(try Measure.time { try store.read { shown = try $0.records(compiled, limit: 50).records.count } })
      unlimited.append(try Measure.time { try store.read { _ = try $0.records(compiled, limit: nil) } })
    }
    print(
      "  list tag:X status:unread, first 50: median \((Measure.median(times) * 1000).formatted(2)) ms (target ≤ 10 ms; \(shown) shown)"
    )
    print("  list tag:X status:unread, every match: median \((Measure.median(unlimited) * 1000).formatted(2)) ms")
    workspace.remove(path)
  }

  /// The same number of rows, each a payload of similar size, inserted in the same batches.
  private func floorSeconds() throws -> Double {
    let path = workspace.folder + "/floor.sqlite"
    workspace.remove(path)
    var configuration = Configuration()
    configuration.journalMode = .wal
    let queue = try DatabaseQueue(path: path, configuration: configuration)
    try queue.write {
      try $0.execute(sql: "CREATE TABLE t (id INTEGER PRIMARY KEY, kind TEXT, target TEXT, payload TEXT)")
    }
    let seconds = try Measure.time {
      for batch in 0..<(operations / 1_000) {
        try queue.write { db in
          let statement = try db.cachedStatement(sql: "INSERT INTO t (kind, target, payload) VALUES (?, ?, ?)")
          for index in 0..<1_000 {
            try statement.execute(arguments: ["tag.add", "record\(batch)", "{\"tag\":\"topic-\(index % 50)\"}"])
          }
        }
      }
    }
    workspace.remove(path)
    return seconds
  }
}
