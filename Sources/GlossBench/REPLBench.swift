import Foundation

/// `Scripts/bench repl`: how long `gloss` takes to open the store and reach its prompt on
/// an N-record store, measured as starting the REPL on an empty script (it opens the store,
/// checks the schema and due statuses, then finds no line and exits), against the sqlite3
/// shell opening the same file and quitting.
struct REPLBench {
  let workspace: BenchWorkspace
  let count: Int

  func run() throws {
    let store = try workspace.store(count: count)
    let empty = workspace.folder + "/empty-script.txt"
    FileManager.default.createFile(atPath: empty, contents: Data())
    setenv("GLOSS_STORE", store, 1)
    var gloss: [Double] = []
    var sqlite: [Double] = []
    for _ in 0..<21 {
      gloss.append(Measure.run([workspace.gloss], stdinPath: empty).seconds)
      sqlite.append(Measure.run(["sqlite3", store, ".quit"]).seconds)
    }
    let median = Measure.median(gloss) * 1000
    print("repl: start to prompt on \(count.grouped) records, median of 21")
    print("  gloss: \(median.formatted(1)) ms (target ≤ 50 ms)")
    print("  sqlite3 shell open and quit: \((Measure.median(sqlite) * 1000).formatted(1)) ms")
    print("  ratio gloss/sqlite3: \((Measure.median(gloss) / Measure.median(sqlite)).formatted(1))")
  }
}
