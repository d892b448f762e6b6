import Foundation
import GlossCore
import GlossImport
import GlossStore

/// Imports files of any format into a store in one transaction: all of them or none; from
/// 16 MiB of files on, through SQLite's rollback journal (`Store.write(large:)`).
/// Library files (BibTeX, RIS, MEDLINE, PubMed XML, CSL-JSON) are read and checked before
/// the transaction, so that a file that is not what it claims never takes the write lock.
/// Every file's entries are read and converted on another thread while the store writes
/// (`EntryPrefetch`); a CancerIndex page streams, as it may be far larger.
public enum FileImport {
  /// `format` forces one format for every file; nil detects each file's from its content.
  /// `progress` gets the records done so far and the fraction of bytes read.
  public static func run(
    files: [String], format: ImportFormat? = nil, into store: Store, progress: (Int, Double) -> Void = { _, _ in }
  ) throws -> [ImportSummary] {
    let sizes = files.map { (try? FileManager.default.attributesOfItem(atPath: $0)[.size] as? Int) ?? 0 }
    let totalBytes = max(1, sizes.reduce(0, +))
    var formats: [ImportFormat] = []
    for file in files { formats.append(try format ?? ImportFormat.detect(path: file)) }
    var libraries: [Int: (file: LibraryFile, batches: EntryBatches)] = [:]
    var annotationFiles: [Int: (annotations: [ImportedAnnotation], skipped: [(line: Int, reason: String)])] = [:]
    for (index, file) in files.enumerated() where formats[index] != .cancerindex {
      let library = try LibraryFile(path: file)
      if formats[index] == .annotations {
        annotationFiles[index] = try library.annotations()
      } else {
        libraries[index] = (library, try library.batches(as: formats[index]))
      }
    }
    // The first library's conversion starts now, while the write lock is being taken.
    var started = libraries.keys.min().map { [$0: EntryPrefetch(libraries[$0]!.batches)] } ?? [:]
    defer { for prefetch in started.values { prefetch.stop() } }
    return try store.write(large: totalBytes >= Store.rollbackJournalInputBytes) { session in
      var results: [ImportSummary] = []
      var bytesBefore = 0
      var done = 0
      for (index, file) in files.enumerated() {
        if let read = annotationFiles[index] {
          results.append(try AnnotationImport.apply(read.annotations, skipped: read.skipped, session: session))
          bytesBefore += sizes[index]
          continue
        }
        var importer = RecordImporter(session: session)
        let library = libraries[index]
        let prefetch =
          started[index] ?? library.map { EntryPrefetch($0.batches) }
          ?? EntryPrefetch(listing: CancerIndexListing(path: file))
        started[index] = prefetch
        var stored = 0
        var firstSkipped: [ListingEntry] = []
        try prefetch.drain { prepared in
          switch prepared {
          case .publication(let publication):
            try importer.add(publication)
            stored += 1
            done += 1
            if done % 256 == 0 {
              // A library file was read whole before; a listing as it streams.
              let read = library == nil ? prefetch.bytes : sizes[index]
              progress(done, Double(bytesBefore + read) / Double(totalBytes))
            }
          case .skipped(let entry):
            if case .skipped(let line, let reason) = entry { importer.skip(line: line, reason: reason) }
            if firstSkipped.isEmpty { firstSkipped = [entry] }
          }
        }
        // Every entry of a library file was skipped: the file is refused, and nothing is written.
        if let library, stored == 0 { try library.file.requireEntries(firstSkipped, as: formats[index]) }
        bytesBefore += sizes[index]
        results.append(importer.summary)
      }
      return results
    }
  }
}
