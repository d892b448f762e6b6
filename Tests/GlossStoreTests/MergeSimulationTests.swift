import Foundation
import GlossCore
import GlossStore
import PropertyBased
import Testing

/// Several replicas make random operations and exchange them on random schedules; then
/// everyone exchanges everything. Every replica must end with a byte-identical dump, and
/// fresh stores fed the same operations in other causally valid orders, a few at a time,
/// must reach the same dump, whichever layer their entries are in (`RecentEntries`).
struct Simulation {
  var random: SplitMix64
  let clock = TestClock()
  var replicas: [Replica] = []
  var notes: [String] = []
  /// When set, replicas exchange bundle files through this instead of handing over operations.
  var bundleExchange: ((inout Simulation, Replica) throws -> Void)?
  let tagSpellings = ["HCC", "hcc", "liver", "Review", "review", "to-cite"]
  let texts = ["good point", "check the dose", "contradicts Bruix", "see figure 2", "μ and β matter"]

  /// `people`: each replica's person; by default two of five replicas share one (a
  /// researcher's laptop and desktop).
  init(seed: UInt64, replicaCount: Int, people: [String] = ["alice", "bob", "carol", "alice", "dave"]) throws {
    random = SplitMix64(seed: seed)
    for index in 0..<replicaCount { replicas.append(try Replica(person: people[index], clock: clock)) }
    try replicas[0].importPublications(Samples.publications)
    if replicaCount > 2 { try replicas[2].importPublications(Array(Samples.publications.prefix(2))) }
  }

  mutating func pick<T>(_ items: [T]) -> T { items[Int(random.next() % UInt64(items.count))] }

  mutating func step() throws { try step(pick(replicas)) }

  /// One random action of `replica`: an edit, or (one time in four) an exchange.
  mutating func step(_ replica: Replica) throws {
    clock.advance(Int64(random.next() % 50) - 10)
    let recordIDs = try replica.store.read { reader in try reader.records(.all, limit: nil).records.map(\.id) }
    let action = random.next() % 16
    if recordIDs.isEmpty || action >= 13 {
      try exchange(into: replica)
      return
    }
    let id = pick(recordIDs)
    let partner = pick(recordIDs)
    let tag = pick(tagSpellings)
    let text = pick(texts)
    let statuses = ReadingStatus.allCases
    let status = pick(statuses)
    let noteChoice = notes.isEmpty ? nil : pick(notes)
    let fieldValue = pick(["56-66", "56-67", "e16269"])
    let quoted = random.next() % 2 == 0
    let source = pick(["library.bib", "export.ris", "cancerindex-sorafenib.txt"])
    let volume = pick(["389", "390", ""])
    let doi = pick(["10.1016/s0140-6736(16)32453-9", "10.1/other", ""])
    let citekey = pick(["bruix2017regorafenib", "shared", "sharedb", ""])
    let pmid = pick(["27932229", "1", ""])
    let created: String? = try replica.store.write { session -> String? in
      let record = try session.reader.resolveRecord(id)
      switch action {
      case 0, 1: _ = try session.tag(record, [tag])
      case 2:
        if !(try session.reader.tagAdditions(record: record, key: TagName.key(tag)).isEmpty) {
          _ = try session.untag(record, [tag])
        }
      case 3: return try session.addNote(record, text: text, quote: quoted ? "afenib" : nil)
      case 4, 5:
        if let noteChoice, let note = try? session.reader.resolveNote(noteChoice) {
          if action == 4 || note.state == .deleted {
            try session.editNote(note, text: text)
          } else {
            try session.deleteNote(note)
          }
        }
      case 6: _ = try session.setStatus(record, status)
      case 7 where quoted:
        // Pinned citekeys that clash across records and replicas: every peer must show the
        // same unique keys.
        _ = try session.setField(record, .citekey, .string(citekey))
      case 7: _ = try session.setField(record, .pages, .string(fieldValue))
      case 8:
        // Another import of the paper from a source: fills, rewrites what that source
        // changed, and says what it says (`source.say`).
        var publication = try session.reader.publication(num: record.num)!
        publication.volume = volume
        publication.doi = doi
        publication.sources = [source]
        var importer = RecordImporter(session: session)
        try importer.add(publication)
      case 10 where partner != id:
        // Two records declared one paper, concurrently with other merges, unmerges and
        // annotations on either.
        _ = try session.merge(keep: record, other: try session.reader.resolveRecord(partner))
      case 11:
        let own = try session.reader.resolveRecord(partner, followingMerges: false)
        if !(try session.reader.mergedRecords(into: own).isEmpty) || own.group != own.num {
          _ = try session.unmerge(own)
        }
      case 12:
        // DOIs and PMIDs that records created apart come to share: groups without a merge.
        if quoted {
          _ = try session.setField(record, .doi, .string(doi))
        } else {
          _ = try session.setField(record, .pmid, .string(pmid))
        }
      case 9:
        let conflicts = try session.reader.conflicts()
        if let conflict = conflicts.first { _ = try session.resolve(conflict.target, keep: 1, value: nil) }
      default: break
      }
      return nil
    }
    if let created { notes.append(created) }
  }

  /// Delivers a random part of another replica's log, shuffled and with duplicates:
  /// what arrives early waits as pending.
  mutating func exchange(into replica: Replica) throws {
    if let bundles = bundleExchange {
      try bundles(&self, replica)
      return
    }
    let source = pick(replicas)
    var operations = try source.allOperations()
    operations.shuffle(using: &random)
    let keep = operations.isEmpty ? 0 : Int(random.next() % UInt64(operations.count + 1))
    var batch = Array(operations.prefix(keep))
    if let duplicate = batch.first { batch.append(duplicate) }
    // Entries land in the recent layer, or straight in the folded trees as a large import
    // writes them, and the layer is folded at random moments (`RecentEntries`).
    switch random.next() % 4 {
    case 0: try replica.receiveIntoFolded(batch)
    case 1:
      try replica.receive(batch)
      try replica.foldRecentEntries()
    default: try replica.receive(batch)
    }
  }

  func settle() throws {
    for _ in 0..<2 {
      for target in replicas {
        for source in replicas where source.store !== target.store { try target.pull(from: source) }
      }
    }
  }
}

@Suite struct MergeSimulationTests {
  static let seeds = Gen.int(in: 0...Int(Int32.max))

  func converge(seed: Int, replicaCount: Int, steps: Int) throws {
    var simulation = try Simulation(seed: UInt64(seed), replicaCount: replicaCount)
    for _ in 0..<steps { try simulation.step() }
    try simulation.settle()
    let dumps = try simulation.replicas.map { try $0.dump() }
    #expect(Set(dumps).count == 1, "replicas diverged (seed \(seed))")
    for replica in simulation.replicas {
      #expect(try replica.store.read { try $0.pendingCount() } == 0)
      try replica.checkFullTextIndexes()
      try replica.checkStatuses()
    }

    // The union of all operations, applied to a fresh store in random causal orders in
    // small batches, gives the same dump.
    let all = try simulation.replicas[0].allOperations()
    var random = SplitMix64(seed: UInt64(seed) ^ 0x5EED)
    for _ in 0..<2 {
      let fresh = try Replica(person: "observer", clock: simulation.clock)
      var shuffled = all
      shuffled.shuffle(using: &random)
      var index = 0
      while index < shuffled.count {
        let size = Int(random.next() % 7) + 1
        try fresh.receive(Array(shuffled[index..<min(index + size, shuffled.count)]))
        if random.next() % 5 == 0 { try fresh.foldRecentEntries() }
        index += size
      }
      #expect(try fresh.dump() == dumps[0], "order-dependent result (seed \(seed))")
      try fresh.checkStatuses()
      let again = try fresh.receive(all)
      #expect(again.new == 0 && again.known == all.count, "idempotent")
      #expect(try fresh.dump() == dumps[0])
    }
    // All of it in one transaction: statuses written at its end, merges in between; once
    // through the recent layer, once straight into the folded trees.
    let whole = try Replica(person: "observer", clock: simulation.clock)
    try whole.receive(all)
    #expect(try whole.dump() == dumps[0], "one transaction differs (seed \(seed))")
    try whole.checkStatuses()
    let wholeFolded = try Replica(person: "observer", clock: simulation.clock)
    try wholeFolded.receiveIntoFolded(all)
    #expect(try wholeFolded.recentEntryCount() == 0)
    #expect(try wholeFolded.dump() == dumps[0], "writing straight into the folded trees differs (seed \(seed))")
    try wholeFolded.checkStatuses()
    try wholeFolded.checkFullTextIndexes()
    // Holding so little that what is held is written out every few operations, and what
    // comes after removes, lowers or edits it in the tables.
    let heldLittle = try Replica(person: "observer", clock: simulation.clock)
    try heldLittle.receiveIntoFolded(all, holding: Int(random.next() % 400))
    #expect(try heldLittle.dump() == dumps[0], "writing what is held early differs (seed \(seed))")
    try heldLittle.checkStatuses()
    try heldLittle.checkFullTextIndexes()
  }

  @Test func threeReplicasConverge() async {
    await propertyCheck(count: 120, input: Self.seeds) { seed in
      #expect(throws: Never.self) { try converge(seed: seed, replicaCount: 3, steps: 40) }
    }
  }

  @Test func fiveReplicasConverge() async {
    await propertyCheck(count: 80, input: Self.seeds) { seed in
      #expect(throws: Never.self) { try converge(seed: seed, replicaCount: 5, steps: 60) }
    }
  }
}
