import Foundation
import GlossCore

/// MEDLINE, PubMed's own text export (`.nbib`, `.txt`): records of `TAG - value` lines
/// (tags padded to four characters), continued on lines indented by six spaces, separated
/// by blank lines. Authors come as PubMed writes them (`AU  - Bruix J`), the journal as its
/// abbreviation (`TA`), like the CancerIndex pages; the DOI from `LID`/`AID … [doi]`.
public enum MedlineImport {
  public static func entries(in text: String, source: String) -> [ListingEntry] {
    batches(in: text, source: source).all
  }

  /// A record's tagged lines, or a line that is not one, in file order.
  private enum Item: Sendable {
    case record([(tag: String, value: String)], line: Int)
    case skipped(line: Int, reason: String)
  }

  /// The file split into records, each converted to a publication when asked for
  /// (`EntryBatches`).
  static func batches(in text: String, source: String) -> EntryBatches {
    let items = self.items(in: text)
    return EntryBatches(count: items.count) { range in
      items[range].map { item in
        switch item {
        case .skipped(let line, let reason): return .skipped(line: line, reason: reason)
        case .record(let fields, let line):
          guard let publication = publication(fields, source: source) else {
            return .skipped(line: line, reason: "the record has no fields")
          }
          return .publication(publication, line: line)
        }
      }
    }
  }

  private static func items(in text: String) -> [Item] {
    var entries: [Item] = []
    var fields: [(tag: String, value: String)] = []
    var start = 0
    func finish() {
      guard !fields.isEmpty else { return }
      entries.append(.record(fields, line: start))
      fields = []
    }
    var number = 0
    for raw in text.utf8.split(separator: 0x0A, omittingEmptySubsequences: false) {
      number += 1
      let bytes = raw.last == 0x0D ? raw.dropLast() : raw[...]
      guard let firstNonBlank = bytes.firstIndex(where: { $0 != 0x20 && $0 != 0x09 }) else {
        finish()
        continue
      }
      let line = Substring(bytes)
      if bytes.distance(from: bytes.startIndex, to: firstNonBlank) >= 6 || bytes.first == 0x09 {
        // A continuation line: its text joins the field before.
        if !fields.isEmpty {
          fields[fields.count - 1].value +=
            " "
            + String(decoding: bytes[firstNonBlank...], as: UTF8.self)
            .trimmedSpaces
        }
        continue
      }
      guard let (tag, value) = tagged(line) else {
        finish()
        entries.append(.skipped(line: number, reason: "not a MEDLINE field (TAG - value)"))
        continue
      }
      if tag == "PMID" {
        finish()
        start = number
      }
      if fields.isEmpty { start = number }
      fields.append((tag, value))
    }
    finish()
    return entries
  }

  /// `PMID- 16403221`, `TI  - …`: up to four capitals or digits, padded, then `- `.
  static func tagged(_ line: Substring) -> (String, String)? {
    guard let dash = line.firstIndex(of: "-"), line.distance(from: line.startIndex, to: dash) == 4 else { return nil }
    let tag = line[..<dash].trimmedSpaces
    guard !tag.isEmpty, tag.allSatisfy({ $0.isASCII && ($0.isUppercase || $0.isNumber) }) else { return nil }
    return (tag, line[line.index(after: dash)...].trimmedSpaces)
  }

  static func publication(_ fields: [(tag: String, value: String)], source: String) -> Publication? {
    func all(_ tag: String) -> [String] { fields.filter { $0.tag == tag }.map(\.value) }
    func first(_ tag: String) -> String { fields.first { $0.tag == tag }?.value ?? "" }
    let title = first("TI").isEmpty ? first("BTI") : first("TI")
    guard fields.count > 1 || !first("PMID").isEmpty else { return nil }
    var publication = Publication(title: title, sources: [source])
    // Authors in order, AU (PubMed's form) or else the full name, and collective names.
    var authors: [String] = []
    var pendingFull: String?
    for field in fields {
      switch field.tag {
      case "FAU":
        if let full = pendingFull { authors.append(PersonName.parse(full)) }
        pendingFull = field.value
      case "AU":
        authors.append(field.value)
        pendingFull = nil
      case "CN":
        if let full = pendingFull { authors.append(PersonName.parse(full)) }
        pendingFull = nil
        authors.append(field.value)
      default: break
      }
    }
    if let full = pendingFull { authors.append(PersonName.parse(full)) }
    publication.authors = authors
    publication.editors = all("ED").isEmpty ? all("FED").map(PersonName.parse) : all("ED")
    publication.journal = first("TA").isEmpty ? first("JT") : first("TA")
    let date = DateText(first("DP"))
    publication.year = date.year
    publication.date = first("DP")
    publication.month = date.month
    publication.volume = first("VI")
    publication.issue = first("IP")
    publication.pages = first("PG")
    publication.abstract = AbstractSections.split(first("AB"))
    publication.pubmed = !first("PMID").isEmpty
    publication.pmid = Identifiers.pmid(first("PMID")) ?? ""
    publication.pmcid = Identifiers.pmcid(first("PMC")) ?? ""
    for value in all("LID") + all("AID") where value.hasSuffix("[doi]") && publication.doi.isEmpty {
      publication.doi = Identifiers.doi(value) ?? ""
    }
    publication.issn = all("IS").first.map { String($0.prefix { $0 != " " }) } ?? ""
    publication.isbn = first("ISBN")
    publication.publisher = first("PB")
    publication.language = first("LA")
    publication.keywords = (all("MH") + all("OT")).map { $0.replacingOccurrences(of: "*", with: "") }
    publication.container = first("BTI").isEmpty || first("TI").isEmpty ? "" : first("BTI")
    let types = all("PT")
    publication.type =
      types.contains("Book") ? "book" : !first("BTI").isEmpty && !first("TI").isEmpty ? "chapter" : "article-journal"
    publication.freeFullText = !publication.pmcid.isEmpty
    return publication
  }
}

/// A structured abstract written inline (`BACKGROUND: … RESULTS: …`, as MEDLINE and RIS
/// exports carry it) split into labelled sections, the way a listing's abstract is. Labels
/// are ASCII, so the text is scanned as UTF-8 bytes and cut only at ASCII positions.
enum AbstractSections {
  static func split(_ text: String) -> [AbstractSection] {
    let collapsed = collapsingWhitespace(text)
    guard !collapsed.isEmpty else { return [] }
    let bytes = Array(collapsed.utf8)
    var sections: [AbstractSection] = []
    var label: String?
    var textStart = 0
    var index = 0
    func piece(_ range: Range<Int>) -> String {
      String(decoding: bytes[range], as: UTF8.self).trimmedSpaces
    }
    while index < bytes.count {
      // A label starts the text or follows the end of a sentence.
      let atBoundary =
        index == 0
        || (index >= 2 && bytes[index - 1] == 0x20 && [0x2E, 0x3F, 0x21, 0x29].contains(bytes[index - 2]))
      if atBoundary, bytes[index] >= 0x41, bytes[index] <= 0x5A, let end = labelEnd(bytes, index) {
        let before = piece(textStart..<index)
        if !before.isEmpty || label != nil { sections.append(AbstractSection(label: label, text: before)) }
        label = piece(index..<end)
        textStart = end + 2
        index = end + 2
        continue
      }
      index += 1
    }
    let rest = textStart < bytes.count ? piece(textStart..<bytes.count) : ""
    if !rest.isEmpty || label != nil { sections.append(AbstractSection(label: label, text: rest)) }
    return sections
  }

  /// Where the label starting at `index` ends (its colon): capitals, spaces, `&`, `/`, `-`
  /// and commas, at least three letters, then `: `.
  static func labelEnd(_ bytes: [UInt8], _ index: Int) -> Int? {
    var end = index
    var letters = 0
    while end < bytes.count, bytes[end] != 0x3A {
      let byte = bytes[end]
      if byte >= 0x41 && byte <= 0x5A {
        letters += 1
      } else if !(byte == 0x20 || byte == 0x26 || byte == 0x2F || byte == 0x2D || byte == 0x2C) {
        return nil
      }
      end += 1
      if end - index > 60 { return nil }
    }
    guard letters >= 3, end + 1 < bytes.count, bytes[end + 1] == 0x20 else { return nil }
    return end
  }
}
