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

  static func joinAuthors(_ authors: [String]) -> String { joinList(authors) }

  static func splitAuthors(_ text: String) -> [String] { split(text, at: unit) }

  static let unit: UInt8 = 0x1F
  static let record: UInt8 = 0x1E
  static let escape: UInt8 = 0x1B

  /// A list of strings as one text column, losslessly: the items joined by U+001F, each
  /// with U+001B, U+001F and U+001E escaped as U+001B followed by `e`, `u` or `r`. The empty
  /// list is empty text, and the list of one empty string, which joining would make empty
  /// too, is a lone U+001B. FTS5's tokenizer splits at every control character, so the
  /// search index reads these columns directly; text without control characters, almost
  /// all of it, is stored as it is.
  static func joinList(_ items: [String]) -> String {
    if items == [""] { return "\u{1B}" }
    return items.map(escaped).joined(separator: "\u{1F}")
  }

  private static func escaped(_ text: String) -> String {
    guard text.utf8.contains(where: { $0 == escape || $0 == unit || $0 == record }) else { return text }
    var bytes: [UInt8] = []
    bytes.reserveCapacity(text.utf8.count + 4)
    for byte in text.utf8 {
      switch byte {
      case escape: bytes += [escape, UInt8(ascii: "e")]
      case unit: bytes += [escape, UInt8(ascii: "u")]
      case record: bytes += [escape, UInt8(ascii: "r")]
      default: bytes.append(byte)
      }
    }
    return String(decoding: bytes, as: UTF8.self)
  }

  private static func unescaped(_ part: UnsafeBufferPointer<UInt8>) -> String {
    guard part.contains(escape) else { return String(decoding: part, as: UTF8.self) }
    var bytes: [UInt8] = []
    bytes.reserveCapacity(part.count)
    var index = part.startIndex
    while index < part.endIndex {
      if part[index] == escape, index + 1 < part.endIndex {
        switch part[index + 1] {
        case UInt8(ascii: "e"): bytes.append(escape)
        case UInt8(ascii: "u"): bytes.append(unit)
        case UInt8(ascii: "r"): bytes.append(record)
        default: bytes += [escape, part[index + 1]]
        }
        index += 2
      } else {
        bytes.append(part[index])
        index += 1
      }
    }
    return String(decoding: bytes, as: UTF8.self)
  }

  /// The items of a `joinList` text (or the sections' parts of a `joinAbstract` one),
  /// split on the string's own UTF-8 bytes: a control character is always its own
  /// character, and `String.split` on a `Character` walks grapheme clusters (it made
  /// splitting abstracts half of an export).
  static func split(_ text: String, at separator: UInt8) -> [String] {
    if text == "\u{1B}" { return [""] }
    var parts: [String] = []
    eachPart(of: text, at: separator) { parts.append(unescaped($0)) }
    return parts
  }

  /// Empty text has no parts.
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

  /// Abstract sections joined by U+001E, each `label U+001F text`, or only `text` when it
  /// has no label (so a label `""` and no label differ), escaped as in `joinList`; the one
  /// section of no label and no text is a lone U+001B.
  static func joinAbstract(_ sections: [AbstractSection]) -> String {
    if sections.count == 1, sections[0].label == nil, sections[0].text.isEmpty { return "\u{1B}" }
    return sections.map { section in
      section.label.map { escaped($0) + "\u{1F}" + escaped(section.text) } ?? escaped(section.text)
    }
    .joined(separator: "\u{1E}")
  }

  static func splitAbstract(_ text: String) -> [AbstractSection] {
    if text == "\u{1B}" { return [AbstractSection(label: nil, text: "")] }
    var sections: [AbstractSection] = []
    eachPart(of: text, at: record) { part in
      guard let unit = part.firstIndex(of: unit) else {
        sections.append(AbstractSection(label: nil, text: unescaped(part)))
        return
      }
      sections.append(
        AbstractSection(
          label: unescaped(UnsafeBufferPointer(rebasing: part[..<unit])),
          text: unescaped(UnsafeBufferPointer(rebasing: part[(unit + 1)...]))))
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

  /// A grow-only set (`topics`, `sources`) as a list: each member once, sorted.
  static func joinSet(_ values: [String]) -> String { joinList(Array(Set(values)).sorted()) }

  static func splitSet(_ text: String) -> [String] { split(text, at: unit) }
}
