import GlossCore
import Testing

@testable import GlossStore

/// `SessionLogRows` keeps runs instead of one entry per operation: it must answer exactly
/// as a table of every (dot, row) would, for any interleaving of replicas, and answer
/// nothing rather than something wrong for what it never saw.
@Suite struct SessionLogRowsTests {
  @Test(arguments: 0..<20)
  func answersAsATableOfEveryOperationWould(seed: Int) {
    var random = SplitMix64(seed: UInt64(seed))
    let replicas = (0..<4).map { ReplicaID(high: 0, low: UInt64($0 + 1) * 0x1000) }
    var counters = [UInt64](repeating: 0, count: replicas.count)
    // Each replica's first counter in the session may follow operations applied before it.
    for index in counters.indices { counters[index] = random.next() % 50 }
    var rows = SessionLogRows()
    var table: [Dot: Int64] = [:]
    var seq = Int64(random.next() % 1_000)
    for _ in 0..<3_000 {
      // Mostly runs of one replica (a bundle's ranges), sometimes a switch, sometimes a
      // gap in the rows (a pending operation parked, a local write between).
      let index = random.next() % 4 == 0 ? Int(random.next() % UInt64(replicas.count)) : seed % replicas.count
      counters[index] += 1
      seq += random.next() % 10 == 0 ? 2 : 1
      let dot = Dot(replica: replicas[index], counter: counters[index])
      rows.record(dot, seq: seq)
      table[dot] = seq
    }
    for (dot, seq) in table { #expect(rows.seq(of: dot) == seq, "\(dot)") }
    for (index, replica) in replicas.enumerated() {
      #expect(rows.seq(of: Dot(replica: replica, counter: counters[index] + 1)) == nil, "not applied yet")
      if let first = table.keys.filter({ $0.replica == replica }).map(\.counter).min() {
        #expect(rows.seq(of: Dot(replica: replica, counter: first - 1)) == nil, "applied before the session")
      }
    }
    #expect(rows.seq(of: Dot(replica: ReplicaID(high: 9, low: 9), counter: 1)) == nil, "another replica")
  }

  @Test func aMillionOperationsInOneRangeAreOneRun() {
    var rows = SessionLogRows()
    let replica = ReplicaID(high: 1, low: 2)
    for counter in 1...1_000_000 {
      rows.record(Dot(replica: replica, counter: UInt64(counter)), seq: Int64(counter) + 7)
    }
    #expect(rows.seq(of: Dot(replica: replica, counter: 1)) == 8)
    #expect(rows.seq(of: Dot(replica: replica, counter: 654_321)) == 654_328)
    #expect(rows.seq(of: Dot(replica: replica, counter: 1_000_001)) == nil)
  }

  @Test func pastItsLimitItForgetsButNeverAnswersWrong() {
    var rows = SessionLogRows()
    let replicas = [ReplicaID(high: 1, low: 1), ReplicaID(high: 2, low: 2)]
    // Alternating replicas: one run per operation.
    for step in 0..<250_000 {
      rows.record(Dot(replica: replicas[step % 2], counter: UInt64(step / 2 + 1)), seq: Int64(step + 1))
    }
    var remembered = 0
    for step in 0..<250_000 {
      guard let seq = rows.seq(of: Dot(replica: replicas[step % 2], counter: UInt64(step / 2 + 1))) else { continue }
      #expect(seq == Int64(step + 1))
      remembered += 1
    }
    #expect(remembered > 0 && remembered <= 100_000)
  }
}
