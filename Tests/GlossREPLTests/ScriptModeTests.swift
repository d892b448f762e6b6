import Foundation
import GlossCommands
import GlossCore
import GlossStore
import Testing

@testable import GlossREPL

@Suite struct ScriptModeTests {
  func run(_ input: String) throws -> (status: Int32, stdout: String, stderr: String) {
    let session = try TerminalSession()
    defer { session.stop() }
    let process = Process()
    process.executableURL = URL(fileURLWithPath: TerminalSession.executable)
    process.environment = ProcessInfo.processInfo.environment.merging(session.environment) { $1 }.merging([
      "NO_COLOR": ""
    ]) { $1 }
    let stdin = Pipe()
    let stdout = Pipe()
    let stderr = Pipe()
    process.standardInput = stdin
    process.standardOutput = stdout
    process.standardError = stderr
    try process.run()
    stdin.fileHandleForWriting.write(Data(input.utf8))
    try stdin.fileHandleForWriting.close()
    let out = stdout.fileHandleForReading.readDataToEndOfFile()
    let err = stderr.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: out, as: UTF8.self), String(decoding: err, as: UTF8.self))
  }

  @Test func pipedCommandsRunWithoutPromptOrEscapes() throws {
    let result = try run("search psoriasis\n.mode csv\nlist year:2017 \\\n  --limit 1\n")
    #expect(result.status == 0)
    #expect(!result.stdout.contains("alice@"))
    #expect(!result.stdout.contains("\u{1B}"))
    #expect(result.stdout.contains("m7yinkcwdypb  2016  Antoniou et al."))
    #expect(result.stdout.contains("ID,YEAR,AUTHOR,TITLE,JOURNAL,TAGS,STATUS,NOTES\nqandbqhwyygc,2017,Atkin et al."))
    #expect(result.stderr.isEmpty)
  }

  @Test func aFailingLineIsNamedAndTheStatusIsNonZero() throws {
    let result = try run("clock\nshow nope\nserch x\ntags\n")
    #expect(result.status == 1)
    #expect(
      result.stderr
        == "gloss: line 2: no record with id or citekey 'nope'; `gloss search WORDS` finds records by content\ngloss: line 3: unknown command 'serch'; did you mean search?\n"
    )
    #expect(result.stdout.contains("REPLICA"), "the lines after an error still ran")
    #expect(result.stdout.contains("TAG  RECORDS"))
  }

  @Test func helpIsTheSameTextAsDashDashHelp() throws {
    let session = try TerminalSession(importSeed: false)
    defer { session.stop() }
    let flag = try session.gloss(["sync", "import", "--help"])
    let repl = try run("help sync import\n")
    #expect(repl.stdout == flag)
    #expect(flag.contains("USAGE: gloss sync import"))
  }

  @Test func tokenizerSplitsLikeAShell() throws {
    #expect(
      try Tokenizer.split(#"note ye4z "a \"quoted\" note" --quote 'it''s'"#) == [
        "note", "ye4z", #"a "quoted" note"#, "--quote", "its",
      ])
    #expect(try Tokenizer.split(#"search hand\ foot"#) == ["search", "hand foot"])
    #expect(throws: Tokenizer.Unterminated.self) { try Tokenizer.split("note x 'oops") }
  }

  @Test func didYouMean() {
    #expect(Suggestion.unknownCommand("serch") == "unknown command 'serch'; did you mean search?")
    #expect(Suggestion.unknownCommand("stat").contains("status"))
    #expect(Suggestion.unknownCommand("zzzzzzzz") == "unknown command 'zzzzzzzz'; gloss --help lists them")
  }

  @Test func sqlTakesTheRestOfTheLineVerbatim() throws {
    let result = try run(
      "sql select title from record where citekey = 'lin2017contrary'\nsql --json SELECT \"id\" FROM record WHERE year = 2016 AND title LIKE '%\\%' LIMIT 1\n"
    )
    #expect(result.stderr.isEmpty, "\(result.stderr)")
    #expect(result.stdout.contains("title\nContrary influence of clinically applied sorafenib concentrations"))
    #expect(result.stdout.contains("[]"), "a backslash and double quotes reach SQLite as typed")
  }

  @Test func metaCommandsOfSqliteAndPsql() throws {
    let session = try TerminalSession(importSeed: false)
    defer { session.stop() }
    let outFile = session.folder.appendingPathComponent("out.txt").path
    let script = session.folder.appendingPathComponent("more.gloss").path
    try "# a comment\nshow ye4z\n\nshow nothing-here\n".write(toFile: script, atomically: true, encoding: .utf8)
    let result = try run(
      """
      # comments and blank lines are skipped

      .tables
      \\d tag
      \\x
      list year:2017 --limit 1
      \\x off
      .output \(outFile)
      clock
      .output
      tags
      .read \(script)
      \\q
      list
      """ + "\n")
    #expect(result.stdout.contains("operation"), "tables are listed")
    #expect(!result.stdout.contains("record_fts_data"), "FTS5's shadow tables are not")
    #expect(result.stdout.contains("CREATE TABLE tag"))
    #expect(result.stdout.contains("-[ 1 ]"))
    #expect(result.stdout.contains("ID       qandbqhwyygc"))
    #expect(!result.stdout.contains("REPLICA"), ".output sent the clock to the file")
    let written = try String(contentsOfFile: outFile, encoding: .utf8)
    #expect(written.contains("REPLICA") && written.contains("this store"))
    #expect(result.stdout.contains("TAG  RECORDS"), "back on the screen after .output alone")
    #expect(result.stdout.contains("Regorafenib"), ".read ran the file")
    #expect(result.stderr.contains("line 12: \(script):4: no record with id or citekey 'nothing-here'"))
    #expect(!result.stdout.contains("Lorenzin"), "nothing ran after \\q")
    #expect(result.status == 1)
  }

  @Test func unknownMetaCommandsAndTablesSuggest() throws {
    let result = try run(".tabels\n\\d recrod\n")
    #expect(result.stderr.contains("unknown command '.tabels'; did you mean .tables?"))
    #expect(result.stderr.contains("no table 'recrod'; did you mean record?"))
  }

  @Test func completerKnowsWhatEachPlaceExpects() {
    let completer = Completer(store: { nil })
    #expect(completer.complete("sea").insert == "rch ")
    #expect(completer.complete("sync ex").insert == "port ")
    #expect(completer.complete("status ye4z rea").insert == "d")
    #expect(completer.complete("status ye4z read").listing == "read     reading\n")
    #expect(completer.complete("list has:co").insert == "nflict ")
    #expect(completer.complete("list -tag").insert == ":")
    #expect(completer.complete("set ye4z ye").insert == "ar ")
    #expect(completer.complete("search --li").insert == "mit ")
    #expect(completer.complete(".mode j").insert == "son ")
    #expect(completer.complete("note ye4z some text ").insert == "")
    #expect(completer.complete("list (has:co").insert == "nflict ")
    #expect(completer.complete("list -(-has:co").insert == "nflict ")
    #expect(completer.complete(".output /nonexistent-folder/x").insert == "")
    #expect(completer.complete("\\x o").listing == "off  on\n")
  }

  @Test func completionNeverOffersYourselfAsAPeer() throws {
    let session = try TerminalSession(importSeed: false)
    defer { session.stop() }
    let store = try Store(path: session.environment["GLOSS_STORE"]!, create: false)
    let completer = Completer(store: { store })
    #expect(completer.complete("peers trust ").insert == "")
    #expect(completer.complete("peers trust al").insert == "")
    #expect(completer.complete("list read-by:al").insert == "ice ", "read-by: may name yourself")
  }

  @Test func tokenizerExpandsHomeLikeAShell() throws {
    let words = try Tokenizer.words("import ~/a.txt ~ ~bob '~/q' x~", home: "/home/al")
    #expect(words.map(\.text) == ["import", "/home/al/a.txt", "/home/al", "~bob", "~/q", "x~"])
  }
}
