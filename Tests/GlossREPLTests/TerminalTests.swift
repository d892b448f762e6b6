import Foundation
import Testing

/// The REPL as a person meets it, on a real (tmux) terminal.
@Suite(.serialized) struct TerminalTests {
  @Test func ctrlCCancelsARunningQueryAndTheREPLGoesOn() throws {
    let terminal = try TerminalSession()
    try terminal.start()
    try terminal.enter(
      "sql --time-limit 120 WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c")
    Thread.sleep(forTimeInterval: 1)
    let start = Date()
    try terminal.press("C-c")
    try terminal.waitFor("gloss: cancelled")
    #expect(Date().timeIntervalSince(start) < 5)
    try terminal.enter("sql SELECT 40 + 2 AS answer")
    let screen = try terminal.waitFor("42")
    #expect(!screen.contains("GLOSS-EXITED"))
  }

  /// A REPL in the middle of importing 50,000 records (its progress line showing).
  func importingABigListing() throws -> TerminalSession {
    let terminal = try TerminalSession()
    let listing = try terminal.writeListing(records: 50_000)
    try terminal.start()
    try terminal.enter("import \(listing)")
    try terminal.waitFor("records ·", timeout: 20)
    return terminal
  }

  @Test func ctrlCCancelsAnImportWhichRollsBack() throws {
    let terminal = try importingABigListing()
    try terminal.press("C-c")
    try terminal.waitFor("gloss: cancelled; nothing was written")
    try terminal.enter("sql SELECT count(*) AS n FROM record")
    let screen = try terminal.waitFor("\n30\n")
    #expect(!screen.contains("GLOSS-EXITED"))
  }

  @Test func sigtermDuringAnImportRollsBackThenEndsTheREPLAndSighupEndsItToo() throws {
    let terminal = try importingABigListing()
    kill(try #require(terminal.glossPID), SIGTERM)
    try terminal.waitFor("GLOSS-EXITED-143")
    #expect(try terminal.gloss(["sql", "SELECT count(*) AS n FROM record", "--json"]) == "[{\"n\":30}]\n")
    try terminal.start()
    kill(try #require(terminal.glossPID), SIGHUP)
    try terminal.waitFor("GLOSS-EXITED-129")
  }

  @Test func closingTheTerminalEndsGlossAndItsPager() throws {
    let terminal = try TerminalSession(width: 100, height: 20)
    try terminal.start()
    try terminal.enter("list")
    try terminal.waitFor("\n:")
    #expect(terminal.remainingProcesses.contains { $0.name == "gloss" })
    try terminal.tmux(["kill-server"])
    let deadline = Date().addingTimeInterval(5)
    while !terminal.remainingProcesses.isEmpty, Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
    #expect(terminal.remainingProcesses.isEmpty, "left running: \(terminal.remainingProcesses)")
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
    try terminal.enter("clock")
    let screen = try terminal.waitFor("this store")
    #expect(screen.contains("REPLICA"))
    #expect(!screen.contains("changed my mind about\nID"), "the cancelled line did not run")
  }

  @Test func historySurvivesARestartCollapsesDuplicatesAndKeepsSecretsOut() throws {
    let terminal = try TerminalSession()
    try terminal.start()
    for line in ["tags", "clock", "clock", " status ye4z read", "peers trust bob abcd-efgh-ijkl-mnop"] {
      try terminal.enter(line)
    }
    try terminal.waitFor("trusting bob")
    try terminal.press("C-d")
    try terminal.waitFor("GLOSS-EXITED-0")
    let history = try String(contentsOfFile: terminal.historyFile, encoding: .utf8)
    #expect(history.contains("tags"))
    #expect(history.components(separatedBy: "clock").count == 2, "consecutive duplicates collapsed: \(history)")
    #expect(!history.contains("status ye4z"), "a line starting with a space is not kept")
    #expect(!history.contains("peers trust"), "secret commands are not kept")
    try terminal.start()
    try terminal.press("Up")
    try terminal.waitFor("alice@store> clock")
    try terminal.press("Up")
    try terminal.waitFor("alice@store> tags")
  }

  @Test func theScreenOfShow() throws {
    let terminal = try TerminalSession(width: 90, height: 60)
    try terminal.start()
    try terminal.enter("show antoniou2016remission")
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
    try terminal.enter("list year:2017 --limit 3")
    try terminal.waitFor("raise --limit")
    let lines = terminal.lines
    let start = try #require(lines.firstIndex { $0.hasSuffix("list year:2017 --limit 3") })
    let expected = [
      "alice@store> list year:2017 --limit 3",
      "ID            YEAR  AUTHOR      TITLE                                 JOURNAL",
      "qandbqhwyygc  2017  Atkin et …  Exceptional serological and radiolo…  BMC Gastr…",
      "rty6lwqgsxib  2017  Nass et a…  Validation of VX2 as a Hepatocellul…  Anticance…",
      "qcsboc5je24g  2017  Lin et al.  Contrary influence of clinically ap…  Biomed Ph…",
      "… more match; raise --limit to see them",
    ]
    #expect(Array(lines[start..<start + expected.count]) == expected)
    #expect(lines.allSatisfy { $0.count <= 80 })
  }

  @Test func outputLongerThanTheScreenGoesThroughTheRealLessAndQReturnsToThePrompt() throws {
    let terminal = try TerminalSession(width: 100, height: 20)
    try terminal.start()
    try terminal.enter("list")
    // less -FRX shows the first screenful and its ':' prompt: it has the terminal.
    let paged = try terminal.waitFor("\n:")
    #expect(!paged.contains("alice@store> \n"), "the prompt is not back while less shows the list")
    let less = try #require(terminal.remainingProcesses.first { $0.name == "less" })
    #expect(TerminalSession.state(of: less.pid) != "T", "less is stopped: it cannot read the terminal")
    try terminal.press("q")
    try terminal.enter("clock")
    let screen = try terminal.waitFor("this store")
    #expect(!screen.contains("GLOSS-EXITED"))
    #expect(!terminal.remainingProcesses.contains { $0.name == "less" }, "q ended the pager")
    try terminal.enter(".pager off")
    try terminal.enter("list")
    try terminal.waitFor("Lorenzin")
    #expect(!terminal.remainingProcesses.contains { $0.name == "less" })
  }

  @Test func aPagerWithOptionsRunsAndAMissingOneFallsBackToPrinting() throws {
    let withOptions = try TerminalSession(width: 100, height: 20)
    withOptions.extraEnvironment = ["PAGER": "less -S -R"]
    try withOptions.start()
    try withOptions.enter("list")
    try withOptions.waitFor("\n:")
    #expect(withOptions.remainingProcesses.contains { $0.name == "less" })
    try withOptions.press("q")
    try withOptions.waitFor("alice@store>")

    let missing = try TerminalSession(width: 100, height: 20)
    missing.extraEnvironment = ["PAGER": "no-such-pager-anywhere --quit"]
    try missing.start()
    try missing.enter("list")
    try missing.waitFor("Lorenzin")
    #expect(
      missing.scrollback.contains("gloss: the pager 'no-such-pager-anywhere --quit' was not found; printing instead"))
    try missing.waitFor("alice@store>")
  }

  @Test func errorsNeverLeaveTheREPL() throws {
    let terminal = try TerminalSession()
    try terminal.start()
    try terminal.enter("serch sorafenib")
    try terminal.waitFor("unknown command 'serch'; did you mean search?")
    try terminal.enter("show nothing-like-this")
    try terminal.waitFor("no record with id or citekey 'nothing-like-this'")
    try terminal.type("list (tag:x")
    try terminal.press("Enter")
    try terminal.waitFor("'(' is never closed at column 1")
    try terminal.enter(".mode json")
    try terminal.enter("status ye4z")
    try terminal.waitFor("\"id\": \"ye4zs5c4w64t\"")
    try terminal.enter("status ye4z \\")
    try terminal.waitFor("...>")
    try terminal.enter("read")
    try terminal.waitFor("\"you\": \"read\"")
    try terminal.press("C-d")
    try terminal.waitFor("GLOSS-EXITED-0")
  }

  @Test func anEmptyResultSaysSoAndJSONIsIndentedOnTheTerminal() throws {
    let terminal = try TerminalSession()
    try terminal.start()
    try terminal.enter("list year:1900")
    try terminal.waitFor("gloss: no records match")
    try terminal.enter(".mode json")
    try terminal.enter("status ye4z")
    let screen = try terminal.waitFor("\"id\": \"ye4zs5c4w64t\"")
    #expect(screen.contains("{\n  \"id\": \"ye4zs5c4w64t\","))
  }

  @Test func helpWrapsBetweenWordsAt80Columns() throws {
    let terminal = try TerminalSession(width: 80, height: 30)
    try terminal.start()
    try terminal.enter(".pager off")
    try terminal.enter("help")
    try terminal.waitFor("Ctrl-R searches history")
    // -J joins lines the terminal wrapped: any line longer than 80 was cut by the terminal.
    let joined = terminal.scrollback
    let lines = joined.split(separator: "\n").map(String.init)
    let help = try #require(lines.firstIndex(of: "alice@store> help"))
    let long = lines[help...].filter { $0.count > 80 }
    #expect(long.isEmpty, "wrapped by the terminal: \(long)")
    #expect(joined.contains(".schema [TABLE], \\d TABLE"))
  }

  @Test func tabCompletesHomePathsQuotedPathsAndInsideParentheses() throws {
    let terminal = try TerminalSession(width: 200)
    _ = try terminal.gloss(["tag", "bruix2017regorafenib", "hcc-trial"])
    let papers = terminal.home.appendingPathComponent("my papers")
    try FileManager.default.createDirectory(at: papers, withIntermediateDirectories: true)
    try FileManager.default.copyItem(
      atPath: TerminalSession.seed, toPath: papers.appendingPathComponent("sorafenib.txt").path)
    try FileManager.default.copyItem(
      atPath: TerminalSession.seed, toPath: terminal.home.appendingPathComponent("listing-a.txt").path)
    try terminal.start()
    try terminal.type("import ~/lis")
    try terminal.press("Tab")
    try terminal.waitFor("alice@store> import ~/listing-a.txt")
    try terminal.press("Enter")
    try terminal.waitFor("listing-a.txt: 0 new, 0 merged into existing records, 30 unchanged")
    try terminal.type("import \"\(terminal.home.path)/my")
    try terminal.press("Tab")
    try terminal.waitFor("/my papers/")
    try terminal.type("so")
    try terminal.press("Tab")
    try terminal.waitFor("/my papers/sorafenib.txt\"")
    try terminal.press("Enter")
    try terminal.waitFor("sorafenib.txt: 0 new, 0 merged into existing records, 30 unchanged")
    try terminal.type("import ~/my")
    try terminal.press("Tab")
    try terminal.waitFor("import ~/my\\ papers/")
    try terminal.press("C-u")
    try terminal.type("list (tag:hc")
    try terminal.press("Tab")
    try terminal.waitFor("alice@store> list (tag:hcc-trial")
  }

  @Test func aNoteWithoutTextIsWrittenInTheEditorWhichHasTheTerminal() throws {
    let terminal = try TerminalSession()
    // An editor that reads its text from the terminal: it would be stopped (SIGTTIN) if it
    // were not in the terminal's foreground process group.
    let editor = terminal.folder.appendingPathComponent("editor.sh").path
    try """
    #!/bin/sh
    printf 'EDITOR-READY ' > /dev/tty
    IFS= read -r line < /dev/tty
    if [ -n "$line" ]; then printf '%s\\n' "$line" >> "$1"; else : > "$1"; fi
    """.write(toFile: editor, atomically: true, encoding: .utf8)
    chmod(editor, 0o755)
    terminal.extraEnvironment = ["EDITOR": editor, "VISUAL": ""]
    try terminal.start()
    try terminal.enter("note bruix2017regorafenib")
    try terminal.waitFor("EDITOR-READY")
    try terminal.enter("Written in my editor")
    try terminal.waitFor("note on ye4zs5c4w64t")
    try terminal.enter("note bruix2017regorafenib")
    try terminal.waitFor("EDITOR-READY")
    try terminal.press("Enter")
    try terminal.waitFor("gloss: the note is empty; nothing was written")
    let notes = try terminal.gloss(["notes", "bruix2017regorafenib", "--json"])
    #expect(notes.contains("\"body\":\"Written in my editor\""))
    #expect(notes.components(separatedBy: "\"body\"").count == 2, "the empty note was not written")
  }
}
