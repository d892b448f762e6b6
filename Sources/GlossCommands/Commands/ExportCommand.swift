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
      QUERY selects records as in list (all when empty). Formats: bibtex (LaTeX accents), \
      biblatex (Unicode), csl-json (Pandoc, Zotero, citeproc), ris, annotations (W3C Web \
      Annotations, JSON-LD), markdown (reading notes). With -o the file is written whole or \
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
    if let output {
      let count = try ExportFile.write(to: output) { sink in try Self.export(exporter, compiled, from: store, to: sink)
      }
      FileHandle.standardError.write(Data("\(count) records written to \(output)\n".utf8))
    } else {
      var text = ""
      _ = try Self.export(exporter, compiled, from: store) { text += $0 }
      if text.hasSuffix("\n") { text.removeLast() }
      CommandContext.current.output.line(text)
    }
  }

  /// Reads the records from a cursor and formats them on two other threads, a chunk at a
  /// time (`ExportFormatter`): formatting is most of an export, reading the rest.
  static func export(
    _ exporter: any RecordExporter, _ query: CompiledQuery, from store: Store, to sink: @escaping (String) -> Void
  ) throws -> Int {
    let formatter = ExportFormatter(exporter, sink: sink)
    var count = 0
    do {
      try store.read { reader in
        let annotations = try reader.exportAnnotations()
        var chunk: [ExportedRecord] = []
        try reader.eachRecord(query) { view in
          chunk.append(ExportedRecord(record: view, annotations: annotations[view.num] ?? RecordAnnotations()))
          if chunk.count == 256 {
            formatter.submit(chunk)
            chunk.removeAll(keepingCapacity: true)
          }
          count += 1
        }
        formatter.submit(chunk)
      }
    } catch {
      formatter.finish()
      throw error
    }
    formatter.finish()
    return count
  }
}

/// Formats chunks of records on two threads and hands the text to `sink` in the order
/// the chunks were submitted: header, entries with separators, footer. `submit` waits while
/// a few chunks are queued, so memory stays bounded; `finish` writes the footer and returns
/// when everything is written. Formatting is pure; only the sink is serialised.
final class ExportFormatter: @unchecked Sendable {
  private static let workers = 2
  private let exporter: any RecordExporter
  private let sink: (String) -> Void
  private let condition = NSCondition()
  private var queue: [(Int, [ExportedRecord])] = []
  private var formatted: [Int: String] = [:]
  private var submitted = 0
  private var written = 0
  private var wroteEntry = false
  private var finished = false
  private var running = ExportFormatter.workers

  init(_ exporter: any RecordExporter, sink: @escaping (String) -> Void) {
    self.exporter = exporter
    self.sink = sink
    sink(exporter.header)
    for _ in 0..<Self.workers { Thread { [self] in work() }.start() }
  }

  func submit(_ chunk: [ExportedRecord]) {
    condition.lock()
    while queue.count + formatted.count >= 2 * Self.workers + 2 { condition.wait() }
    queue.append((submitted, chunk))
    submitted += 1
    condition.broadcast()
    condition.unlock()
  }

  func finish() {
    condition.lock()
    finished = true
    condition.broadcast()
    while running > 0 { condition.wait() }
    condition.unlock()
    sink(exporter.footer)
  }

  private func work() {
    condition.lock()
    while true {
      while queue.isEmpty && !finished { condition.wait() }
      if queue.isEmpty { break }
      let (sequence, chunk) = queue.removeFirst()
      condition.unlock()
      let text = chunk.lazy.map(exporter.entry).filter { !$0.isEmpty }.joined(separator: exporter.separator)
      condition.lock()
      formatted[sequence] = text
      // Whoever holds the next chunk in order writes it, and any that follow it.
      while let next = formatted.removeValue(forKey: written) {
        if !next.isEmpty {
          if wroteEntry { sink(exporter.separator) }
          sink(next)
          wroteEntry = true
        }
        written += 1
      }
      condition.broadcast()
    }
    running -= 1
    condition.broadcast()
    condition.unlock()
  }
}

/// An export written to a file: to a temporary file beside it, then renamed over it, so
/// that a failure or Ctrl-C never leaves half a file where a whole one was expected.
enum ExportFile {
  /// Runs `export` with a sink that writes to the temporary file; returns its result.
  static func write(to path: String, _ export: (@escaping (String) -> Void) throws -> Int) throws -> Int {
    let temporary = path + ".gloss-export-\(getpid())"
    guard FileManager.default.createFile(atPath: temporary, contents: nil),
      let handle = FileHandle(forWritingAtPath: temporary)
    else {
      throw StoreError("cannot write \(path): check that its folder exists and is writable")
    }
    do {
      // Straight from the string's bytes: no `Data` copy of a 100 MB export.
      let descriptor = handle.fileDescriptor
      var failure: Int32 = 0
      let count = try export { text in
        var text = text
        text.withUTF8 { bytes in
          var offset = 0
          while offset < bytes.count, failure == 0 {
            let written = Glibc.write(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
            if written < 0 { failure = errno } else { offset += written }
          }
        }
      }
      if failure != 0 { throw StoreError("cannot write \(path): \(String(cString: strerror(failure)))") }
      try handle.synchronize()
      try handle.close()
      if rename(temporary, path) != 0 {
        throw StoreError("cannot replace \(path): \(String(cString: strerror(errno)))")
      }
      return count
    } catch {
      try? handle.close()
      try? FileManager.default.removeItem(atPath: temporary)
      throw error
    }
  }
}
