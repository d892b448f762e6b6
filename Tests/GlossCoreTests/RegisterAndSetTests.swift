import GlossCore
import PropertyBased
import Testing

/// A tiny simulation: replicas write a register, each write superseding what its replica
/// has seen. Delivering the writes in any causally valid order must give the same register.
struct RegisterSimulation {
  struct Write {
    let entry: RegisterEntry<Int>
    let supersedes: [Dot]
  }

  var writes: [Write] = []

  /// `script` is a list of (replica index 0...2, action): action 0...5 writes that value,
  /// 6 merges everything written so far into that replica's view.
  init(script: [(Int, Int)]) {
    var views = Array(repeating: MultiValueRegister<Int>(), count: 3)
    var counters = [UInt64](repeating: 0, count: 3)
    for (index, (replica, action)) in script.enumerated() {
      if action == 6 {
        for write in writes { views[replica].write(write.entry, superseding: write.supersedes) }
        continue
      }
      counters[replica] += 1
      let entry = RegisterEntry(
        dot: Dot(replica: replicas[replica], counter: counters[replica]),
        timestamp: HLCTimestamp(milliseconds: UInt64(index)), person: "p\(replica)", value: action)
      let write = Write(entry: entry, supersedes: views[replica].dots)
      views[replica].write(entry, superseding: write.supersedes)
      writes.append(write)
    }
  }

  /// Is `order` causally valid: each write after its replica's earlier writes and after what it supersedes?
  func isCausal(_ order: [Int]) -> Bool {
    var applied = Set<Dot>()
    for index in order {
      let write = writes[index]
      let previous = Dot(replica: write.entry.dot.replica, counter: write.entry.dot.counter - 1)
      if write.entry.dot.counter > 1, !applied.contains(previous) { return false }
      if !write.supersedes.allSatisfy(applied.contains) { return false }
      applied.insert(write.entry.dot)
    }
    return true
  }

  /// A random topological order: repeatedly pick any write whose dependencies are applied.
  func randomCausalOrder(using generator: inout some RandomNumberGenerator) -> [Int] {
    var remaining = Array(writes.indices)
    var order: [Int] = []
    while !remaining.isEmpty {
      let ready = remaining.filter { isCausal(order + [$0]) }
      let pick = ready.randomElement(using: &generator)!
      order.append(pick)
      remaining.removeAll { $0 == pick }
    }
    return order
  }

  func apply(_ order: [Int]) -> MultiValueRegister<Int> {
    var register = MultiValueRegister<Int>()
    for index in order { register.write(writes[index].entry, superseding: writes[index].supersedes) }
    return register
  }
}

@Suite struct RegisterAndSetTests {
  @Test func registerConvergesUnderEveryCausalOrder() async {
    await propertyCheck(
      count: 300, input: Gen.int(in: 0...2).array(of: 1...14), Gen.int(in: 0...6).array(of: 14),
      Gen.int(in: 0...1_000_000)
    ) {
      replicaPicks, actions, seed in
      let script = Array(zip(replicaPicks, actions))
      let simulation = RegisterSimulation(script: script)
      let reference = simulation.apply(Array(simulation.writes.indices))
      var generator = SplitMix64(seed: UInt64(seed))
      for _ in 0..<20 {
        let order = simulation.randomCausalOrder(using: &generator)
        #expect(simulation.isCausal(order))
        #expect(simulation.apply(order) == reference)
      }
    }
  }

  @Test func applyingAWriteTwiceChangesNothing() async {
    await propertyCheck(count: 200, input: Gen.int(in: 0...2).array(of: 1...10), Gen.int(in: 0...6).array(of: 10)) {
      replicaPicks, actions in
      let simulation = RegisterSimulation(script: Array(zip(replicaPicks, actions)))
      var register = simulation.apply(Array(simulation.writes.indices))
      let before = register
      if let last = simulation.writes.last { register.write(last.entry, superseding: last.supersedes) }
      #expect(register == before)
    }
  }

  @Test func concurrentWritesOfTheSameValueAreNotAConflict() {
    var register = MultiValueRegister<String>()
    let a = RegisterEntry(
      dot: Dot(replica: replicas[0], counter: 1), timestamp: HLCTimestamp(milliseconds: 5), person: "alice",
      value: "2017")
    let b = RegisterEntry(
      dot: Dot(replica: replicas[1], counter: 1), timestamp: HLCTimestamp(milliseconds: 9), person: "bob", value: "2017"
    )
    register.write(a, superseding: [])
    register.write(b, superseding: [])
    #expect(register.entries.count == 2)
    #expect(!register.isConflicted)
    let c = RegisterEntry(
      dot: Dot(replica: replicas[0], counter: 2), timestamp: HLCTimestamp(milliseconds: 6), person: "alice",
      value: "2016")
    register.write(c, superseding: [a.dot])
    #expect(register.isConflicted)
    #expect(register.winner == b, "the later hybrid logical clock wins reads")
    #expect(register.distinctValues.map(\.value) == ["2017", "2016"])
  }

  @Test func winnerTieBreaksOnReplica() {
    var register = MultiValueRegister<Int>()
    let stamp = HLCTimestamp(milliseconds: 1)
    register.write(
      RegisterEntry(dot: Dot(replica: replicas[2], counter: 1), timestamp: stamp, person: "c", value: 3),
      superseding: [])
    register.write(
      RegisterEntry(dot: Dot(replica: replicas[0], counter: 1), timestamp: stamp, person: "a", value: 1),
      superseding: [])
    #expect(register.winner?.value == 3)
  }

  @Test func observedRemoveSetIsAddWins() {
    var alice = ObservedRemoveSet<String>()
    let add1 = Dot(replica: replicas[0], counter: 1)
    alice.add("hcc", dot: add1)
    var bob = alice
    bob.remove("hcc", observed: bob.observedAdditions(of: "hcc"))
    let add2 = Dot(replica: replicas[0], counter: 2)
    alice.add("hcc", dot: add2)
    // Merge: apply bob's removal (which observed add1 only) to alice, and alice's add to bob.
    alice.remove("hcc", observed: [add1])
    bob.add("hcc", dot: add2)
    #expect(alice == bob)
    #expect(alice.contains("hcc"))
    #expect(alice.observedAdditions(of: "hcc") == [add2])
  }

  @Test func noteStateFromRegister() {
    var register = MultiValueRegister<NoteContent>()
    let create = RegisterEntry(
      dot: Dot(replica: replicas[0], counter: 1), timestamp: HLCTimestamp(milliseconds: 1), person: "alice",
      value: NoteContent.text("first"))
    register.write(create, superseding: [])
    #expect(NoteState(register) == .live)
    let edit = RegisterEntry(
      dot: Dot(replica: replicas[0], counter: 2), timestamp: HLCTimestamp(milliseconds: 2), person: "alice",
      value: NoteContent.text("second"))
    let delete = RegisterEntry(
      dot: Dot(replica: replicas[1], counter: 1), timestamp: HLCTimestamp(milliseconds: 3), person: "bob",
      value: NoteContent.deleted)
    register.write(edit, superseding: [create.dot])
    register.write(delete, superseding: [create.dot])
    #expect(NoteState(register) == .deletedConcurrently)
    #expect(NoteState.shownBody(register) == "second")
  }

  @Test func farFutureStatusDoesNotTakeOver() {
    var register = StatusHistory()
    let now = HLCTimestamp(milliseconds: 1_000_000)
    let laptop = RegisterEntry(
      dot: Dot(replica: replicas[0], counter: 1), timestamp: HLCTimestamp(milliseconds: 999_000), person: "alice",
      value: ReadingStatus.reading)
    let broken = RegisterEntry(
      dot: Dot(replica: replicas[1], counter: 1),
      timestamp: HLCTimestamp(milliseconds: 1_000_000 + HybridLogicalClock.defaultMaximumDrift + 1), person: "alice",
      value: ReadingStatus.read)
    register.write(laptop, superseding: [])
    register.write(broken, superseding: [laptop.dot])
    let effective = register.effective(now: now)
    #expect(effective.status == .reading, "what the future write replaced still shows")
    #expect(effective.future == [broken])
    #expect(register.supersededAt == [laptop.dot: broken.timestamp])
    #expect(register.effective(now: HLCTimestamp(milliseconds: 1_000_001)).status == .read)
  }
}

@Suite struct RecordGroupingTests {
  let ids = ["aaaaaaaaaaaa", "bbbbbbbbbbbb", "cccccccccccc"].map { RecordID($0)! }

  func entry(_ counter: UInt64, _ value: RecordLink) -> RegisterEntry<RecordLink> {
    RegisterEntry(
      dot: Dot(replica: ReplicaID(hex: String(repeating: "0", count: 31) + "1")!, counter: counter),
      timestamp: HLCTimestamp(milliseconds: counter), person: "alice", value: value)
  }

  @Test func aSharedIdentifierLinksOnlyWhileNoOneHasSpokenAboutThePair() {
    #expect(RecordGrouping.isLinked(MultiValueRegister(), sharingIdentifier: true))
    #expect(!RecordGrouping.isLinked(MultiValueRegister(), sharingIdentifier: false))
    let separate = MultiValueRegister(entries: [entry(1, .separate)])
    #expect(!RecordGrouping.isLinked(separate, sharingIdentifier: true))
    let merged = MultiValueRegister(entries: [entry(1, .merged(keep: ids[0]))])
    #expect(RecordGrouping.isLinked(merged, sharingIdentifier: false))
    let concurrent = MultiValueRegister(entries: [entry(1, .merged(keep: ids[0])), entry(2, .separate)])
    #expect(!RecordGrouping.isLinked(concurrent, sharingIdentifier: true), "apart wins over a concurrent merge")
  }

  @Test func theSurvivorIsTheKeptRecordElseTheSmallestID() {
    #expect(RecordGrouping.survivor(of: ids, absorbed: []) == ids[0])
    #expect(RecordGrouping.survivor(of: ids, absorbed: [ids[0]]) == ids[1])
    #expect(RecordGrouping.survivor(of: ids, absorbed: Set(ids)) == ids[0], "every member asked to give way")
    let component = RecordGrouping.component(of: 1) { node in node < 4 ? [node + 1] : [] }
    #expect(component == [1, 2, 3, 4])
  }
}
