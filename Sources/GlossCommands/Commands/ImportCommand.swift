import ArgumentParser
import Foundation
import GlossCore
import GlossImport
import GlossStore

struct ImportCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "import",
    abstract: "Import BibTeX, RIS, MEDLINE, PubMed XML, CSL-JSON files, CancerIndex pages or W3C annotations.",
    discussion: """
      Each file's format is read from its content. All the files are imported in one \
      transaction: if one of them is bad, nothing is written. A paper already in the store \
      (same DOI, PMID, or first author, year and title) is merged into its record: another \
      source fills the fields the record lacks; a corrected CancerIndex page corrects it. \
      Importing the same file again writes nothing.
      """)

  @OptionGroup var storeOptions: StoreOptions
  @Flag(help: "Print the summary as JSON.") var json = false
  @Option(
    help: ArgumentHelp(
      "Read every file as this format: \(ImportFormat.allCases.map(\.rawValue).joined(separator: ", ")).",
      valueName: "format"))
  var format: String?
  @Argument(help: ArgumentHelp("Files to import.", valueName: "file"), completion: .file()) var files: [String]

  func validate() throws {
    if files.isEmpty { throw ValidationError("name at least one file to import") }
    if let format, ImportFormat(rawValue: format) == nil {
      throw ValidationError(
        "--format takes \(ImportFormat.allCases.map(\.rawValue).joined(separator: ", ")), not '\(format)'")
    }
  }

  func run() throws {
    let store = try storeOptions.open()
    let progress = ProgressLine(noun: "records", enabled: !json)
    defer { progress.finish() }
    let summaries = try FileImport.run(files: files, format: format.flatMap(ImportFormat.init), into: store) {
      done, fraction in
      progress.update(done: done, fraction: fraction)
    }
    progress.finish()
    report(summaries)
  }

  private func report(_ summaries: [ImportSummary]) {
    let output = CommandContext.current.output
    if json {
      output.json(
        .array(
          zip(files, summaries).map { file, summary in
            .object([
              "file": .string(file), "new": .int(Int64(summary.new)), "merged": .int(Int64(summary.merged)),
              "unchanged": .int(Int64(summary.unchanged)), "operations": .int(Int64(summary.operations)),
              "skipped": .array(
                summary.skipped.map { .object(["line": .int(Int64($0.line)), "reason": .string($0.reason)]) }),
            ])
          }))
      return
    }
    for (file, summary) in zip(files, summaries) {
      if summary.ofAnnotations {
        output.line(
          "\(file): \(summary.new) notes restored, \(summary.merged) records tagged, \(summary.unchanged) already there, "
            + "\(summary.skipped.count) skipped (\(summary.operations) operations)")
        for skip in summary.skipped { output.line("  skipped \(file):\(skip.line): \(skip.reason)") }
        continue
      }
      output.line(
        "\(file): \(summary.new) new, \(summary.merged) merged into existing records, \(summary.unchanged) unchanged, "
          + "\(summary.skipped.count) skipped (\(summary.operations) operations)")
      for skip in summary.skipped {
        output.line("  skipped \(file):\(skip.line): \(skip.reason)")
      }
    }
  }
}

extension ImportError: LocalizedError {
  public var errorDescription: String? { description }
}
