import GlossCore

/// How a publication's fields map to the `record` table's columns and back.
enum RecordColumns {
  static let names: [RecordField: String] = [
    .authors: "authors", .etAl: "et_al", .title: "title", .journal: "journal", .year: "year", .date: "date",
    .volume: "volume", .issue: "issue", .pages: "pages", .pubmed: "pubmed", .freeFullText: "free_full_text",
    .abstract: "abstract",
  ]

  /// A publication's columns that are joined lists or JSON, as a new record's row holds
  /// them; made where the publication is prepared (`PreparedPublication`).
  struct Joined: Sendable {
    let authors: String
    let abstract: String
    let topics: String
    let sources: String
    let library: String

    init(_ publication: Publication) {
      authors = RecordColumns.joinAuthors(publication.authors)
      abstract = RecordColumns.joinAbstract(publication.abstract)
      topics = RecordColumns.joinSet(publication.topics)
      sources = RecordColumns.joinSet(publication.sources)
      library = RecordColumns.libraryJSON(publication)
    }
  }

  static func joinAuthors(_ authors: [String]) -> String { authors.joined(separator: String(Schema.unitSeparator)) }

  static func splitAuthors(_ text: String) -> [String] { split(text, at: 0x1F) }

  /// The parts of `text` between the separator byte (U+001E or U+001F), decided on the
  /// string's own UTF-8 bytes: a control character is always its own character, and
  /// `String.split` on a `Character` walks grapheme clusters (it made splitting abstracts
  /// half of an export). Empty text has no parts.
  static func split(_ text: String, at separator: UInt8) -> [String] {
    var parts: [String] = []
    eachPart(of: text, at: separator) { parts.append(String(decoding: $0, as: UTF8.self)) }
    return parts
  }

  private static func eachPart(
    of text: String, at separator: UInt8, _ body: (UnsafeBufferPointer<UInt8>) -> Void
  ) {
    guard !text.isEmpty else { return }
    var text = text
    text.withUTF8 { bytes in
      var start = 0
      for index in bytes.indices where bytes[index] == separator {
        body(UnsafeBufferPointer(rebasing: bytes[start..<index]))
        start = index + 1
      }
      body(UnsafeBufferPointer(rebasing: bytes[start...]))
    }
  }

  static func joinAbstract(_ sections: [AbstractSection]) -> String {
    sections.map { ($0.label ?? "") + String(Schema.unitSeparator) + $0.text }
      .joined(separator: String(Schema.recordSeparator))
  }

  static func splitAbstract(_ text: String) -> [AbstractSection] {
    var sections: [AbstractSection] = []
    eachPart(of: text, at: 0x1E) { part in
      guard let unit = part.firstIndex(of: 0x1F) else {
        sections.append(AbstractSection(label: nil, text: String(decoding: part, as: UTF8.self)))
        return
      }
      let label = UnsafeBufferPointer(rebasing: part[..<unit])
      sections.append(
        AbstractSection(
          label: label.isEmpty ? nil : String(decoding: label, as: UTF8.self),
          text: String(decoding: UnsafeBufferPointer(rebasing: part[(unit + 1)...]), as: UTF8.self)))
    }
    return sections
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

  static func splitSet(_ text: String) -> [String] { split(text, at: 0x1F).filter { !$0.isEmpty } }
}
