import ArgumentParser
import Foundation
import GlossCore
import GlossImport
import GlossStore

struct ImportCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "import",
    abstract: "Import CancerIndex publication listings saved as text.",
    discussion: """
      All the files are imported in one transaction: if one of them is bad, nothing is written.
      Importing the same page again writes nothing; a corrected field becomes one update.
      """)

  @OptionGroup var storeOptions: StoreOptions
  @Flag(help: "Print the summary as JSON.") var json = false
  @Argument(help: ArgumentHelp("Listing files.", valueName: "file"), completion: .file()) var files: [String]

  func validate() throws {
    if files.isEmpty { throw ValidationError("name at least one listing file to import") }
  }

  func run() throws {
    let store = try storeOptions.open()
    let progress = ProgressLine(noun: "records", enabled: !json)
    defer { progress.finish() }
    let summaries = try ListingImport.run(files: files, into: store) { done, fraction in
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
              "file": .string(file), "new": .int(Int64(summary.new)), "updated": .int(Int64(summary.updated)),
              "unchanged": .int(Int64(summary.unchanged)), "operations": .int(Int64(summary.operations)),
              "skipped": .array(
                summary.skipped.map { .object(["line": .int(Int64($0.line)), "reason": .string($0.reason)]) }),
            ])
          }))
      return
    }
    for (file, summary) in zip(files, summaries) {
      output.line(
        "\(file): \(summary.new) new, \(summary.updated) updated, \(summary.unchanged) unchanged, "
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
