import GlossCore
import GlossImport
import GlossStore

/// RIS, the tagged format EndNote, Zotero, Mendeley and reference managers exchange:
/// `TY  - ` to `ER  - `, one tag per line, repeated tags for authors and keywords.
public struct RISExport: RecordExporter {
  public init() {}

  public var header: String { "" }
  public var separator: String { "" }
  public var footer: String { "" }

  /// CSL types to RIS reference types.
  static let referenceTypes: [String: String] = [
    "article-journal": "JOUR", "article": "JOUR", "article-magazine": "MGZN", "article-newspaper": "NEWS",
    "book": "BOOK", "chapter": "CHAP", "paper-conference": "CPAPER", "report": "RPRT", "thesis": "THES",
    "manuscript": "UNPB", "webpage": "ELEC", "patent": "PAT", "dataset": "DATA", "software": "COMP",
    "pamphlet": "PAMP", "entry-encyclopedia": "ENCYC", "personal_communication": "PCOMM", "standard": "STAND",
  ]

  public func entry(_ exported: ExportedRecord) -> String {
    let p = exported.publication
    var lines: [String] = []
    func add(_ tag: String, _ value: String) {
      // One line per value: a line break inside would start a new tag.
      let flat = value.split(whereSeparator: \.isNewline).joined(separator: " ")
      if !flat.isEmpty { lines.append("\(tag)  - \(flat)") }
    }
    add("TY", Self.referenceTypes[exported.type] ?? "GEN")
    for author in p.authors {
      guard let (family, initials) = AuthorName.split(author) else {
        add("AU", author)
        continue
      }
      add("AU", family + ", " + AuthorName.spelled(initials))
    }
    for editor in p.editors { add("ED", editor) }
    add("TI", p.title)
    if p.container.isEmpty {
      add("JO", p.journal)
    } else {
      add("T2", p.container)
      add("T3", p.journal)
    }
    if let year = p.year {
      let month = DateText.monthNames.firstIndex(of: p.month).map { String(format: "%02d", $0 + 1) } ?? ""
      add("PY", String(year))
      add("DA", "\(year)/\(month)//")
    }
    add("VL", p.volume)
    add("IS", p.issue)
    let pages = p.pages.split(maxSplits: 1, whereSeparator: { $0 == "-" || $0 == "–" }).map(String.init)
    if let first = pages.first { add("SP", first) }
    if pages.count == 2 { add("EP", pages[1]) }
    add("PB", p.publisher)
    add("SN", p.issn.isEmpty ? p.isbn : p.issn)
    add("DO", p.doi)
    add("UR", p.url)
    add("LA", p.language)
    for keyword in p.keywords + exported.annotations.tags { add("KW", keyword) }
    add("AB", exported.abstractText)
    if !p.pmid.isEmpty { add("AN", "PMID: " + p.pmid) }
    for note in exported.noteTexts { add("N1", note) }
    add("ID", exported.record.citekey)
    return lines.joined(separator: "\n") + "\nER  - \n\n"
  }
}
