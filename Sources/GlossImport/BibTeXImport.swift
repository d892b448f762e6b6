import Foundation
import GlossCore

/// BibTeX and BibLaTeX entries as publications: LaTeX turned into Unicode, names into
/// `Family Initials`, `crossref` parents' fields inherited, BibLaTeX's `date`,
/// `journaltitle` and `eprint` understood, entry types mapped to CSL types.
public enum BibTeXImport {
  public static func entries(in text: String, source: String) -> [ListingEntry] {
    batches(in: text, source: source).batches.all
  }

  /// The file's entries found, each converted when asked for (`EntryBatches`).
  static func batches(in text: String, source: String) -> (batches: EntryBatches, entryCount: Int) {
    var parser = BibTeXParser(text: text)
    let items = parser.items()
    var byKey: [String: BibTeXParser.Entry] = [:]
    for case .entry(let entry) in items where byKey[entry.key.lowercased()] == nil {
      byKey[entry.key.lowercased()] = entry
    }
    let batches = EntryBatches(count: items.count) { [byKey] range in
      items[range].map { item in convert(item, parents: byKey, source: source) }
    }
    return (batches, byKey.count)
  }

  private static func convert(_ item: BibTeXParser.Item, parents byKey: [String: BibTeXParser.Entry], source: String)
    -> ListingEntry
  {
    switch item {
    case .skipped(let line, let reason): return .skipped(line: line, reason: reason)
    case .entry(let entry) where entry.type == "set" || entry.type == "xdata":
      return .skipped(
        line: entry.line, reason: "@\(entry.type){\(entry.key)} groups other entries, which are imported themselves")
    case .entry(let entry):
      let resolved = inherit(entry, from: byKey)
      guard let publication = publication(resolved, source: source) else {
        return .skipped(line: entry.line, reason: "@\(entry.type){\(entry.key)} has no fields")
      }
      return .publication(publication, line: entry.line)
    }
  }

  /// `BACKGROUND: text` as the label and the text: a paragraph of a structured abstract
  /// opens with capitals (and spaces, `&`, `/`, `-`, `,`, parentheses) then `: `.
  static func leadingLabel(_ paragraph: String) -> (String?, String) {
    guard let colon = paragraph.range(of: ": "),
      paragraph.distance(from: paragraph.startIndex, to: colon.lowerBound) <= 60
    else { return (nil, paragraph) }
    let label = paragraph[..<colon.lowerBound]
    guard label.filter(\.isLetter).count >= 3,
      label.allSatisfy({ ($0.isLetter && $0.isUppercase) || " &/-,()".contains($0) })
    else { return (nil, paragraph) }
    return (String(label), String(paragraph[colon.upperBound...]))
  }

  /// The paragraphs of a value: runs of lines between blank lines.
  static func paragraphs(_ text: String) -> [String] {
    var result: [String] = []
    var current: [Substring] = []
    for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
      if line.allSatisfy({ $0 == " " || $0 == "\t" || $0 == "\r" }) {
        if !current.isEmpty { result.append(current.joined(separator: " ")) }
        current = []
      } else {
        current.append(line)
      }
    }
    if !current.isEmpty { result.append(current.joined(separator: " ")) }
    return result
  }

  /// `crossref`: fields the entry lacks come from its parent; a proceedings' or book's
  /// title becomes the child's `booktitle`.
  static func inherit(_ entry: BibTeXParser.Entry, from entries: [String: BibTeXParser.Entry]) -> BibTeXParser.Entry {
    guard let key = entry.value("crossref")?.lowercased(), let parent = entries[key], parent.key != entry.key else {
      return entry
    }
    var child = entry
    for (name, value) in parent.fields where child.value(name) == nil && name != "crossref" {
      switch name {
      case "title": if child.value("booktitle") == nil { child.fields.append(("booktitle", value)) }
      case "subtitle": if child.value("booksubtitle") == nil { child.fields.append(("booksubtitle", value)) }
      default: child.fields.append((name, value))
      }
    }
    return child
  }

  /// Entry types to CSL types.
  public static let types: [String: String] = [
    "article": "article-journal", "book": "book", "mvbook": "book", "inbook": "chapter", "bookinbook": "chapter",
    "suppbook": "chapter", "incollection": "chapter", "suppcollection": "chapter", "collection": "book",
    "mvcollection": "book", "inproceedings": "paper-conference", "conference": "paper-conference",
    "proceedings": "book", "mvproceedings": "book", "phdthesis": "thesis", "mastersthesis": "thesis",
    "thesis": "thesis", "techreport": "report", "report": "report", "manual": "report", "booklet": "pamphlet",
    "unpublished": "manuscript", "online": "webpage", "electronic": "webpage", "www": "webpage", "misc": "document",
    "patent": "patent", "periodical": "periodical", "dataset": "dataset", "software": "software",
    "reference": "book", "inreference": "entry-encyclopedia", "standard": "standard", "artwork": "graphic",
    "audio": "song", "video": "motion_picture", "letter": "personal_communication", "review": "review",
  ]

  static func publication(_ entry: BibTeXParser.Entry, source: String) -> Publication? {
    var converted: [String: String] = [:]
    func text(_ name: String) -> String {
      if let done = converted[name] { return done }
      guard let raw = entry.value(name) else { return "" }
      let value = collapsingWhitespace(LaTeX.toUnicode(raw))
      converted[name] = value
      return value
    }
    func verbatim(_ name: String) -> String { collapsingWhitespace(entry.value(name) ?? "") }
    func joined(_ main: String, _ sub: String) -> String {
      text(sub).isEmpty ? text(main) : text(main) + ": " + text(sub)
    }
    let title = joined("title", "subtitle")
    let (authors, etAl) = names(entry.value("author") ?? "")
    var publication = Publication(title: title, sources: [source])
    publication.authors = authors
    publication.etAl = etAl
    publication.editors = names(entry.value("editor") ?? "").names
    publication.type = types[entry.type] ?? "document"
    let journal = text("journal")
    publication.journal = journal.isEmpty ? text("journaltitle") : journal
    publication.container = text("booktitle").isEmpty ? "" : joined("booktitle", "booksubtitle")
    if publication.container.isEmpty, publication.type == "chapter" || publication.type == "paper-conference" {
      publication.container = text("maintitle")
    }
    var date = DateText(text("date"))
    if date.year == nil { date = DateText(year: DateText.year(in: text("year"))) }
    if let month = DateText.month(text("month")) {
      date.month = month
      if let year = date.year { date.printed = "\(year) \(month.prefix(3))" }
    }
    publication.year = date.year
    publication.date = date.printed
    publication.month = date.month
    publication.volume = text("volume")
    publication.issue = text("number").isEmpty ? text("issue") : text("number")
    publication.pages = text("pages")
    publication.publisher =
      ["publisher", "institution", "school", "organization"].lazy.map(text).first { !$0.isEmpty } ?? ""
    // Paragraphs (blank lines) and inline labels (`BACKGROUND: …`) are the sections of a
    // structured abstract, as Gloss's own export writes them.
    let paragraphs = paragraphs(entry.value("abstract") ?? "").map { collapsingWhitespace(LaTeX.toUnicode($0)) }
    publication.abstract =
      paragraphs.count == 1
      ? AbstractSections.split(paragraphs[0])
      : paragraphs.map { paragraph in
        let (label, text) = leadingLabel(paragraph)
        return AbstractSection(label: label, text: text)
      }
    publication.doi = Identifiers.doi(verbatim("doi")) ?? ""
    publication.url = verbatim("url")
    publication.issn = verbatim("issn")
    publication.isbn = verbatim("isbn")
    publication.language = text("language").isEmpty ? text("langid") : text("language")
    publication.pmid = Identifiers.pmid(verbatim("pmid")) ?? ""
    let eprintType = verbatim("eprinttype").lowercased()
    if publication.pmid.isEmpty, eprintType == "pubmed" || eprintType == "pmid" {
      publication.pmid = Identifiers.pmid(verbatim("eprint")) ?? ""
    }
    if publication.doi.isEmpty, eprintType == "doi" { publication.doi = Identifiers.doi(verbatim("eprint")) ?? "" }
    if publication.url.isEmpty, eprintType == "arxiv" || verbatim("archiveprefix").lowercased() == "arxiv",
      !verbatim("eprint").isEmpty
    {
      publication.url = "https://arxiv.org/abs/" + verbatim("eprint")
    }
    publication.pmcid = Identifiers.pmcid(verbatim("pmcid")) ?? ""
    let keywords = text("keywords").isEmpty ? text("keyword") : text("keywords")
    // Semicolons, when there are any, separate keywords that may hold commas.
    let semicolons = keywords.contains(";")
    publication.keywords = keywords.split(whereSeparator: { semicolons ? $0 == ";" : $0 == "," }).map {
      $0.trimmingWhitespace
    }.filter { !$0.isEmpty }
    // Gloss's own fields (`BibTeXExport`): what its export could not say in BibTeX's.
    if entry.value("glossdate") != nil { publication.date = text("glossdate") }
    if let type = entry.value("glosstype") { publication.type = type == "none" ? "" : type }
    if let flags = entry.value("glossflags") {
      publication.pubmed = flags.contains("pubmed")
      publication.freeFullText = flags.contains("free-full-text")
    }
    return entry.fields.isEmpty ? nil : publication
  }

  /// `A and B and others`: each name in `Family Initials`, and whether the list ends in
  /// `others` (et al.). A name in braces (`{World Health Organization}`) is one name.
  static func names(_ raw: String) -> (names: [String], etAl: Bool) {
    var names: [String] = []
    var etAl = false
    for part in splitOnAnd(raw) {
      let trimmed = part.trimmingWhitespace
      if trimmed.isEmpty { continue }
      if trimmed.lowercased() == "others" {
        etAl = true
        continue
      }
      if trimmed.hasPrefix("{"), trimmed.hasSuffix("}"), balancedOuterBraces(trimmed) {
        names.append(collapsingWhitespace(LaTeX.toUnicode(String(trimmed.dropFirst().dropLast()))))
        continue
      }
      let name = PersonName.parse(collapsingWhitespace(LaTeX.toUnicode(trimmed)))
      if !name.isEmpty { names.append(name) }
    }
    return (names, etAl)
  }

  /// Splits at ` and ` outside braces, case-insensitively. Scans the UTF-8 bytes: every
  /// byte of ` and ` and of the braces is ASCII, which no multi-byte character contains.
  static func splitOnAnd(_ raw: String) -> [String] {
    let bytes = Array(raw.utf8)
    func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || (0x09...0x0D).contains(byte) }
    var parts: [String] = []
    var start = 0
    var depth = 0
    var index = 0
    while index < bytes.count {
      let byte = bytes[index]
      if byte == UInt8(ascii: "{") { depth += 1 }
      if byte == UInt8(ascii: "}") { depth -= 1 }
      if depth == 0, isSpace(byte), index + 4 < bytes.count, bytes[index + 1] | 0x20 == UInt8(ascii: "a"),
        bytes[index + 2] | 0x20 == UInt8(ascii: "n"), bytes[index + 3] | 0x20 == UInt8(ascii: "d"),
        isSpace(bytes[index + 4])
      {
        parts.append(String(decoding: bytes[start..<index], as: UTF8.self))
        index += 5
        start = index
        continue
      }
      index += 1
    }
    parts.append(String(decoding: bytes[start...], as: UTF8.self))
    return parts
  }

  static func balancedOuterBraces(_ text: String) -> Bool {
    var depth = 0
    for (offset, character) in text.enumerated() {
      if character == "{" { depth += 1 }
      if character == "}" { depth -= 1 }
      if depth == 0, offset < text.count - 1 { return false }
    }
    return depth == 0
  }
}
