import ArgumentParser
import Foundation
import GlossCore
import GlossExport
import GlossStore

/// The formats `gloss export` writes.
enum ExportFormat: String, CaseIterable {
  case bibtex, biblatex, cslJSON = "csl-json", ris, annotations, markdown
}

struct ExportCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "export",
    abstract: "Write records, with tags, notes and your reading status, for LaTeX, Pandoc, Zotero and others.",
    discussion: """
      QUERY selects records as in list (all when empty). Formats: bibtex (LaTeX accents),
      biblatex (Unicode), csl-json (Pandoc, Zotero, citeproc), ris, annotations (W3C Web
      Annotations, JSON-LD), markdown (reading notes). With -o the file is written whole or
      not at all.
      """)

  @OptionGroup var storeOptions: StoreOptions
  @Option(help: ArgumentHelp("bibtex, biblatex, csl-json, ris, annotations or markdown.", valueName: "format"))
  var format: String
  @Option(name: [.customShort("o"), .customLong("output")], help: "Write to this file, not standard output.")
  var output: String?
  @Flag(help: "BibLaTeX with LaTeX accents instead of Unicode.") var ascii = false
  @Option(help: "Markdown: only this person's notes, and their status.") var by: String?
  @Argument(parsing: .allUnrecognized, help: ArgumentHelp("A query.", valueName: "query")) var query: [String] = []

  func validate() throws {
    guard ExportFormat(rawValue: format) != nil else {
      throw ValidationError(
        "--format takes \(ExportFormat.allCases.map(\.rawValue).joined(separator: ", ")), not '\(format)'")
    }
  }

  func run() throws {
    let store = try storeOptions.open()
    let person = by ?? store.local.person
    let exporter: any RecordExporter =
      switch ExportFormat(rawValue: format)! {
      case .bibtex: BibTeXExport(dialect: .bibtex, ascii: true, person: person)
      case .biblatex: BibTeXExport(dialect: .biblatex, ascii: ascii, person: person)
      case .cslJSON: CSLJSONExport()
      case .ris: RISExport()
      case .annotations: AnnotationsExport()
      case .markdown: MarkdownExport(person: person, onlyPerson: by != nil)
      }
    let compiled = try QueryCompiler(person: store.local.person).compile(query.joined(separator: " "), ranked: false)
    let records = try store.read { reader in
      let annotations = try reader.exportAnnotations()
      return try reader.records(compiled, limit: nil).records.map { view in
        ExportedRecord(record: view, annotations: annotations[view.num] ?? RecordAnnotations())
      }
    }
    if let output {
      let count = try ExportFile.write(exporter, records, to: output)
      FileHandle.standardError.write(Data("\(count) records written to \(output)\n".utf8))
    } else {
      var text = ""
      ExportFile.render(exporter, records) { text += $0 }
      if text.hasSuffix("\n") { text.removeLast() }
      CommandContext.current.output.line(text)
    }
  }
}

/// An export written to a file: to a temporary file beside it, then renamed over it, so
/// that a failure or Ctrl-C never leaves half a file where a whole one was expected.
enum ExportFile {
  static func render(_ exporter: any RecordExporter, _ records: [ExportedRecord], _ write: (String) -> Void) {
    write(exporter.header)
    var first = true
    for record in records {
      let entry = exporter.entry(record)
      guard !entry.isEmpty else { continue }
      if !first { write(exporter.separator) }
      first = false
      write(entry)
    }
    write(exporter.footer)
  }

  static func write(_ exporter: any RecordExporter, _ records: [ExportedRecord], to path: String) throws -> Int {
    let target = path
    let temporary = target + ".gloss-export-\(getpid())"
    guard FileManager.default.createFile(atPath: temporary, contents: nil),
      let handle = FileHandle(forWritingAtPath: temporary)
    else {
      throw StoreError("cannot write \(path): check that its folder exists and is writable")
    }
    do {
      var pending = ""
      render(exporter, records) { text in
        pending += text
        if pending.utf8.count > 1 << 20 {
          handle.write(Data(pending.utf8))
          pending = ""
        }
      }
      handle.write(Data(pending.utf8))
      try handle.synchronize()
      try handle.close()
      if rename(temporary, target) != 0 {
        throw StoreError("cannot replace \(path): \(String(cString: strerror(errno)))")
      }
    } catch {
      try? FileManager.default.removeItem(atPath: temporary)
      throw error
    }
    return records.count
  }
}
