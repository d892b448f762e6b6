import GlossCore
import GlossImport
import GlossStore

/// CSL-JSON, the item format of citeproc, Pandoc and Zotero: an array of items whose ids
/// are the citekeys, so that a Pandoc document cites `@bruix2017regorafenib`. Valid
/// against the CSL 1.0.2 data schema.
public struct CSLJSONExport: RecordExporter {
  public init() {}

  public var header: String { "[\n" }
  public var separator: String { ",\n" }
  public var footer: String { "\n]\n" }

  /// The item as canonical JSON, written member by member in canonical key order (UTF-8
  /// bytes: capitals first): no dictionary is built and no keys are sorted per record.
  public func entry(_ exported: ExportedRecord) -> String {
    let p = exported.publication
    var out = "{"
    func add(_ key: String, _ value: JSONValue) {
      if out.utf8.count > 1 { out += "," }
      out += "\"" + key + "\":"
      value.write(to: &out)
    }
    func add(_ key: String, _ text: String) { if !text.isEmpty { add(key, .string(text)) } }
    add("DOI", p.doi)
    add("ISBN", p.isbn)
    add("ISSN", p.issn)
    add("PMCID", p.pmcid)
    add("PMID", p.pmid)
    add("URL", p.url)
    add("abstract", exported.abstractText)
    if !p.authors.isEmpty { add("author", Self.names(p.authors)) }
    if !p.container.isEmpty { add("collection-title", p.journal) }
    add("container-title", p.container.isEmpty ? p.journal : p.container)
    if !p.editors.isEmpty { add("editor", Self.names(p.editors)) }
    add("id", exported.record.citekey)
    add("issue", p.issue)
    if let year = p.year {
      var parts: [JSONValue] = [.int(Int64(year))]
      if let month = DateText.monthNames.firstIndex(of: p.month) { parts.append(.int(Int64(month + 1))) }
      add("issued", .object(["date-parts": .array([.array(parts)])]))
    } else if !p.date.isEmpty {
      add("issued", .object(["literal": .string(p.date)]))
    }
    add("keyword", (p.keywords + exported.annotations.tags).joined(separator: ", "))
    add("language", p.language)
    add("note", exported.noteTexts.joined(separator: "\n\n"))
    add("page", p.pages)
    add("publisher", p.publisher)
    add("title", p.title)
    add("type", exported.type)
    add("volume", p.volume)
    return out + "}"
  }

  /// `{"family": "Bruix", "given": "J."}`, or `{"literal": …}` for an organisation.
  static func names(_ names: [String]) -> JSONValue {
    .array(
      names.map { name in
        guard let (family, initials) = AuthorName.split(name) else { return .object(["literal": .string(name)]) }
        return .object(["family": .string(family), "given": .string(AuthorName.spelled(initials))])
      })
  }
}
