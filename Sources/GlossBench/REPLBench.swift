import Foundation

/// `Scripts/bench repl`: how long `gloss` takes to start on an N-record store, measured as
/// the REPL on an empty script (a script opens the store with its first command, so this
/// is the process start alone), then on a one-line script (`clock`: open the store, check
/// the schema and due statuses, run one query), against the sqlite3 shell opening the same
/// file and quitting.
struct REPLBench {
  let workspace: BenchWorkspace
  let count: Int

  func run() throws {
    let store = try workspace.store(count: count)
    let empty = workspace.folder + "/empty-script.txt"
    FileManager.default.createFile(atPath: empty, contents: Data())
    setenv("GLOSS_STORE", store, 1)
    let oneCommand = workspace.folder + "/clock-script.txt"
    FileManager.default.createFile(atPath: oneCommand, contents: Data("clock\n".utf8))
    var gloss: [Double] = []
    var first: [Double] = []
    var sqlite: [Double] = []
    for _ in 0..<21 {
      gloss.append(Measure.run([workspace.gloss], stdinPath: empty).seconds)
      first.append(Measure.run([workspace.gloss], stdinPath: oneCommand).seconds)
      sqlite.append(Measure.run(["sqlite3", store, ".quit"]).seconds)
    }
    let median = Measure.median(gloss) * 1000
    print("repl: start to prompt on \(count.grouped) records, median of 21")
    print("  gloss: \(median.formatted(1)) ms (target ≤ 50 ms)")
    print("  gloss with one command (clock): \((Measure.median(first) * 1000).formatted(1)) ms")
    print("  sqlite3 shell open and quit: \((Measure.median(sqlite) * 1000).formatted(1)) ms")
    print("  ratio gloss/sqlite3: \((Measure.median(gloss) / Measure.median(sqlite)).formatted(1))")
  }
}
