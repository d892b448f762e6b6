import GlossCore
import GlossImport
import GlossStore

/// BibTeX and BibLaTeX entries, keyed by the store's stable citekeys.
///
/// What a BibTeX reader needs comes in its standard fields; what only Gloss has comes in
/// three fields of its own, written only when needed, so that importing the file again
/// gives the same records: `glossdate` (a printed date that `year` and `month` do not
/// say, like CancerIndex's `2016 09-10`), `glosstype` (a CSL type no entry type says) and
/// `glossflags` (CancerIndex's `pubmed` and `free-full-text` markers). BibTeX styles
/// ignore fields they do not know. The exporting person's reading status goes in
/// JabRef's `readstatus`, tags with the source's keywords in `keywords`, notes in `annote`.
public struct BibTeXExport: RecordExporter {
  public enum Dialect: Sendable { case bibtex, biblatex }

  public let dialect: Dialect
  /// LaTeX accents and symbols instead of Unicode (always for BibTeX).
  public let ascii: Bool
  /// Whose reading status becomes `readstatus`.
  public let person: String

  public init(dialect: Dialect, ascii: Bool, person: String) {
    self.dialect = dialect
    self.ascii = ascii || dialect == .bibtex
    self.person = person
  }

  public var header: String { "" }
  public var separator: String { "" }
  public var footer: String { "" }

  /// CSL types to entry types. Each maps back to the same CSL type on import
  /// (`BibTeXImport.types`); a type with no entry type of its own is `@misc` plus `glosstype`.
  static let entryTypes: [String: (bibtex: String, biblatex: String)] = [
    "article-journal": ("article", "article"), "article": ("article", "article"),
    "article-magazine": ("article", "article"), "article-newspaper": ("article", "article"),
    "book": ("book", "book"), "chapter": ("incollection", "incollection"),
    "paper-conference": ("inproceedings", "inproceedings"), "report": ("techreport", "report"),
    "thesis": ("phdthesis", "thesis"), "manuscript": ("unpublished", "unpublished"),
    "pamphlet": ("booklet", "booklet"), "webpage": ("misc", "online"), "patent": ("misc", "patent"),
    "dataset": ("misc", "dataset"), "software": ("misc", "software"), "periodical": ("misc", "periodical"),
    "entry-encyclopedia": ("misc", "inreference"), "standard": ("misc", "standard"),
    "personal_communication": ("misc", "letter"), "review": ("misc", "review"), "document": ("misc", "misc"),
  ]

  /// Spaces that align the `=` of an entry's fields, made once.
  static let padding = (0...16).map { String(repeating: " ", count: $0) }

  static let monthMacros = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]

  public func entry(_ exported: ExportedRecord) -> String {
    let p = exported.publication
    let types = Self.entryTypes[exported.type]
    let entryType = dialect == .bibtex ? types?.bibtex ?? "misc" : types?.biblatex ?? "misc"
    // Name, value, and whether the value goes in braces (a month macro does not).
    var fields: [(String, String, Bool)] = []
    fields.reserveCapacity(24)
    func add(_ name: String, _ value: String, protectCase: Bool = false) {
      guard !value.isEmpty else { return }
      fields.append((name, LaTeXEncoding.encode(value, ascii: ascii, protectCase: protectCase), true))
    }
    func verbatim(_ name: String, _ value: String) {
      guard !value.isEmpty else { return }
      // Written as it is (a URL, a DOI), unless its braces do not balance.
      fields.append((name, Self.balanced(value) ? value : value.filter { $0 != "{" && $0 != "}" }, true))
    }
    if !p.authors.isEmpty || p.etAl { fields.append(("author", names(p.authors, etAl: p.etAl), true)) }
    if !p.editors.isEmpty { fields.append(("editor", names(p.editors, etAl: false), true)) }
    add("title", p.title, protectCase: true)
    add(dialect == .bibtex ? "journal" : "journaltitle", p.journal)
    add("booktitle", p.container, protectCase: true)
    if let year = p.year { fields.append(("year", String(year), true)) }
    let monthNumber = DateText.monthNames.firstIndex(of: p.month).map { $0 + 1 }
    if let monthNumber { fields.append(("month", Self.monthMacros[monthNumber - 1], false)) }
    if dialect == .biblatex, let year = p.year {
      let month = monthNumber.map { $0 < 10 ? "-0\($0)" : "-\($0)" } ?? ""
      // ISO 8601: four digits.
      let digits = String(year)
      fields.append(("date", String(repeating: "0", count: max(0, 4 - digits.count)) + digits + month, true))
    }
    add("volume", p.volume)
    add("number", p.issue)
    add("pages", p.pages)
    add("publisher", p.publisher)
    verbatim("issn", p.issn)
    verbatim("isbn", p.isbn)
    verbatim("doi", p.doi)
    verbatim("pmid", p.pmid)
    if dialect == .biblatex, !p.pmid.isEmpty {
      fields.append(("eprinttype", "pubmed", true))
      verbatim("eprint", p.pmid)
    }
    verbatim("pmcid", p.pmcid)
    verbatim("url", p.url)
    add("language", p.language)
    // Keywords are split at commas, or at semicolons when there are any: MeSH terms like
    // `Extinction, Biological` hold commas.
    let keywords = p.keywords + exported.annotations.tags
    if !keywords.isEmpty {
      add("keywords", keywords.joined(separator: keywords.contains { $0.contains(",") } ? "; " : ", "))
    }
    add("abstract", exported.abstractText)
    if !exported.notes.isEmpty { add("annote", exported.noteTexts.joined(separator: "\n\n")) }
    if let status = exported.annotations.statuses[person], status == .read || status == .skimmed {
      fields.append(("readstatus", status.rawValue, true))
    }
    // What only Gloss says, so that a round trip keeps it.
    // The date `year` and `month` print as when read back (`DateText`).
    let derived = p.year.map { year in
      monthNumber.map { "\(year) \(DateText.monthNames[$0 - 1].prefix(3))" } ?? String(year)
    }
    if p.date != (derived ?? "") { add("glossdate", p.date) }
    if p.type != (BibTeXImport.types[entryType] ?? "document") {
      verbatim("glosstype", p.type.isEmpty ? "none" : p.type)
    }
    let flags = (p.pubmed ? ["pubmed"] : []) + (p.freeFullText ? ["free-full-text"] : [])
    if !flags.isEmpty { verbatim("glossflags", flags.joined(separator: ", ")) }
    // An entry with no field at all would be skipped when read back.
    if fields.isEmpty { fields.append(("title", "", true)) }
    var width = 0
    var size = 64
    for (name, value, _) in fields {
      width = max(width, name.utf8.count)
      size += value.utf8.count + 24
    }
    var out = ""
    out.reserveCapacity(size)
    out += "@\(entryType){\(exported.record.citekey),\n"
    for (index, (name, value, braced)) in fields.enumerated() {
      out += "  "
      out += name
      out += Self.padding[width - name.utf8.count]
      out += braced ? " = {" : " = "
      out += value
      if braced { out += "}" }
      out += index < fields.count - 1 ? ",\n" : "\n"
    }
    return out + "}\n\n"
  }

  /// Whether a family name holds a comma or a word `and`, which BibTeX would read as the
  /// end of a name.
  static func splitsNameList(_ family: String) -> Bool {
    var family = family
    return family.withUTF8 { bytes in
      if bytes.contains(UInt8(ascii: ",")) { return true }
      var start = 0
      while start + 3 <= bytes.count {
        if bytes[start] | 0x20 == UInt8(ascii: "a"), bytes[start + 1] | 0x20 == UInt8(ascii: "n"),
          bytes[start + 2] | 0x20 == UInt8(ascii: "d"), start == 0 || bytes[start - 1] == 0x20,
          start + 3 == bytes.count || bytes[start + 3] == 0x20
        {
          return true
        }
        start += 1
      }
      return false
    }
  }

  static func balanced(_ text: String) -> Bool {
    var depth = 0
    for byte in text.utf8 {
      if byte == UInt8(ascii: "{") { depth += 1 }
      if byte == UInt8(ascii: "}") { depth -= 1 }
      if depth < 0 { return false }
    }
    return depth == 0
  }

  /// `Bruix, J. and Qin, S. and others`; an organisation in braces, kept whole.
  func names(_ names: [String], etAl: Bool) -> String {
    var out = ""
    for name in names {
      if !out.isEmpty { out += " and " }
      guard let (family, initials) = AuthorName.split(name) else {
        out += "{"
        out += LaTeXEncoding.encode(name, ascii: ascii)
        out += "}"
        continue
      }
      // A family name with a comma or ` and ` inside would split the list: keep it whole.
      let whole = Self.splitsNameList(family)
      if whole { out += "{" }
      out += LaTeXEncoding.encode(family, ascii: ascii)
      if whole { out += "}" }
      out += ", "
      out += AuthorName.spelled(initials)
    }
    if etAl { out += out.isEmpty ? "others" : " and others" }
    return out
  }
}
