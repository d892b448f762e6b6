import Foundation
import Testing

/// The REPL as a person meets it, on a real (tmux) terminal.
@Suite(.serialized) struct TerminalTests {
  @Test func ctrlCCancelsARunningQueryAndTheREPLGoesOn() throws {
    let terminal = try TerminalSession()
    try terminal.start()
    try terminal.type(
      "sql --time-limit 120 WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c")
    try terminal.press("Enter")
    Thread.sleep(forTimeInterval: 1)
    let start = Date()
    try terminal.press("C-c")
    try terminal.waitFor("gloss: cancelled")
    #expect(Date().timeIntervalSince(start) < 5)
    try terminal.type("sql SELECT 40 + 2 AS answer")
    try terminal.press("Enter")
    let screen = try terminal.waitFor("42")
    #expect(!screen.contains("GLOSS-EXITED"))
  }

  @Test func tabCompletesACommandAndListsSeveral() throws {
    let terminal = try TerminalSession()
    try terminal.start()
    try terminal.type("sea")
    try terminal.press("Tab")
    try terminal.waitFor("alice@store> search")
    try terminal.press("C-u")
    try terminal.type("s")
    try terminal.press("Tab")
    let screen = try terminal.waitFor("sync")
    #expect(screen.contains("search  set     show    sql     status  sync"))
  }

  @Test func tabCompletesCitekeysTagsStatusesAndFiles() throws {
    let terminal = try TerminalSession()
    _ = try terminal.gloss(["tag", "bruix2017regorafenib", "hcc-trial"])
    try terminal.start()
    try terminal.type("show bruix")
    try terminal.press("Tab")
    try terminal.waitFor("alice@store> show bruix2017regorafenib")
    try terminal.press("C-u")
    try terminal.type("list tag:hcc")
    try terminal.press("Tab")
    try terminal.waitFor("alice@store> list tag:hcc-trial")
    try terminal.press("C-u")
    try terminal.type("status ye4z re")
    try terminal.press("Tab")
    try terminal.press("Tab")
    let statuses = try terminal.waitFor("reading")
    #expect(statuses.contains("read     reading"))
    try terminal.press("C-u")
    try terminal.type("import \(TerminalSession.seed.dropLast(12))")
    try terminal.press("Tab")
    try terminal.waitFor("cancerindex-sorafenib.txt")
  }

  @Test func ctrlCCancelsTheLineAndKeepsTheREPL() throws {
    let terminal = try TerminalSession()
    try terminal.start()
    try terminal.type("search something I changed my mind about")
    try terminal.press("C-c")
    try terminal.waitFor("about^C")
    try terminal.type("clock")
    try terminal.press("Enter")
    let screen = try terminal.waitFor("this store")
    #expect(screen.contains("REPLICA"))
    #expect(!screen.contains("changed my mind about\nID"), "the cancelled line did not run")
  }

  @Test func historySurvivesARestartCollapsesDuplicatesAndKeepsSecretsOut() throws {
    let terminal = try TerminalSession()
    try terminal.start()
    for line in ["tags", "clock", "clock", " status ye4z read", "peers trust bob abcd-efgh-ijkl-mnop"] {
      try terminal.type(line)
      try terminal.press("Enter")
    }
    try terminal.waitFor("trusting bob")
    try terminal.press("C-d")
    try terminal.waitFor("GLOSS-EXITED-0")
    let history = try String(contentsOfFile: terminal.historyFile, encoding: .utf8)
    #expect(history.contains("tags"))
    #expect(history.components(separatedBy: "clock").count == 2, "consecutive duplicates collapsed: \(history)")
    #expect(!history.contains("status ye4z"), "a line starting with a space is not kept")
    #expect(!history.contains("peers trust"), "secret commands are not kept")
    try terminal.tmux(["kill-session", "-t", "repl"])
    try terminal.start()
    try terminal.press("Up")
    try terminal.waitFor("alice@store> clock")
    try terminal.press("Up")
    try terminal.waitFor("alice@store> tags")
  }

  @Test func theScreenOfShow() throws {
    let terminal = try TerminalSession(width: 90, height: 60)
    try terminal.start()
    try terminal.type("show antoniou2016remission")
    try terminal.press("Enter")
    try terminal.waitFor("CONCLUSION")
    let lines = terminal.lines
    let start = try #require(lines.firstIndex { $0.hasSuffix("show antoniou2016remission") })
    let expected = [
      "alice@store> show antoniou2016remission",
      "Remission of Psoriasis in a Patient with Hepatocellular Carcinoma Treated with Sorafenib",
      "Antoniou EA, Koutsounas I, Damaskos C, Koutsounas S",
      "In Vivo. 2016 09-10; 30(5):677-80  [PubMed]",
      "id m7yinkcwdypb  citekey antoniou2016remission  topic Sorafenib (Nexavar)",
      "",
      "BACKGROUND",
      "  Psoriasis is a chronic, immune-mediated and angiogenesis-dependent disease. Activated",
      "  keratinocytes in psoriatic lesions produce pro-angiogenic cytokines, including vascular",
    ]
    #expect(Array(lines[start..<start + expected.count]) == expected)
    #expect(lines.allSatisfy { $0.count <= 90 })
  }

  @Test func theScreenOfATableFitsTheWidth() throws {
    let terminal = try TerminalSession(width: 80, height: 30)
    try terminal.start()
    try terminal.type("list year:2017 --limit 3")
    try terminal.press("Enter")
    try terminal.waitFor("raise --limit")
    let lines = terminal.lines
    let start = try #require(lines.firstIndex { $0.hasSuffix("list year:2017 --limit 3") })
    let expected = [
      "alice@store> list year:2017 --limit 3",
      "ID            YEAR  AUTHOR        TITLE                      JOURNAL",
      "qandbqhwyygc  2017  Atkin et al.  Exceptional serological …  BMC Gastroenterol",
      "rty6lwqgsxib  2017  Nass et al.   Validation of VX2 as a H…  Anticancer Res",
      "qcsboc5je24g  2017  Lin et al.    Contrary influence of cl…  Biomed Pharmacother",
      "… more match; raise --limit to see them",
    ]
    #expect(Array(lines[start..<start + expected.count]) == expected)
    #expect(lines.allSatisfy { $0.count <= 80 })
  }

  @Test func outputLongerThanTheScreenGoesThroughThePagerUnlessTurnedOff() throws {
    let terminal = try TerminalSession(width: 100, height: 20)
    try terminal.start()
    try terminal.type("list")
    try terminal.press("Enter")
    let paged = terminal.folder.appendingPathComponent("paged.txt").path
    let deadline = Date().addingTimeInterval(10)
    while !FileManager.default.fileExists(atPath: paged), Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
    try terminal.waitFor("alice@store>")
    let text = try String(contentsOfFile: paged, encoding: .utf8)
    #expect(text.split(separator: "\n").count == 31, "the header and 30 records went to the pager")
    try FileManager.default.removeItem(atPath: paged)
    try terminal.type(".pager off")
    try terminal.press("Enter")
    try terminal.type("list")
    try terminal.press("Enter")
    try terminal.waitFor("Lorenzin et al.")
    #expect(!FileManager.default.fileExists(atPath: paged))
  }

  @Test func errorsNeverLeaveTheREPL() throws {
    let terminal = try TerminalSession()
    try terminal.start()
    try terminal.type("serch sorafenib")
    try terminal.press("Enter")
    try terminal.waitFor("unknown command 'serch'; did you mean search?")
    try terminal.type("show nothing-like-this")
    try terminal.press("Enter")
    try terminal.waitFor("no record with id or citekey 'nothing-like-this'")
    try terminal.type("list (tag:x")
    try terminal.press("Enter")
    try terminal.waitFor("'(' is never closed at column 1")
    try terminal.type(".mode json")
    try terminal.press("Enter")
    try terminal.type("status ye4z")
    try terminal.press("Enter")
    try terminal.waitFor("{\"id\":\"ye4zs5c4w64t\"")
    try terminal.type("status ye4z \\")
    try terminal.press("Enter")
    try terminal.waitFor("...>")
    try terminal.type("read")
    try terminal.press("Enter")
    try terminal.waitFor("\"you\":\"read\"")
    try terminal.press("C-d")
    try terminal.waitFor("GLOSS-EXITED-0")
  }
}
