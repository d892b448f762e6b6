import Foundation
import GlossCore
import Testing

/// `gloss export` as a researcher uses it: every format read by the real tools that read
/// it (Python's bibtexparser, pybtex, citeproc-py, rispy, jsonschema, pyld, installed by
/// `Scripts/test`), and BibTeX read back by Gloss into the same records.
@Suite struct ExportTests {
  static let sources: [String] = {
    let fixtures = LibraryImportTests.fixtures
    var paths = [GlossProcess.seed]
    for folder in ["bibtex", "ris", "medline", "pubmed-xml", "csl-json"] {
      let names = (try? FileManager.default.contentsOfDirectory(atPath: fixtures.appendingPathComponent(folder).path))
      for name in (names ?? []).sorted() { paths.append(fixtures.appendingPathComponent("\(folder)/\(name)").path) }
    }
    return paths
  }()

  static let python = GlossProcess.repository.appendingPathComponent(".build/clients-venv/bin/python").path

  /// A store holding `source`, its first record tagged, annotated (a highlight when the
  /// record has an abstract) and read by alice.
  func annotatedStore(_ source: String) throws -> GlossProcess {
    let gloss = GlossProcess()
    let imported = try gloss.run("import", source)
    #expect(imported.status == 0, "\(source): \(imported.stderr)")
    let records = try gloss.run("list", "--json").json().arrayValue ?? []
    if let first = records.first?["id"]?.stringValue {
      try gloss.run("tag", first, "hcc", "to-cite")
      try gloss.run("note", first, "Check the dose & the {braces}: 50% of $x_1$ ~ \"quoted\"")
      if let text = records.first?["abstract"]?.arrayValue?.first?["text"]?.stringValue, text.count > 20 {
        try gloss.run("note", first, "Important", "--quote", String(text.prefix(12)))
      }
      try gloss.run("status", first, "read")
    }
    return gloss
  }

  @Test func everyExportIsReadByTheRealTools() throws {
    guard FileManager.default.isExecutableFile(atPath: Self.python) else {
      Issue.record(
        "the Python clients are not installed: run Scripts/test, which installs them into .build/clients-venv")
      return
    }
    var folders: [String] = []
    for source in Self.sources {
      let gloss = try annotatedStore(source)
      let folder = gloss.folder.appendingPathComponent("exports-" + (source as NSString).lastPathComponent).path
      try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
      for (format, file) in [
        ("bibtex", "export.bib"), ("biblatex", "export-biblatex.bib"), ("csl-json", "export.json"),
        ("ris", "export.ris"), ("annotations", "annotations.jsonld"),
      ] {
        let written = try gloss.run("export", "--format", format, "-o", folder + "/" + file)
        #expect(written.status == 0, "\(source) \(format): \(written.stderr)")
      }
      // What the tools must find: each record's fields, tags, notes and alice's status.
      let notes = try gloss.run("notes", "--json").json().arrayValue ?? []
      let expected = (try gloss.run("list", "--json").json().arrayValue ?? []).map { record -> JSONValue in
        let id = record["id"] ?? .null
        return .object([
          "citekey": record["citekey"] ?? .null, "title": record["title"] ?? .null,
          "authors": record["authors"] ?? .null, "year": record["year"] ?? .null, "doi": record["doi"] ?? .null,
          "tags": record["tags"] ?? .array([]),
          "noteBodies": .array(notes.filter { $0["record"] == id }.compactMap { $0["body"] }),
          "status": record["status"]?["alice"] ?? .string("unread"),
        ])
      }
      _ = FileManager.default.createFile(
        atPath: folder + "/expected.json", contents: Data(JSONValue.array(expected).canonical.utf8))
      folders.append(folder)
    }
    let fixtures = LibraryImportTests.fixtures
    let check = Process()
    check.executableURL = URL(fileURLWithPath: Self.python)
    check.arguments =
      [
        GlossProcess.repository.appendingPathComponent("Tests/Clients/check_exports.py").path,
        fixtures.appendingPathComponent("csl/csl-data.json").path,
        fixtures.appendingPathComponent("w3c/anno.jsonld").path,
      ] + folders
    let output = Pipe()
    check.standardOutput = output
    check.standardError = output
    try check.run()
    let report = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    check.waitUntilExit()
    #expect(check.terminationStatus == 0, "\(report)")
    #expect(report.contains("checked \(Self.sources.count) exports: 0 problems"), "\(report)")
  }

  /// Exported as BibTeX or BibLaTeX and imported into a fresh store: the same records,
  /// with the same ids and the same fields.
  @Test(arguments: ["bibtex", "biblatex"]) func bibtexRoundTripsToTheSameRecords(format: String) throws {
    for source in Self.sources {
      let original = GlossProcess()
      try original.run("import", source)
      let file = original.folder.appendingPathComponent("library.bib").path
      #expect(try original.run("export", "--format", format, "-o", file).status == 0)
      let copy = GlossProcess()
      let imported = try copy.run("import", file)
      #expect(imported.status == 0, "\(source): \(imported.stderr)")
      func records(_ gloss: GlossProcess) throws -> [String: JSONValue] {
        var byID: [String: JSONValue] = [:]
        for record in try gloss.run("list", "--json").json().arrayValue ?? [] {
          guard case .object(var members) = record else { continue }
          // Annotations and the CancerIndex topic are not bibliography.
          for key in ["tags", "status", "notes", "topic"] { members[key] = nil }
          byID[record["id"]!.stringValue!] = .object(members)
        }
        return byID
      }
      let before = try records(original)
      let after = try records(copy)
      #expect(before.count > 0)
      #expect(Set(before.keys) == Set(after.keys), "\(source): ids differ")
      for (id, record) in before where after[id] != record {
        Issue.record("\(source) \(format): \(id) differs:\n\(record.canonical)\n\(after[id]?.canonical ?? "")")
      }
    }
  }

  @Test func annotationsImportBackOntoTheRecordsTheyTarget() throws {
    let alice = try annotatedStore(GlossProcess.seed)
    let file = alice.folder.appendingPathComponent("notes.jsonld").path
    #expect(try alice.run("export", "--format", "annotations", "-o", file).status == 0)
    let bob = GlossProcess(person: "bob")
    try bob.run("import", GlossProcess.seed)
    let restored = try bob.run("import", file)
    #expect(restored.status == 0, "\(restored.stderr)")
    #expect(restored.stdout.contains("2 notes restored, 1 records tagged, 0 already there, 0 skipped"))
    let first = try #require(try alice.run("list", "tag:hcc", "--json").json().arrayValue?.first?["id"]?.stringValue)
    let shown = try bob.run("show", first, "--json").json()
    #expect(shown["tags"] == .array([.string("hcc"), .string("to-cite")]))
    let notes = shown["notes"]?.arrayValue ?? []
    let bodies = notes.compactMap { $0["body"]?.stringValue }
    #expect(bodies.contains("Check the dose & the {braces}: 50% of $x_1$ ~ \"quoted\""))
    #expect(notes.contains { $0["anchor"] != nil && $0["anchor"] != .null }, "the highlight keeps its quote")
    let again = try bob.run("import", file)
    #expect(again.stdout.contains("0 notes restored, 0 records tagged, 3 already there"))
    let empty = GlossProcess(person: "carol")
    let nowhere = try empty.run("import", file)
    #expect(nowhere.status == 0 && nowhere.stdout.contains("3 skipped"))
    #expect(nowhere.stdout.contains("no record in this store is urn:gloss:record:\(first)"))
    let notJSON = empty.file("broken.jsonld", "{\"type\": \"AnnotationCollection\", ")
    let broken = try empty.run("import", notJSON)
    #expect(broken.status == 1 && broken.stderr.contains("broken.jsonld") && broken.stderr.contains("not valid JSON"))
  }

  @Test func markdownReadingNotesShowStatusTagsAndHighlights() throws {
    let gloss = try annotatedStore(GlossProcess.seed)
    let all = try gloss.run("export", "--format", "markdown", "tag:hcc")
    #expect(all.status == 0)
    #expect(all.stdout.hasPrefix("# Reading notes\n\n## "))
    #expect(all.stdout.contains("status: read · tags: #hcc #to-cite"))
    #expect(all.stdout.contains("\n> "), "a highlight is a quote")
    #expect(all.stdout.contains("Check the dose & the {braces}: 50% of $x_1$"))
    #expect(all.stdout.contains("— alice, "))
    let bob = try gloss.run("export", "--format", "markdown", "--by", "bob", "tag:hcc")
    #expect(bob.stdout.hasPrefix("# Reading notes by bob"))
    #expect(!bob.stdout.contains("Check the dose"), "only bob's notes")
    #expect(bob.stdout.contains("status: unread"))
  }

  @Test func aFailedExportWritesNothingAndABadFormatIsNamed() throws {
    let gloss = GlossProcess()
    try gloss.run("import", GlossProcess.seed)
    let missing = try gloss.run("export", "--format", "ris", "-o", gloss.folder.path + "/no/such/folder/x.ris")
    #expect(missing.status == 1 && missing.stderr.contains("cannot write"))
    let target = gloss.file("keep.bib", "@misc{old, title = {kept}}\n")
    let bad = try gloss.run("export", "year:banana", "--format", "bibtex", "-o", target)
    #expect(bad.status != 0)
    #expect(try String(contentsOfFile: target, encoding: .utf8) == "@misc{old, title = {kept}}\n")
    let leftovers = try FileManager.default.contentsOfDirectory(atPath: gloss.folder.path).filter {
      $0.contains(".gloss-export-")
    }
    #expect(leftovers.isEmpty)
    let unknown = try gloss.run("export", "--format", "endnote")
    #expect(unknown.status == 64 && unknown.stderr.contains("--format takes bibtex, biblatex, csl-json, ris"))
    let written = try gloss.run("export", "--format", "csl-json", "-o", target)
    #expect(written.status == 0 && written.stderr.contains("30 records written to"))
    #expect((try JSONValue(parsing: String(contentsOfFile: target, encoding: .utf8))).arrayValue?.count == 30)
  }
}
