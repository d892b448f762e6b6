import Foundation
import GlossCore
import Testing

/// The CLI as a person at a shell meets it: a mistyped path, command, field or value gets
/// one message that says what to do, and a query that cannot mean anything is not an
/// empty table.
@Suite struct CommandLineTests {
  static func seeded() throws -> GlossProcess {
    let gloss = GlossProcess()
    #expect(try gloss.run("import", GlossProcess.seed).status == 0)
    return gloss
  }

  @Test func onlyInitMakesAStoreAndAMistypedPathSaysHow() throws {
    let gloss = GlossProcess(createStore: false)
    let typo = gloss.folder.appendingPathComponent("nope.sqlite").path
    let missing = try gloss.run("list", "--store", typo)
    #expect(missing.status == 1)
    #expect(
      missing.stderr == "gloss: no Gloss store at \(typo); create one with: gloss init --store \(typo) [--name NAME]\n")
    #expect(missing.stdout.isEmpty)
    #expect(!FileManager.default.fileExists(atPath: typo), "nothing was created")
    let byDefault = try gloss.run("tags")
    #expect(byDefault.stderr.contains("create one with: gloss init [--name NAME]"))
    #expect(try gloss.run("--store", typo, "init", "--name", "alice").status == 0)
    let before = try gloss.run("--store", typo, "import", GlossProcess.seed)
    #expect(before.status == 0, "\(before.stderr)")
    #expect(try gloss.run("--store=\(typo)", "list", "--json").json().arrayValue?.count == 30)
    #expect(try gloss.run("--store", typo, "sync", "status").status == 0)
  }

  @Test func anotherProgramsDatabaseIsNeverTouched() throws {
    let gloss = GlossProcess(createStore: false)
    let foreign = gloss.folder.appendingPathComponent("zotero.sqlite").path
    let sqlite = Process()
    sqlite.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
    sqlite.arguments = [foreign, "CREATE TABLE items(id INTEGER PRIMARY KEY, title TEXT)"]
    try sqlite.run()
    sqlite.waitUntilExit()
    let before = try Data(contentsOf: URL(fileURLWithPath: foreign))
    for arguments in [["init", "--store", foreign], ["list", "--store", foreign]] {
      let result = try gloss.run(arguments: arguments)
      #expect(result.status == 1)
      #expect(result.stderr.contains("is a SQLite database of another program, not a Gloss store"))
    }
    #expect(try Data(contentsOf: URL(fileURLWithPath: foreign)) == before)
  }

  @Test func typosGetOneMessageWithWhatToDo() throws {
    let gloss = try Self.seeded()
    let command = try gloss.run("serch", "sorafenib")
    #expect(command.status == 64)
    #expect(command.stderr == "gloss: unknown command 'serch'; did you mean search?\n")
    let year = try gloss.run("set", "ye4z", "year", "banana")
    #expect(year.status == 64)
    #expect(
      year.stderr == "gloss: 'banana' is not a valid year: year must be a number, like 2017 (or empty to clear it)\n")
    let field = try gloss.run("set", "ye4z", "yaer", "2017")
    #expect(field.stderr == "gloss: unknown field 'yaer'; did you mean year?\n")
    let limit = try gloss.run("list", "--limit", "-1")
    #expect(limit.status == 64)
    #expect(limit.stderr.hasPrefix("gloss: --limit must be a positive number, not -1\n"))
    #expect(!limit.stderr.contains("Missing value"))
    #expect(!limit.stderr.contains("Error:"))
  }

  @Test func queriesThatCannotMeanAnythingSaySo() throws {
    let gloss = try Self.seeded()
    try gloss.run("tag", "ye4z", "hcc")
    let field = try gloss.run("list", "auther:Bruix")
    #expect(field.status == 1)
    #expect(field.stderr.contains("unknown field 'auther:'; did you mean author:?"))
    let person = try gloss.run("list", "read-by:nobody")
    #expect(person.status == 1)
    #expect(person.stderr.contains("nobody called 'nobody' shares this store (persons: alice)"))
    let tag = try gloss.run("list", "tag:hcc;")
    #expect(tag.status == 1)
    #expect(tag.stderr.contains("no record has the tag 'hcc;'; did you mean tag:hcc?"))
    let titles = try gloss.run("list", "title:sorafenib", "--json").json().arrayValue ?? []
    #expect(!titles.isEmpty)
    #expect(titles.allSatisfy { $0["title"]?.stringValue?.lowercased().contains("sorafenib") == true })
    #expect(
      try gloss.run("list", "-tag:never-used", "--json").json().arrayValue?.count == 30, "a negated tag is vacuous")
  }

  @Test func negatedTermsAreQueryTermsNotOptions() throws {
    let gloss = try Self.seeded()
    try gloss.run("tag", "ye4z", "trial")
    let all2017 = try gloss.run("list", "year:2017", "--json").json().arrayValue?.count ?? 0
    let negated = try gloss.run("list", "year:2017", "-tag:trial", "--json")
    #expect(negated.status == 0, "\(negated.stderr)")
    #expect(try negated.json().arrayValue?.count == all2017 - 1)
    let grouped = try gloss.run("list", "-(year:2017)", "-\"hepatocellular\"", "--limit", "100", "--json")
    #expect(grouped.status == 0, "\(grouped.stderr)")
  }

  @Test func anEmptyResultIsEmptyInAPipeAndInJSON() throws {
    let gloss = try Self.seeded()
    let table = try gloss.run("list", "year:1900")
    #expect(table.status == 0)
    #expect(table.stdout.isEmpty && table.stderr.isEmpty)
    #expect(try gloss.run("list", "year:1900", "--json").stdout == "[]\n")
    #expect(try gloss.run("search", "zzzqqq", "--csv").stdout == "ID,YEAR,AUTHOR,TITLE,JOURNAL,TAGS,STATUS,NOTES\n")
  }

  @Test func resolveRefusesWhatIsNotInConflict() throws {
    let gloss = try Self.seeded()
    let note = try #require(try gloss.run("note", "ye4z", "one value").lines.dropLast().last)
    let before = try gloss.operationCount()
    let field = try gloss.run("resolve", "ye4z.title", "--value", "Another title")
    #expect(field.status == 1)
    #expect(field.stderr.contains("ye4zs5c4w64t.title is not in conflict"))
    let noteResult = try gloss.run("resolve", note, "--keep", "1")
    #expect(noteResult.status == 1)
    #expect(noteResult.stderr.contains("\(note) is not in conflict"))
    #expect(try gloss.operationCount() == before, "nothing was written")
  }

  @Test func showAndListingsCarryWhatPeopleAdded() throws {
    let gloss = try Self.seeded()
    try gloss.run("tag", "ye4z", "HCC", "trial")
    let note = try #require(
      try gloss.run("note", "ye4z", "Compare with SHARP", "--quote", "hazard ratio of 0·63").lines.dropLast().last)
    try gloss.run("status", "ye4z", "read")
    let show = try gloss.run("show", "ye4z")
    let text = show.stdout
    #expect(text.contains("\nTAGS\n  HCC, trial\n"))
    #expect(text.contains("\nSTATUS\n  alice  read\n"))
    #expect(text.contains("\nNOTES\n  \(note)  alice  "))
    #expect(text.contains("    > “hazard ratio of 0·63”\n    Compare with SHARP\n"))
    let json = try gloss.run("show", "ye4z", "--json").json()
    #expect(json["tags"] == .array([.string("HCC"), .string("trial")]))
    #expect(json["status"] == .object(["alice": .string("read")]))
    #expect(json["notes"]?.arrayValue?.first?["body"] == .string("Compare with SHARP"))
    #expect(json["notes"]?.arrayValue?.first?["anchor"]?["exact"] == .string("hazard ratio of 0·63"))
    let listed = try gloss.run("list", "tag:hcc", "--json").json().arrayValue?.first
    #expect(listed?["tags"] == .array([.string("HCC"), .string("trial")]))
    #expect(listed?["status"] == .object(["alice": .string("read")]))
    #expect(listed?["notes"] == .int(1))
    let csv = try gloss.run("list", "tag:hcc", "--csv").lines
    #expect(csv[0] == "ID,YEAR,AUTHOR,TITLE,JOURNAL,TAGS,STATUS,NOTES")
    #expect(csv[1].hasSuffix(",HCC; trial,alice:read,1"))
    let plain = try gloss.run("show", "antoniou2016remission").stdout
    #expect(!plain.contains("TAGS") && !plain.contains("NOTES") && !plain.contains("STATUS"))
  }

  @Test func showListsOpenConflicts() throws {
    let gloss = GlossProcess(person: "verifier")
    for name in ["01-alice.gloss", "02-bob.gloss", "03-alice.gloss"] {
      #expect(try gloss.run("sync", "import", "--trust", SyncCommandTests.vector(name)).status == 0)
    }
    let conflicts = try gloss.run("conflicts", "--json").json().arrayValue ?? []
    let first = try #require(conflicts.first)
    let record = try #require(first["record"]?.stringValue)
    let target = try #require(first["target"]?.stringValue)
    let show = try gloss.run("show", record).stdout
    #expect(show.contains("\nCONFLICTS\n  \(target): 2 values; gloss conflicts \(record) shows them"))
  }
}
