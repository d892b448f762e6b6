import GlossCore

/// How a publication's fields map to the `record` table's columns and back.
enum RecordColumns {
  static let names: [RecordField: String] = [
    .authors: "authors", .etAl: "et_al", .title: "title", .journal: "journal", .year: "year", .date: "date",
    .volume: "volume", .issue: "issue", .pages: "pages", .pubmed: "pubmed", .freeFullText: "free_full_text",
    .abstract: "abstract",
  ]

  static func joinAuthors(_ authors: [String]) -> String { authors.joined(separator: String(Schema.unitSeparator)) }

  static func splitAuthors(_ text: String) -> [String] {
    text.isEmpty ? [] : text.split(separator: Schema.unitSeparator, omittingEmptySubsequences: false).map(String.init)
  }

  static func joinAbstract(_ sections: [AbstractSection]) -> String {
    sections.map { ($0.label ?? "") + String(Schema.unitSeparator) + $0.text }
      .joined(separator: String(Schema.recordSeparator))
  }

  static func splitAbstract(_ text: String) -> [AbstractSection] {
    guard !text.isEmpty else { return [] }
    return text.split(separator: Schema.recordSeparator, omittingEmptySubsequences: false).map { part in
      let pieces = part.split(separator: Schema.unitSeparator, maxSplits: 1, omittingEmptySubsequences: false)
      let label = pieces.count > 1 && !pieces[0].isEmpty ? String(pieces[0]) : nil
      return AbstractSection(label: label, text: String(pieces.count > 1 ? pieces[1] : pieces[0]))
    }
  }

  /// The `library` column: the library fields that have a value, as canonical JSON.
  static func libraryJSON(_ publication: Publication) -> String {
    JSONValue.object(
      Dictionary(uniqueKeysWithValues: publication.libraryFields.map { ($0.key.rawValue, $0.value) })
    ).canonical
  }

  static func setLibraryFields(_ text: String, on publication: inout Publication) {
    guard text != "{}", case .object(let members)? = try? JSONValue(parsing: text) else { return }
    for (key, value) in members {
      if let field = RecordField(rawValue: key), field.isLibraryField { publication.set(field, to: value) }
    }
  }

  static func joinSet(_ values: [String]) -> String {
    Array(Set(values)).sorted().joined(separator: String(Schema.unitSeparator))
  }

  static func splitSet(_ text: String) -> [String] {
    text.isEmpty ? [] : text.split(separator: Schema.unitSeparator).map(String.init)
  }
}
