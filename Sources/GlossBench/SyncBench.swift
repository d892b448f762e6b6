import Foundation
import GRDB
import GlossBundle
import GlossCore
import GlossStore

/// `Scripts/bench sync [N]`: export and import of N operations (default 1,000,000), bytes
/// per operation, and the cost of importing 1,000 new operations into a store that has N
/// against one that has 10,000 (target: at most 2×, the cost follows the delta): into
/// copies of the same store, then 100 in a row, which folds the recent layer as use does
/// (`RecentEntries`), so that the fold's cost is in the mean.
///
/// The operations are one replica's mixed workload (records, then tags, untags, notes, note
/// edits and statuses with correct supersedes and requires), generated directly as a
/// signed chain: building them through the mutation API would take longer than the
/// measurement.
struct SyncBench {
  let workspace: BenchWorkspace
  let count: Int
  /// How many times the import and its plain-insert floor are each measured.
  static let importRuns = 3

  struct Workload {
    let identity = SigningIdentity()
    let replica = ReplicaID.random()
    var operations: [Op] = []
    var chains: [[UInt8]] = []

    /// `total` operations, the first `recordCount` of which create records.
    init(total: Int, records recordCount: Int, seedText: String) {
      var random = SplitMix64(seed: 11)
      var listing = SyntheticListing(seedText: seedText)
      var records: [(id: String, origin: Dot)] = []
      var tags: [String: [String: Dot]] = [:]
      var statusDot: [String: Dot] = [:]
      var notes: [(id: String, last: Dot, origin: Dot)] = []
      var hlc: UInt64 = 1_700_000_000_000
      var chain = ChainHash.zero
      func append(_ target: String, _ body: OperationBody, supersedes: [Dot] = [], requires: [Dot] = []) -> Dot {
        hlc += random.next() % 40
        let dot = Dot(replica: replica, counter: UInt64(operations.count + 1))
        let op = Op(
          dot: dot, timestamp: HLCTimestamp(milliseconds: hlc), person: "alice", target: target, body: body,
          supersedes: supersedes, requires: requires)
        chain = ChainHash.next(chain, op)
        operations.append(op)
        chains.append(chain)
        return dot
      }
      while operations.count < total {
        if records.count < recordCount {
          let publication = Publication(
            authors: ["\(listing.pick(SyntheticListing.surnames)) A"], title: listing.sentence(characters: 90),
            journal: listing.pick(SyntheticListing.journals), year: 2000 + Int(random.next() % 20),
            abstract: [AbstractSection(label: "BACKGROUND", text: listing.sentence(characters: 200))])
          let id = publication.id.text
          records.append((id, append(id, .createRecord(publication))))
          continue
        }
        let record = records[Int(random.next() % UInt64(records.count))]
        switch random.next() % 10 {
        case 0...3:
          let tag = "topic-\(random.next() % 40)"
          let dot = append(record.id, .addTag(tag), requires: [record.origin])
          tags[record.id, default: [:]][tag] = dot
        case 4:
          if let (tag, dot) = tags[record.id]?.first {
            _ = append(record.id, .removeTag(tag), supersedes: [dot], requires: [record.origin])
            tags[record.id]![tag] = nil
          } else {
            _ = append(
              record.id, .setStatus(.toRead), supersedes: statusDot[record.id].map { [$0] } ?? [],
              requires: [record.origin])
          }
        case 5:
          let noteID = NoteID.make(for: Dot(replica: replica, counter: UInt64(operations.count + 1)))
          let dot = append(
            noteID, .createNote(record: RecordID(record.id)!, text: listing.sentence(characters: 60), anchor: nil),
            requires: [record.origin])
          notes.append((noteID, dot, dot))
        case 6:
          if !notes.isEmpty {
            let index = Int(random.next() % UInt64(notes.count))
            let note = notes[index]
            let dot = append(
              note.id, .editNote(listing.sentence(characters: 60)), supersedes: [note.last], requires: [note.origin])
            notes[index].last = dot
            continue
          }
          fallthrough
        default:
          let status = ReadingStatus.allCases[Int(random.next() % 5)]
          statusDot[record.id] = append(
            record.id, .setStatus(status), supersedes: statusDot[record.id].map { [$0] } ?? [],
            requires: [record.origin])
        }
      }
    }

    /// `count` signed bundles of `size` operations each, in order, after operation `start`.
    func deltas(after start: Int, count: Int, size: Int) throws -> [[UInt8]] {
      try (0..<count).map { index in try bundle((start + index * size + 1)...(start + (index + 1) * size)) }
    }

    /// A signed bundle of operations `range` (1-based counters).
    func bundle(_ range: ClosedRange<Int>) throws -> [UInt8] {
      let previous = range.lowerBound == 1 ? ChainHash.zero : chains[range.lowerBound - 2]
      let head = chains[range.upperBound - 1]
      let signed = BundleRange(
        replica: replica, person: "alice", publicKey: identity.publicKey, from: UInt64(range.lowerBound),
        to: UInt64(range.upperBound), previous: previous, head: head,
        signature: try identity.sign(
          ChainHash.signedMessage(replica: replica, counter: UInt64(range.upperBound), head: head)))
      return try BundleFormat.encode(
        sender: BundleSender(replica: replica, person: "alice", publicKey: identity.publicKey), signer: identity,
        clock: VectorClock([replica: UInt64(range.upperBound)]),
        prerequisites: VectorClock([replica: UInt64(range.lowerBound - 1)]),
        ranges: [signed], operations: Array(operations[(range.lowerBound - 1)...(range.upperBound - 1)]), created: 0)
    }
  }

  /// What the runs take from the generated workload: the signed bundle of its first
  /// `count` operations (and how long encoding it took), the size of its tag, status and
  /// note operations alone, and `sustained` deltas of `delta` operations that follow.
  struct Made {
    let bundle: [UInt8]
    let encodeSeconds: Double
    let annotationCount: Int
    let annotationBytes: Int
    let deltas: [[UInt8]]
  }

  /// Generates the workload and makes from it what `Made` holds; the workload itself is
  /// let go on return.
  static func make(count: Int, delta: Int, sustained: Int, seedText: String) throws -> Made {
    let workload = Workload(total: count + delta * sustained, records: max(100, count / 50), seedText: seedText)
    var bundle: [UInt8] = []
    let encodeSeconds = try Measure.time { bundle = try workload.bundle(1...count) }
    // The operations the comparison with Yjs and Loro is about: record creations carry
    // whole titles and abstracts, a few hundred bytes each.
    let annotations = workload.operations.prefix(count).filter {
      if case .createRecord = $0.body { false } else { true }
    }
    let annotationBytes = try BundleFormat.encode(
      sender: BundleSender(replica: workload.replica, person: "alice", publicKey: workload.identity.publicKey),
      signer: workload.identity, clock: VectorClock(), prerequisites: VectorClock(), ranges: [],
      operations: annotations, created: 0
    ).count
    let deltas = try workload.deltas(after: count, count: sustained, size: delta)
    return Made(
      bundle: bundle, encodeSeconds: encodeSeconds, annotationCount: annotations.count,
      annotationBytes: annotationBytes, deltas: deltas)
  }

  /// Gives the memory this process has freed back to the system: the C allocator keeps
  /// freed small blocks for reuse, and would go on holding what the operations took.
  /// (glibc's `malloc_trim`, which Swift's Glibc module does not declare, looked up by
  /// name; `nil` is `RTLD_DEFAULT`.)
  static func returnFreedMemory() {
    typealias Trim = @convention(c) (Int) -> Int32
    guard let trim = dlsym(nil, "malloc_trim") else { return }
    _ = unsafeBitCast(trim, to: Trim.self)(0)
  }

  func freshStore(_ name: String) throws -> Store {
    let path = workspace.folder + "/\(name).sqlite"
    workspace.remove(path)
    return try Store(path: path, person: "bob")
  }

  func run() throws {
    let delta = 1_000
    let sustained = 100
    print("sync: generating \(count.grouped) + \((delta * sustained).grouped) operations…")
    // Everything later steps take from the generated operations is made first, and the
    // operations (1.3 GB here) are let go before anything is timed: on this kind of
    // machine (a virtual one), while another process held that much, each new process's
    // memory came slower, and `gloss sync import` took 0.3–0.6 s longer than alone.
    let made = try Self.make(count: count, delta: delta, sustained: sustained, seedText: workspace.seedText)
    Self.returnFreedMemory()
    let bytes = made.bundle
    // Imported by `gloss sync import`, as a person would: its own process, so that its
    // peak memory is its own.
    let bundleFile = workspace.folder + "/big.gloss"
    try Data(bytes).write(to: URL(fileURLWithPath: bundleFile))
    let bigPath = workspace.folder + "/sync-big.sqlite"
    // Each import alternates with the plain inserts it is compared with, so that both meet
    // the same moments of a noisy machine; the medians are compared. The inserts take the
    // bundle's operations, decoded before they are timed and let go after.
    var importTimes: [Double] = []
    var floorTimes: [Double] = []
    var peakKilobytes = 0
    for _ in 0..<Self.importRuns {
      workspace.remove(bigPath)
      try workspace.create(store: bigPath, person: "bob")
      // Neither the bundle just written nor the last run's store should be written back
      // to disk during the timed run.
      sync()
      let imported = Measure.run([workspace.gloss, "sync", "import", "--trust", bundleFile, "--store", bigPath])
      guard imported.status == 0 else { fatalError("gloss sync import failed with status \(imported.status)") }
      importTimes.append(imported.seconds)
      peakKilobytes = max(peakKilobytes, imported.peakKilobytes)
      var operations: [Op] = []
      operations.reserveCapacity(count)
      try BundleFormat.decode(bytes, file: "big.gloss").forEachOperation { op, _, _ in operations.append(op) }
      sync()
      floorTimes.append(try plainInserts(operations[...]))
      operations = []
      Self.returnFreedMemory()
    }
    let importSeconds = Measure.median(importTimes)
    let floor = Measure.median(floorTimes)
    let big = try Store(path: bigPath)
    let finalState = try finalStateWrite(from: bigPath)
    var exported: [UInt8] = []
    let exportSeconds = try Measure.time { exported = try big.exportBundleBytes(peer: nil).0 }
    print(
      "  bundle: \(bytes.count.grouped) bytes, \((Double(bytes.count) / Double(count)).formatted(1)) bytes/operation (signed, compressed)"
    )
    print(
      "  of which the \(made.annotationCount.grouped) tag, status and note operations alone: "
        + "\((Double(made.annotationBytes) / Double(made.annotationCount)).formatted(1)) bytes/operation"
    )
    print("  encode (in memory): \(Int(Double(count) / made.encodeSeconds).grouped) operations/s")
    let rate = Double(count) / importSeconds
    print(
      "  import into a fresh store (gloss sync import): \(Int(rate).grouped) operations/s "
        + "(median of \(Self.importRuns): \(importTimes.map { $0.formatted(1) }.joined(separator: ", ")) s; "
        + "peak \(peakKilobytes / 1024) MiB; targets 100,000/s, 200 MiB)")
    print(
      "  plain SQLite INSERTs of the same rows into one table: \(Int(Double(count) / floor).grouped) rows/s "
        + "(median of \(Self.importRuns)); ratio \((rate / (Double(count) / floor)).formatted(3)) (target ≥ 0.300)")
    print(
      "  SQLite writing the import's final state (log, every table, both full-text indexes) into a fresh store: "
        + "\(finalState.formatted(1)) s; the import takes \((importSeconds / finalState).formatted(1))× that")
    print(
      "  export from the store: \(Int(Double(count) / exportSeconds).grouped) operations/s, \(exported.count.grouped) bytes"
    )

    // The small store is built as the big one is, at its own size: its first 2% of
    // operations create its records, and its delta tags, annotates and sets statuses as
    // the big one's does. (The big workload's first 10,000 operations are all record
    // creations, and a delta of creations is another kind of work.)
    let smallWorkload = Workload(total: 10_000 + delta * sustained, records: 200, seedText: workspace.seedText)
    let small = try freshStore("sync-small")
    _ = try small.importBundleBytes([("small.gloss", try smallWorkload.bundle(1...10_000))], trust: true)
    let smallDeltas = try smallWorkload.deltas(after: 10_000, count: sustained, size: delta)
    let smallDelta = smallDeltas[0]
    let bigDelta = made.deltas[0]
    var smallTimes: [Double] = []
    var bigTimes: [Double] = []
    for run in 0..<5 {
      let smallCopy = try copy(small, "small-\(run)")
      let bigCopy = try copy(big, "big-\(run)")
      // The copies are hundreds of megabytes the kernel may still be writing back: neither
      // timed commit should wait for that.
      sync()
      smallTimes.append(
        try Measure.time { _ = try smallCopy.importBundleBytes([("d.gloss", smallDelta)], trust: true) })
      bigTimes.append(try Measure.time { _ = try bigCopy.importBundleBytes([("d.gloss", bigDelta)], trust: true) })
    }
    let ratio = Measure.median(bigTimes) / Measure.median(smallTimes)
    print(
      "  \(delta.grouped) new operations into 10,000: \((Measure.median(smallTimes) * 1000).formatted(1)) ms (median of 5)"
    )
    print(
      "  \(delta.grouped) new operations into \(count.grouped): \((Measure.median(bigTimes) * 1000).formatted(1)) ms (median of 5)"
    )
    print("  ratio: \(ratio.formatted(2)) (target ≤ 2)")

    let smallRun = try sustainedDeltas(small, smallDeltas, name: "small")
    let bigRun = try sustainedDeltas(big, made.deltas, name: "big")
    for (size, run) in [(10_000, smallRun), (count, bigRun)] {
      print(
        "  \(sustained) deltas of \(delta.grouped) in a row into \(size.grouped): mean \((run.mean * 1000).formatted(1)) ms, "
          + "slowest \((run.slowest * 1000).formatted(1)) ms, \(run.folds) folds of the recent layer")
    }
    print("  ratio of the means: \((bigRun.mean / smallRun.mean).formatted(2))")
  }

  /// Imports `deltas` in turn into a copy of `store`: the mean and slowest time, and how
  /// many folded the recent layer.
  func sustainedDeltas(_ store: Store, _ deltas: [[UInt8]], name: String) throws -> (
    mean: Double, slowest: Double, folds: Int
  ) {
    let target = try copy(store, "sustained-\(name)")
    sync()
    var times: [Double] = []
    var folds = 0
    for bundle in deltas {
      let before = try target.read { try $0.recentEntryCount() }
      times.append(try Measure.time { _ = try target.importBundleBytes([("d.gloss", bundle)], trust: true) })
      if try target.read({ try $0.recentEntryCount() }) < before { folds += 1 }
    }
    return (times.reduce(0, +) / Double(times.count), times.max() ?? 0, folds)
  }

  /// Seconds to insert the operations' rows, as the store's log holds them, into a plain
  /// table of a fresh database in one transaction: the floor for keeping them at all. The
  /// arguments are bound as the store's own log insert binds them (`DirectStatement`,
  /// through SQLite's C interface), so that the floor has no wrapper's cost in it.
  func plainInserts(_ operations: ArraySlice<Op>) throws -> Double {
    let path = workspace.folder + "/plain.sqlite"
    workspace.remove(path)
    let queue = try DatabaseQueue(path: path)
    defer { workspace.remove(path) }
    return try Measure.time {
      try queue.write { db in
        try db.execute(
          sql: """
            CREATE TABLE operation (replica BLOB, counter INTEGER, hlc INTEGER, person TEXT, kind TEXT, target TEXT,
              payload TEXT, supersedes TEXT, requires TEXT)
            """)
        let insert = try DirectStatement(db, sql: "INSERT INTO operation VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")
        for op in operations {
          try insert.execute(
            .text(op.dot.replica.hex), .int(Int64(op.dot.counter)), .int(Int64(op.timestamp.packed)),
            .text(op.person), .text(op.kind), .text(op.target), .text(op.body.canonicalPayload),
            .text(op.supersedes.map(\.description).joined(separator: " ")),
            .text(op.requires.map(\.description).joined(separator: " ")))
        }
      }
    }
  }

  /// Seconds for SQLite alone to write what importing the bundle left in `source` into a
  /// fresh store: one `INSERT … SELECT` per table (the log, records, tags, notes, statuses
  /// and both full-text indexes), in one transaction with the larger cache an ordinary
  /// import has (with the 16 MiB a first import has, SQLite took 9.3–9.9 s instead of
  /// 7.3), through the rollback journal a large import writes through, and back to WAL
  /// mode after, as the import does (`Store.throughRollbackJournal`). The floor for any
  /// applier that writes each final row once; the import's gap to it is what applying
  /// operation by operation costs.
  func finalStateWrite(from source: String) throws -> Double {
    let path = workspace.folder + "/final-state.sqlite"
    workspace.remove(path)
    try workspace.create(store: path, person: "bob")
    defer { workspace.remove(path) }
    let queue = try DatabaseQueue(path: path)
    return try Measure.time {
      try queue.inDatabase { db in
        try db.execute(sql: "PRAGMA cache_size = -65536")
        try db.execute(sql: "PRAGMA journal_mode = DELETE")
        try db.execute(sql: "PRAGMA synchronous = FULL")
        try db.execute(sql: "ATTACH DATABASE ? AS source", arguments: [source])
        try db.inTransaction {
          try db.execute(
            sql: """
              INSERT OR IGNORE INTO replica SELECT * FROM source.replica;
              INSERT INTO operation SELECT * FROM source.operation;
              INSERT INTO record SELECT * FROM source.record;
              INSERT INTO record_fts (rowid, title, abstract, authors, journal)
                SELECT num, title, abstract, authors, journal FROM record;
              INSERT INTO tag SELECT * FROM source.tag;
              INSERT INTO tag_entry_folded SELECT * FROM source.tag_entry_folded ORDER BY op;
              INSERT INTO note_folded SELECT * FROM source.note_folded;
              INSERT INTO note_entry_folded SELECT * FROM source.note_entry_folded ORDER BY op;
              INSERT INTO note_fts (rowid, body) SELECT num, body FROM note_folded;
              INSERT INTO status_entry_folded SELECT * FROM source.status_entry_folded ORDER BY op;
              INSERT INTO status_folded SELECT * FROM source.status_folded;
              """)
          return .commit
        }
        try db.execute(sql: "DETACH DATABASE source")
        try db.execute(sql: "PRAGMA journal_mode = WAL")
      }
    }
  }

  /// A copy of a store file, so that every timed delta import starts from the same state.
  func copy(_ store: Store, _ name: String) throws -> Store {
    let path = workspace.folder + "/\(name).sqlite"
    workspace.remove(path)
    try store.backup(to: path)
    return try Store(path: path)
  }
}
