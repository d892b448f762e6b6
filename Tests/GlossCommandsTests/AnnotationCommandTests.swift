import Foundation
import GlossCommands
import GlossCore
import Testing

@Suite struct AnnotationCommandTests {
  func seeded() throws -> GlossProcess {
    let gloss = GlossProcess()
    #expect(try gloss.run("import", GlossProcess.seed).status == 0)
    return gloss
  }

  @Test func tagsAreCaseInsensitiveAndKeepTheFirstSpelling() throws {
    let gloss = try seeded()
    #expect(try gloss.run("tag", "bruix2017regorafenib", "HCC", "Trial").stdout == "ye4zs5c4w64t: HCC Trial\n")
    try gloss.run("tag", "antoniou2016remission", "hcc")
    let tags = try gloss.run("tags", "--json").json()
    #expect(
      tags
        == .array([
          .object(["tag": .string("HCC"), "count": .int(2)]), .object(["tag": .string("Trial"), "count": .int(1)]),
        ]))
    #expect(try gloss.run("untag", "bruix2017regorafenib", "trial").stdout == "ye4zs5c4w64t: HCC\n")
    let missing = try gloss.run("untag", "bruix2017regorafenib", "nope")
    #expect(missing.status == 1)
    #expect(missing.stderr == "gloss: ye4zs5c4w64t has no tag 'nope'\n")
    #expect(try gloss.run("tag", "bruix2017regorafenib", "two words").status != 0)
    let listed = try gloss.run("list", "tag:hcc", "--json").json().arrayValue!.compactMap { $0["citekey"]?.stringValue }
    #expect(Set(listed) == ["bruix2017regorafenib", "antoniou2016remission"])
  }

  @Test func notesPrintTheirIdLastAndAnchorQuotes() throws {
    let gloss = try seeded()
    let note = try gloss.run(
      "note", "bruix2017regorafenib", "Compare with the SHARP trial", "--quote", "hazard ratio of 0·63")
    #expect(note.status == 0)
    let id = try #require(note.lines.dropLast().last)
    #expect(id.count == NoteID.length)
    #expect(id.allSatisfy { $0.isLowercase || $0.isNumber })
    let json = try gloss.run("note", "ye4z", "Second thought", "--json").json()
    let second = try #require(json["id"]?.stringValue)
    let notes = try gloss.run("notes", "bruix2017regorafenib", "--json").json().arrayValue!
    #expect(notes.compactMap { $0["id"]?.stringValue } == [id, second])
    let anchor = try #require(notes[0]["anchor"])
    #expect(anchor["exact"] == .string("hazard ratio of 0·63"))
    #expect(anchor["field"] == .string("abstract"))
    #expect(anchor["section"] == .int(2))
    #expect(anchor["prefix"]?.stringValue?.hasSuffix("overall survival with a ") == true)
    #expect(anchor["suffix"]?.stringValue?.hasPrefix(" (95% CI") == true)
    let bad = try gloss.run("note", "bruix2017regorafenib", "x", "--quote", "not in the paper")
    #expect(bad.status == 1)
    #expect(bad.stderr.contains("the quote does not occur in the title or abstract of ye4zs5c4w64t"))
    #expect(try gloss.run("note-edit", String(id.prefix(5)), "Compare with SHARP").stdout == "note \(id) edited\n")
    #expect(
      try gloss.run("search", "SHARP", "--json").json().arrayValue?.first?["citekey"] == .string("bruix2017regorafenib")
    )
    #expect(try gloss.run("note-delete", id).status == 0)
    #expect(try gloss.run("notes", "--json").json().arrayValue?.count == 1)
    #expect(try gloss.run("notes", "--all", "--json").json().arrayValue?.first?["state"] == .string("deleted"))
    #expect(try gloss.run("search", "SHARP", "--json").json() == .array([]), "deleted notes are not searched")
  }

  @Test func statusIsPersonalAndReadAsASentence() throws {
    let gloss = try seeded()
    #expect(try gloss.run("status", "bruix2017regorafenib").stdout == "ye4zs5c4w64t: you have not read it\n")
    #expect(try gloss.run("status", "bruix2017regorafenib", "reading").stdout == "ye4zs5c4w64t: alice is reading\n")
    #expect(try gloss.run("status", "bruix2017regorafenib", "read").stdout == "ye4zs5c4w64t: read by alice\n")
    let bad = try gloss.run("status", "bruix2017regorafenib", "done")
    #expect(bad.status != 0)
    #expect(bad.stderr.contains("'done' is not a status"))
    #expect(try gloss.run("list", "status:read", "--json").json().arrayValue?.count == 1)
    #expect(try gloss.run("list", "status:unread", "--json").json().arrayValue?.count == 29)
  }

  @Test func statusSentenceNamesEveryone() {
    #expect(
      StatusSentence.text([("alice", .read), ("bob", .read), ("carol", .reading)], you: "alice")
        == "read by alice and bob; carol is reading")
    #expect(
      StatusSentence.text([("bob", .toRead), ("carol", .toRead)], you: "alice")
        == "bob and carol want to read it; you have not read it")
  }

  @Test func setWritesOneFieldAndLogShowsTheWholeHistory() throws {
    let gloss = try seeded()
    #expect(try gloss.run("set", "bruix2017regorafenib", "year", "2018").stdout == "ye4zs5c4w64t.year set\n")
    #expect(try gloss.run("show", "ye4zs5c4w64t", "--json").json()["year"] == .int(2018))
    #expect(try gloss.run("set", "bruix2017regorafenib", "year", "soon").status != 0)
    #expect(try gloss.run("set", "bruix2017regorafenib", "colour", "red").stderr.contains("unknown field 'colour'"))
    try gloss.run("tag", "ye4z", "hcc")
    try gloss.run("note", "ye4z", "a note")
    try gloss.run("status", "ye4z", "read")
    let kinds = try gloss.run("log", "ye4z", "--json").json().arrayValue!.compactMap { $0["kind"]?.stringValue }
    #expect(kinds == ["status.set", "note.create", "tag.add", "record.set", "record.create"])
    #expect(try gloss.run("conflicts").stdout == "no conflicts\n")
  }

  @Test func dumpIsCanonicalAndStable() throws {
    let gloss = try seeded()
    try gloss.run("tag", "ye4z", "hcc")
    let first = try gloss.run("dump").stdout
    let second = try gloss.run("dump").stdout
    #expect(first == second)
    let parsed = try JSONValue(parsing: first.trimmingCharacters(in: .newlines))
    #expect(parsed.canonical + "\n" == first)
    #expect(parsed["records"]?.arrayValue?.count == 30)
  }
}
