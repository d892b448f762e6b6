import Foundation
import GlossCore
import GlossImport
import GlossStore

/// `Scripts/bench import [N]`: Gloss importing a synthetic listing against two runs of
/// the sqlite3 shell in the same run: inserting the same rows into the same record table
/// and FTS5 index one INSERT at a time, and loading them the fastest way the shell can
/// (`.import` of a CSV into a plain table, then one `INSERT INTO fts SELECT …`, in one
/// transaction).
struct ImportBench {
  let workspace: BenchWorkspace
  let count: Int
  let runs: Int

  func run() throws {
    let listing = try workspace.listing(count: count)
    let sql = workspace.folder + "/baseline-\(count).sql"
    let csv = workspace.folder + "/baseline-\(count).csv"
    let csvScript = workspace.folder + "/baseline-csv-\(count).sql"
    try writeBaselineSQL(from: listing, to: sql, csv: csv)
    try Self.csvImportScript(csv: csv).write(toFile: csvScript, atomically: true, encoding: .utf8)
    print("import: \(count.grouped) records, listing \(fileSize(listing) / 1_048_576) MiB, \(runs) runs each")
    var glossTimes: [Double] = []
    var sqliteTimes: [Double] = []
    var csvTimes: [Double] = []
    var peak = 0
    for run in 1...runs {
      let store = workspace.folder + "/import-\(run).sqlite"
      workspace.remove(store)
      try workspace.create(store: store)
      let gloss = Measure.run([workspace.gloss, "import", listing, "--store", store])
      guard gloss.status == 0 else { fatalError("gloss import failed with status \(gloss.status)") }
      glossTimes.append(gloss.seconds)
      peak = max(peak, gloss.peakKilobytes)
      let database = workspace.folder + "/baseline-\(run).sqlite"
      workspace.remove(database)
      let sqlite = Measure.run(["sqlite3", database], stdinPath: sql)
      guard sqlite.status == 0 else { fatalError("sqlite3 baseline failed with status \(sqlite.status)") }
      sqliteTimes.append(sqlite.seconds)
      workspace.remove(database)
      let fastest = Measure.run(["sqlite3", database], stdinPath: csvScript)
      guard fastest.status == 0 else { fatalError("sqlite3 .import baseline failed with status \(fastest.status)") }
      csvTimes.append(fastest.seconds)
      print(
        "  run \(run): gloss \(glossTimes.last!.formatted(2)) s, sqlite3 INSERTs \(sqliteTimes.last!.formatted(2)) s, "
          + "sqlite3 .import \(csvTimes.last!.formatted(2)) s")
      workspace.remove(database)
      if run < runs { workspace.remove(store) }
    }
    let glossRate = Double(count) / Measure.median(glossTimes)
    let sqliteRate = Double(count) / Measure.median(sqliteTimes)
    print("  gloss import (change log included): \(Int(glossRate).grouped) records/s (median)")
    print("  sqlite3 shell, same rows + FTS5:     \(Int(sqliteRate).grouped) records/s (median)")
    let csvRate = Double(count) / Measure.median(csvTimes)
    print("  sqlite3 shell, .import CSV + one FTS5 INSERT … SELECT: \(Int(csvRate).grouped) records/s (median)")
    print("  ratio gloss/sqlite3 INSERTs: \((glossRate / sqliteRate).formatted(3)) (target ≥ 0.500)")
    print("  ratio gloss/sqlite3 .import: \((glossRate / csvRate).formatted(3)) (target ≥ 0.500)")
    print("  gloss peak memory: \(peak / 1024) MiB for a \(fileSize(listing) / 1_048_576) MiB listing")
  }

  private func fileSize(_ path: String) -> Int {
    (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
  }

  /// The fastest load the shell has: a plain table, `.import`, one FTS5 statement.
  static func csvImportScript(csv: String) -> String {
    """
    PRAGMA journal_mode = WAL;
    BEGIN;
    CREATE TABLE record (id TEXT, citekey TEXT, title TEXT, authors TEXT, et_al INTEGER, journal TEXT,
      year INTEGER, date TEXT, volume TEXT, issue TEXT, pages TEXT, pubmed INTEGER, free_full_text INTEGER,
      abstract TEXT, topics TEXT, sources TEXT, origin INTEGER);
    .mode csv
    .import \(csv) record
    CREATE VIRTUAL TABLE record_fts USING fts5(title, abstract, authors, journal, content='record',
      tokenize='unicode61 remove_diacritics 2');
    INSERT INTO record_fts (rowid, title, abstract, authors, journal)
      SELECT rowid, title, abstract, authors, journal FROM record;
    COMMIT;

    """
  }

  /// The same rows, as the sqlite3 shell would load them: one transaction of INSERTs,
  /// and a CSV file for `.import`.
  private func writeBaselineSQL(from listing: String, to path: String, csv: String) throws {
    FileManager.default.createFile(atPath: path, contents: nil)
    let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
    defer { try? handle.close() }
    FileManager.default.createFile(atPath: csv, contents: nil)
    let csvHandle = try FileHandle(forWritingTo: URL(fileURLWithPath: csv))
    defer { try? csvHandle.close() }
    var csvBuffer = ""
    func field(_ text: String) -> String { "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }
    var buffer = "PRAGMA journal_mode = WAL;\nBEGIN;\n" + Schema.recordTable + "\n"
    func literal(_ text: String) -> String { "'" + text.replacingOccurrences(of: "'", with: "''") + "'" }
    try CancerIndexListing(path: listing).read { (entry: ListingEntry) throws(ImportError) in
      guard case .publication(let p, _) = entry else { return }
      let columns: [String] = [
        literal(p.id.text), literal(p.citekey), literal(p.title),
        literal(p.authors.joined(separator: "\u{1F}")), p.etAl ? "1" : "0", literal(p.journal),
        p.year.map(String.init) ?? "NULL", literal(p.date), literal(p.volume), literal(p.issue), literal(p.pages),
        p.pubmed ? "1" : "0", p.freeFullText ? "1" : "0",
        literal(p.abstract.map { ($0.label ?? "") + "\u{1F}" + $0.text }.joined(separator: "\u{1E}")),
        literal(p.topics.joined(separator: "\u{1F}")), literal(p.sources.joined(separator: "\u{1F}")), "0",
      ]
      buffer +=
        "INSERT INTO record (id, citekey, title, authors, et_al, journal, year, date, volume, issue, pages, "
        + "pubmed, free_full_text, abstract, topics, sources, origin) VALUES (" + columns.joined(separator: ", ")
        + ");\n"
      csvBuffer +=
        [
          field(p.id.text), field(p.citekey), field(p.title), field(p.authors.joined(separator: "\u{1F}")),
          p.etAl ? "1" : "0", field(p.journal), p.year.map(String.init) ?? "", field(p.date), field(p.volume),
          field(p.issue), field(p.pages), p.pubmed ? "1" : "0", p.freeFullText ? "1" : "0",
          field(p.abstract.map { ($0.label ?? "") + "\u{1F}" + $0.text }.joined(separator: "\u{1E}")),
          field(p.topics.joined(separator: "\u{1F}")), field(p.sources.joined(separator: "\u{1F}")), "0",
        ].joined(separator: ",") + "\n"
      if buffer.utf8.count > 1 << 20 {
        handle.write(Data(buffer.utf8))
        buffer = ""
        csvHandle.write(Data(csvBuffer.utf8))
        csvBuffer = ""
      }
    }
    buffer += "COMMIT;\n"
    handle.write(Data(buffer.utf8))
    csvHandle.write(Data(csvBuffer.utf8))
  }
}
