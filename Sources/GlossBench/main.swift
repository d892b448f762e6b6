import Foundation

/// gloss-bench KIND [N] [--runs R] --gloss PATH --seed PATH
/// Called by Scripts/bench, which builds in release mode and passes the paths.
if CommandLine.arguments.count > 2, CommandLine.arguments[1] == Measure.superviseFlag {
  Measure.superviseChild(Array(CommandLine.arguments.dropFirst(2)))
}
var arguments = Array(CommandLine.arguments.dropFirst())
@MainActor func option(_ name: String) -> String? {
  guard let index = arguments.firstIndex(of: name), index + 1 < arguments.count else { return nil }
  defer { arguments.removeSubrange(index...(index + 1)) }
  return arguments[index + 1]
}
let gloss = option("--gloss") ?? ".build/release/gloss"
let seed = option("--seed") ?? "../shared/seeds/cancerindex-sorafenib.txt"
let runs = option("--runs").flatMap(Int.init) ?? 3
let kinds = ["import", "search", "annotate", "sync", "repl", "formats", "export", "folder"]
guard let kind = arguments.first, kinds.contains(kind) || kind == "all" else {
  FileHandle.standardError.write(Data("usage: Scripts/bench \(kinds.joined(separator: "|"))|all [N] [--runs R]\n".utf8))
  exit(2)
}
let count = arguments.count > 1 ? Int(arguments[1].replacingOccurrences(of: "_", with: "")) ?? 100_000 : 100_000
let workspace = try BenchWorkspace(gloss: gloss, seedPath: seed)
defer { if ProcessInfo.processInfo.environment["GLOSS_BENCH_KEEP"] == nil { workspace.cleanUp() } }
for selected in kind == "all" ? kinds : [kind] {
  switch selected {
  case "import": try ImportBench(workspace: workspace, count: count, runs: runs).run()
  case "search": try SearchBench(workspace: workspace, count: count).run()
  case "annotate": try AnnotateBench(workspace: workspace, count: count).run()
  case "repl": try REPLBench(workspace: workspace, count: count).run()
  case "formats": try FormatsBench(workspace: workspace, count: arguments.count > 1 ? count : 50_000, runs: runs).run()
  case "export": try ExportBench(workspace: workspace, count: count, runs: runs).run()
  case "folder": try FolderBench(workspace: workspace, count: arguments.count > 1 ? count : 20_000, runs: runs).run()
  case "sync":
    try SyncBench(workspace: workspace, count: arguments.count > 1 ? count : 1_000_000).run()
  default: break
  }
}
