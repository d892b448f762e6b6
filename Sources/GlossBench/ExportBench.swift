import Foundation

/// `Scripts/bench export [N]`: `gloss export` of an N-record store to BibTeX and to
/// CSL-JSON (records with their tags, notes and statuses, written whole to a file),
/// against `sqlite3 -json` dumping the same record table to a file in the same run (both
/// write their output to a file in the same folder). Target: each at least half the
/// baseline's records/s. The ratio against `sqlite3 -json` writing to /dev/null is printed
/// too: it leaves out the cost of the file that an export exists to write.
struct ExportBench {
  let workspace: BenchWorkspace
  let count: Int
  let runs: Int

  func run() throws {
    let store = try workspace.store(count: count)
    print("export: \(count.grouped) records, \(runs) runs each")
    var times: [String: [Double]] = [:]
    for run in 1...runs {
      for format in ["bibtex", "csl-json"] {
        let file = workspace.folder + "/export.\(format)"
        let result = Measure.run([workspace.gloss, "export", "--format", format, "-o", file, "--store", store])
        guard result.status == 0 else { fatalError("gloss export --format \(format) failed") }
        times[format, default: []].append(result.seconds)
      }
      let dump = workspace.folder + "/dump.sql"
      try "SELECT * FROM record;\n".write(toFile: dump, atomically: true, encoding: .utf8)
      for (name, output) in [("sqlite3", workspace.folder + "/export.sqlite3.json"), ("sqlite3-null", nil)] {
        let baseline = Measure.run(["sqlite3", "-json", store], stdinPath: dump, stdoutPath: output)
        guard baseline.status == 0 else { fatalError("sqlite3 -json failed") }
        times[name, default: []].append(baseline.seconds)
      }
      print(
        "  run \(run): gloss BibTeX \(times["bibtex"]!.last!.formatted(2)) s, CSL-JSON "
          + "\(times["csl-json"]!.last!.formatted(2)) s, sqlite3 -json \(times["sqlite3"]!.last!.formatted(2)) s "
          + "(to /dev/null \(times["sqlite3-null"]!.last!.formatted(2)) s)")
    }
    let baseline = Double(count) / Measure.median(times["sqlite3"]!)
    let unwritten = Double(count) / Measure.median(times["sqlite3-null"]!)
    print("  sqlite3 -json of the record table to a file: \(Int(baseline).grouped) records/s (median)")
    print("  sqlite3 -json to /dev/null (writes nothing): \(Int(unwritten).grouped) records/s (median)")
    for (format, name) in [("bibtex", "BibTeX"), ("csl-json", "CSL-JSON")] {
      let rate = Double(count) / Measure.median(times[format]!)
      print(
        "  gloss export \(name): \(Int(rate).grouped) records/s (median), ratio \((rate / baseline).formatted(2)) "
          + "(target ≥ 0.50; \((rate / unwritten).formatted(2)) against /dev/null)")
    }
  }
}
