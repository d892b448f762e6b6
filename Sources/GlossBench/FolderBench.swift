import Foundation
import GlossBundle

/// `Scripts/bench folder [N]`: two stores sharing a folder, alice's with N records
/// (default 20,000). Measures, against targets:
/// - `sync dir` with nothing new: median time (≤ 50 ms) and whether it wrote anything (it
///   must not), against the sqlite3 shell opening the store and reading its clock;
/// - one tag then `sync dir`: the bytes the folder grows by (≤ 2 KB) and the bytes written;
/// - bob's `sync dir` taking that tag in;
/// - the folder's size against one bundle of everyone's operations (≤ 1.2×);
/// - `sync dir --watch`: from `gloss tag` returning to alice's new file in the folder (≤ 1 s);
/// - a hundred replicas on one folder: an idle `sync dir`, and one taking in a new file.
struct FolderBench {
  let workspace: BenchWorkspace
  let count: Int
  let runs: Int

  func run() throws {
    let (folder, shared) = try Self.scratch(workspace.folder + "/folder-\(count)")
    // Made in place: a copied store file would take a new identity (it is a copy), and its
    // records would be another replica's, which it does not publish.
    let alice = folder + "/alice.sqlite"
    try workspace.create(store: alice, person: "alice")
    _ = try timed([workspace.gloss, "import", try workspace.listing(count: count), "--store", alice])
    let bob = folder + "/bob.sqlite"
    try workspace.create(store: bob, person: "bob")
    let gloss = workspace.gloss
    print("folder: \(count.grouped) records, \(runs) runs each")

    let first = try timed([gloss, "sync", "dir", shared, "--store", alice])
    let taken = try timed([gloss, "sync", "dir", "--trust", shared, "--store", bob])
    print(
      "  first sync dir: alice publishes \(Self.kilobytes(try Self.size(shared))) in \(first.formatted(2)) s; "
        + "bob takes it in, \(taken.formatted(2)) s")

    var idle: [Double] = []
    var baseline: [Double] = []
    var wroteWhenIdle = false
    for _ in 0..<max(runs, 5) {
      let before = try Self.snapshot(shared)
      idle.append(try timed([gloss, "sync", "dir", shared, "--store", alice]))
      let after = try Self.snapshot(shared)
      wroteWhenIdle = wroteWhenIdle || after != before
      baseline.append(try timed(["sqlite3", alice, "SELECT replica, counter FROM clock"]))
    }
    let idleMedian = Measure.median(idle)
    print(
      "  sync dir with nothing new: \((idleMedian * 1000).formatted(1)) ms median (target ≤ 50 ms), "
        + (wroteWhenIdle ? "WROTE TO THE FOLDER (target: nothing)" : "wrote nothing")
        + "; sqlite3 opening the store and reading its clock \((Measure.median(baseline) * 1000).formatted(1)) ms, "
        + "ratio \((Measure.median(baseline) / idleMedian).formatted(2))")

    var grown: [Double] = []
    var written: [Double] = []
    var imports: [Double] = []
    let record = try Self.firstRecord(gloss: gloss, store: alice)
    for run in 0..<max(runs, 5) {
      let before = try Self.snapshot(shared)
      _ = Measure.run([gloss, "tag", record, "bench-\(run)", "--store", alice])
      _ = try timed([gloss, "sync", "dir", shared, "--store", alice])
      let after = try Self.snapshot(shared)
      let size = { (files: [String: FileFacts]) in files.values.reduce(0) { $0 + $1.size } }
      grown.append(Double(size(after) - size(before)))
      written.append(Double(size(after.filter { before[$0.key] == nil })))
      imports.append(try timed([gloss, "sync", "dir", shared, "--store", bob]))
    }
    print(
      "  one tag, then sync dir: the folder grows by \(Int(Measure.median(grown))) bytes (target ≤ 2,048), "
        + "\(Int(Measure.median(written))) bytes written in new files (medians); "
        + "bob's sync dir taking it in: \((Measure.median(imports) * 1000).formatted(1)) ms")

    let everything = folder + "/everything.gloss"
    _ = try timed([gloss, "sync", "export", "--all", everything, "--store", bob])
    let bundle = try Self.fileSize(everything)
    let total = try Self.size(shared)
    print(
      "  folder \(Self.kilobytes(total)) in \(try Self.snapshot(shared).count) files, one bundle of everything "
        + "\(Self.kilobytes(bundle)): \((Double(total) / Double(bundle)).formatted(3))× (target ≤ 1.2)")

    try watchLatency(alice: alice, shared: shared, record: record)
    try hundredReplicas()
  }

  /// A lab of a hundred replicas on the seed's 30 records, each having published a tag:
  /// one `sync dir` with nothing new, and one taking in a new tag, among their files.
  func hundredReplicas() throws {
    let (folder, shared) = try Self.scratch(workspace.folder + "/lab")
    let seed = folder + "/seed.txt"
    try workspace.seedText.write(toFile: seed, atomically: true, encoding: .utf8)
    let stores = (0..<100).map { folder + "/replica-\($0).sqlite" }
    let gloss = workspace.gloss
    for (index, store) in stores.enumerated() {
      try workspace.create(store: store, person: "person\(index)")
      if index == 0 { _ = try timed([gloss, "import", seed, "--store", store]) }
      _ = try timed([gloss, "sync", "dir", "--trust", shared, "--store", store])
      _ = Measure.run([gloss, "tag", "bruix2017regorafenib", "from-\(index)", "--store", store])
      _ = try timed([gloss, "sync", "dir", shared, "--store", store])
    }
    // Everyone takes in everyone's tags once; then the timed passes.
    for store in stores { _ = Measure.run([gloss, "sync", "dir", "--trust", shared, "--store", store]) }
    var idle: [Double] = []
    var taking: [Double] = []
    for run in 0..<max(runs, 5) {
      idle.append(try timed([gloss, "sync", "dir", shared, "--store", stores[50]]))
      _ = Measure.run([gloss, "tag", "bruix2017regorafenib", "again-\(run)", "--store", stores[run]])
      _ = try timed([gloss, "sync", "dir", shared, "--store", stores[run]])
      taking.append(try timed([gloss, "sync", "dir", shared, "--store", stores[50]]))
    }
    let files = try Self.snapshot(shared)
    print(
      "  100 replicas: folder \(files.count) files, \(Self.kilobytes(files.values.reduce(0) { $0 + $1.size })); "
        + "sync dir with nothing new \((Measure.median(idle) * 1000).formatted(1)) ms, "
        + "taking in one new file \((Measure.median(taking) * 1000).formatted(1)) ms (medians)")
  }

  /// Starts `sync dir --watch` for alice and times, for each run, `gloss tag` returning to
  /// a new file of alice's appearing in the folder.
  func watchLatency(alice: String, shared: String, record: String) throws {
    let watch = Process()
    watch.executableURL = URL(fileURLWithPath: workspace.gloss)
    watch.arguments = ["sync", "dir", "--watch", shared, "--store", alice]
    watch.standardOutput = FileHandle.nullDevice
    watch.standardError = FileHandle.nullDevice
    try watch.run()
    defer {
      watch.interrupt()
      watch.waitUntilExit()
    }
    usleep(500_000)
    var latencies: [Double] = []
    for run in 0..<max(runs, 5) {
      let before = Set(try Self.snapshot(shared).keys)
      _ = Measure.run([workspace.gloss, "tag", record, "watched-\(run)", "--store", alice])
      let start = Date()
      while Date().timeIntervalSince(start) < 10 {
        if try !Set(Self.snapshot(shared).keys).subtracting(before).isEmpty { break }
        usleep(2_000)
      }
      latencies.append(Date().timeIntervalSince(start))
      usleep(200_000)
    }
    print(
      "  sync dir --watch: a tag is in the folder \((Measure.median(latencies) * 1000).formatted(0)) ms after "
        + "gloss tag returns (median; max \((latencies.max()! * 1000).formatted(0)) ms; target ≤ 1,000 ms)")
  }

  /// An empty scratch folder for the stores, holding an empty shared folder.
  static func scratch(_ folder: String) throws -> (folder: String, shared: String) {
    try? FileManager.default.removeItem(atPath: folder)
    try FileManager.default.createDirectory(atPath: folder + "/shared", withIntermediateDirectories: true)
    return (folder, folder + "/shared")
  }

  func timed(_ argv: [String]) throws -> Double {
    let result = Measure.run(argv)
    guard result.status == 0 else { fatalError("\(argv.joined(separator: " ")) failed") }
    return result.seconds
  }

  static func firstRecord(gloss: String, store: String) throws -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: gloss)
    process.arguments = ["list", "--limit", "1", "--json", "--store", store]
    let pipe = Pipe()
    process.standardOutput = pipe
    try process.run()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    guard let text = String(data: data, encoding: .utf8), let range = text.range(of: #""id":""#) else {
      fatalError("gloss list printed no record")
    }
    return String(text[range.upperBound...].prefix(12))
  }

  /// What a sync tool would notice about a file: its size and when it was last written.
  struct FileFacts: Equatable {
    let size: Int
    let modified: Date
  }

  /// Each file in `folder` by name.
  static func snapshot(_ folder: String) throws -> [String: FileFacts] {
    var files: [String: FileFacts] = [:]
    for name in try FileManager.default.contentsOfDirectory(atPath: folder) {
      let attributes = try FileManager.default.attributesOfItem(atPath: folder + "/" + name)
      files[name] = FileFacts(
        size: (attributes[.size] as? NSNumber)?.intValue ?? 0,
        modified: attributes[.modificationDate] as? Date ?? .distantPast)
    }
    return files
  }

  static func size(_ folder: String) throws -> Int { try snapshot(folder).values.reduce(0) { $0 + $1.size } }

  static func fileSize(_ path: String) throws -> Int {
    (try FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.intValue ?? 0
  }

  static func kilobytes(_ bytes: Int) -> String { "\((Double(bytes) / 1024).formatted(1)) KiB" }
}
