import Foundation
import GlossCore
import GlossImport

enum Paths {
  static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()
  static let seed = repository.deletingLastPathComponent().appendingPathComponent(
    "shared/seeds/cancerindex-sorafenib.txt"
  )
  .path
  static func fixture(_ name: String) -> String {
    URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/\(name)").path
  }
}

struct ParsedListing {
  var publications: [Publication] = []
  var lines: [Int] = []
  var skipped: [(line: Int, reason: String)] = []

  init(_ path: String) throws(ImportError) {
    try CancerIndexListing(path: path).read { (entry: ListingEntry) throws(ImportError) in
      switch entry {
      case .publication(let publication, let line):
        publications.append(publication)
        lines.append(line)
      case .skipped(let line, let reason): skipped.append((line, reason))
      }
    }
  }

  func by(_ surname: String) -> Publication? {
    publications.first { $0.authors.first?.hasPrefix(surname) == true }
  }
}
