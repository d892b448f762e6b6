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
    var sizes: [Int] = []
    for file in files {
      sizes.append((try? FileManager.default.attributesOfItem(atPath: file)[.size] as? Int) ?? 0)
    }
    let totalBytes = max(1, sizes.reduce(0, +))
    let summaries: [ImportSummary] = try store.write { session in
      var results: [ImportSummary] = []
      var bytesBefore = 0
      var done = 0
      for (index, file) in files.enumerated() {
        var importer = RecordImporter(session: session)
        try CancerIndexListing(path: file).read(
          progress: { bytes in
            progress.update(done: done, fraction: Double(bytesBefore + bytes) / Double(totalBytes))
          },
          { (entry: ListingEntry) throws(ImportError) in
            do {
              switch entry {
              case .publication(let publication, _):
                try importer.add(publication)
                done += 1
              case .skipped(let line, let reason): importer.skip(line: line, reason: reason)
              }
            } catch let error as ImportError {
              throw error
            } catch {
              throw ImportError(file: file, problem: "could not be stored: \(error)", remedy: "nothing was written")
            }
          })
        bytesBefore += sizes[index]
        results.append(importer.summary)
      }
      return results
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
