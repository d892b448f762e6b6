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

  public func entry(_ exported: ExportedRecord) -> String {
    Self.item(exported).canonical
  }

  public static func item(_ exported: ExportedRecord) -> JSONValue {
    let p = exported.publication
    var item: [String: JSONValue] = ["id": .string(exported.record.citekey), "type": .string(exported.type)]
    func add(_ key: String, _ value: String) { if !value.isEmpty { item[key] = .string(value) } }
    add("title", p.title)
    if !p.authors.isEmpty { item["author"] = names(p.authors) }
    if !p.editors.isEmpty { item["editor"] = names(p.editors) }
    add("container-title", p.container.isEmpty ? p.journal : p.container)
    if !p.container.isEmpty { add("collection-title", p.journal) }
    if let year = p.year {
      var parts: [JSONValue] = [.int(Int64(year))]
      if let month = DateText.monthNames.firstIndex(of: p.month) { parts.append(.int(Int64(month + 1))) }
      item["issued"] = .object(["date-parts": .array([.array(parts)])])
    } else if !p.date.isEmpty {
      item["issued"] = .object(["literal": .string(p.date)])
    }
    add("volume", p.volume)
    add("issue", p.issue)
    add("page", p.pages)
    add("publisher", p.publisher)
    add("DOI", p.doi)
    add("PMID", p.pmid)
    add("PMCID", p.pmcid)
    add("URL", p.url)
    add("ISSN", p.issn)
    add("ISBN", p.isbn)
    add("language", p.language)
    add("keyword", (p.keywords + exported.annotations.tags).joined(separator: ", "))
    add("abstract", exported.abstractText)
    add(
      "note",
      exported.notes.map { note in (note.anchor.map { "“\($0.exact)” " } ?? "") + "\(note.author): \(note.body)" }
        .joined(separator: "\n\n"))
    return .object(item)
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
