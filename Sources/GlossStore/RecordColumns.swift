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
    text.isEmpty ? [] : split(text, at: 0x1F).map { String(decoding: $0, as: UTF8.self) }
  }

  /// The parts of `text` between the separator byte (U+001E or U+001F): split on UTF-8
  /// bytes, as a control character is always its own character. `String.split` on a
  /// `Character` walks grapheme clusters, and made splitting abstracts half of an export.
  static func split(_ text: String, at separator: UInt8) -> [ArraySlice<UInt8>] {
    Array(text.utf8).split(separator: separator, omittingEmptySubsequences: false)
  }

  static func joinAbstract(_ sections: [AbstractSection]) -> String {
    sections.map { ($0.label ?? "") + String(Schema.unitSeparator) + $0.text }
      .joined(separator: String(Schema.recordSeparator))
  }

  static func splitAbstract(_ text: String) -> [AbstractSection] {
    guard !text.isEmpty else { return [] }
    return split(text, at: 0x1E).map { part in
      let pieces = part.split(separator: 0x1F, maxSplits: 1, omittingEmptySubsequences: false)
      let label = pieces.count > 1 && !pieces[0].isEmpty ? String(decoding: pieces[0], as: UTF8.self) : nil
      return AbstractSection(
        label: label, text: String(decoding: pieces.count > 1 ? pieces[1] : pieces[0], as: UTF8.self))
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
    text.isEmpty ? [] : Array(text.utf8).split(separator: 0x1F).map { String(decoding: $0, as: UTF8.self) }
  }
}
