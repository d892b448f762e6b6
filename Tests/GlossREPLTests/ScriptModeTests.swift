import Foundation
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
    #expect(result.stdout.contains("ID,YEAR,AUTHOR,TITLE,JOURNAL\nqandbqhwyygc,2017,Atkin et al."))
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
    #expect(REPL.unknown("serch") == "unknown command 'serch'; did you mean search?")
    #expect(REPL.unknown("stat").contains("status"))
    #expect(REPL.unknown("zzzzzzzz") == "unknown command 'zzzzzzzz'; type help for the list")
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
  }
}
