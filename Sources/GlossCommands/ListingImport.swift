import Foundation
import GlossCore
import GlossImport
import GlossStore

/// Imports listing files into a store in one transaction: all of them or none.
public enum ListingImport {
  /// `progress` gets the records done so far and the fraction of bytes read.
  public static func run(
    files: [String], into store: Store, progress: (Int, Double) -> Void = { _, _ in }
  ) throws -> [ImportSummary] {
    let sizes = files.map { (try? FileManager.default.attributesOfItem(atPath: $0)[.size] as? Int) ?? 0 }
    let totalBytes = max(1, sizes.reduce(0, +))
    return try store.write { session in
      var results: [ImportSummary] = []
      var bytesBefore = 0
      var done = 0
      for (index, file) in files.enumerated() {
        var importer = RecordImporter(session: session)
        // The reader's callback may throw only ImportError; a store failure (Ctrl-C, a full
        // disk) is kept here and thrown as itself, so that it is reported in its own words.
        var storeFailure: (any Error)?
        do {
          try read(file, importer: &importer, done: &done, storeFailure: &storeFailure) { records, bytes in
            progress(records, Double(bytesBefore + bytes) / Double(totalBytes))
          }
        } catch {
          throw storeFailure ?? error
        }
        bytesBefore += sizes[index]
        results.append(importer.summary)
      }
      return results
    }
  }

  private static func read(
    _ file: String, importer: inout RecordImporter, done: inout Int, storeFailure: inout (any Error)?,
    progress: (Int, Int) -> Void
  ) throws(ImportError) {
    try CancerIndexListing(path: file).read(
      progress: { bytes in progress(done, bytes) },
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
          storeFailure = error
          throw ImportError(file: file, problem: "could not be stored: \(error)", remedy: "nothing was written")
        }
      })
  }
}
