import GlossCore

/// The log rows of the operations one write session applied, by dot: a status, an untag or
/// an edit names what it supersedes by dot, usually something applied in the same
/// session, and a lookup in the log's index for each was one statement more per operation.
///
/// Kept as runs, not one entry per operation. A session applies each replica's operations
/// in counter order (causal delivery) and the log gives rows in increasing order, so a
/// bundle's range of one replica becomes one run of consecutive counters at consecutive
/// rows: a million operations in one range cost one run. Interleaved replicas start a new
/// run at each switch. Past `limit` runs they are forgotten, so memory stays bounded;
/// a forgotten dot is looked up in the log instead.
struct SessionLogRows {
  private struct Run {
    let counter: UInt64
    let seq: Int64
    var count: UInt64
  }

  private var runs: [ReplicaID: [Run]] = [:]
  private var total = 0
  private static let limit = 100_000

  /// Notes that `dot`, the next operation of its replica in this session, went to `seq`.
  mutating func record(_ dot: Dot, seq: Int64) {
    // Found once by its hash, then by position: this runs for every applied operation.
    if let replica = runs.index(forKey: dot.replica), let last = runs.values[replica].last,
      last.counter + last.count == dot.counter, last.seq + Int64(last.count) == seq
    {
      runs.values[replica][runs.values[replica].count - 1].count += 1
      return
    }
    if total >= Self.limit {
      runs.removeAll(keepingCapacity: true)
      total = 0
    }
    runs[dot.replica, default: []].append(Run(counter: dot.counter, seq: seq, count: 1))
    total += 1
  }

  /// The row of `dot` if this session applied it and still remembers where.
  func seq(of dot: Dot) -> Int64? {
    guard let list = runs[dot.replica] else { return nil }
    // The last run starting at or before the counter: runs of a replica are in counter order.
    var low = 0
    var high = list.count
    while low < high {
      let middle = (low + high) / 2
      if list[middle].counter <= dot.counter { low = middle + 1 } else { high = middle }
    }
    guard low > 0 else { return nil }
    let run = list[low - 1]
    guard dot.counter < run.counter + run.count else { return nil }
    return run.seq + Int64(dot.counter - run.counter)
  }
}
