import Foundation
import GlossCommands
import GlossStore

/// Scratch files shared by the benchmarks: synthetic listings and stores are made once per
/// size and reused within a run.
struct BenchWorkspace {
  let folder: String
  let gloss: String
  let seedText: String

  init(gloss: String, seedPath: String) throws {
    folder = NSTemporaryDirectory() + "gloss-bench-\(getpid())"
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    self.gloss = gloss
    seedText = try String(contentsOfFile: seedPath, encoding: .utf8)
  }

  func remove(_ path: String) {
    for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
  }

  func cleanUp() { try? FileManager.default.removeItem(atPath: folder) }

  func listing(count: Int) throws -> String {
    let path = folder + "/listing-\(count).txt"
    if !FileManager.default.fileExists(atPath: path) {
      var synthetic = SyntheticListing(seedText: seedText)
      try synthetic.write(to: path, count: count)
    }
    return path
  }

  /// Makes an empty store with `gloss init`: only init creates one.
  func create(store path: String, person: String = "bench") throws {
    let result = Measure.run([gloss, "init", "--name", person, "--store", path])
    guard result.status == 0 else { fatalError("gloss init --store \(path) failed") }
  }

  /// A store holding `count` synthetic records, imported through `gloss import`.
  func store(count: Int) throws -> String {
    let path = folder + "/store-\(count).sqlite"
    if !FileManager.default.fileExists(atPath: path) {
      try create(store: path)
      let result = Measure.run([gloss, "import", try listing(count: count), "--store", path])
      guard result.status == 0 else { fatalError("building the \(count)-record store failed") }
    }
    return path
  }
}
