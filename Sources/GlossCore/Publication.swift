import Foundation

/// One labelled paragraph of an abstract. `label` is nil for an unlabelled paragraph.
public struct AbstractSection: Hashable, Sendable {
  public var label: String?
  public var text: String

  public init(label: String?, text: String) {
    self.label = label
    self.text = text
  }
}

/// A publication as a listing describes it: the bibliographic fields, as printed.
///
/// `topics` and `sources` are provenance, not bibliography: a paper can appear on several
/// pages and be imported from several files, so they grow as sets and never conflict.
public struct Publication: Hashable, Sendable {
  public var authors: [String]
  public var etAl: Bool
  public var title: String
  public var journal: String
  public var year: Int?
  public var date: String
  public var volume: String
  public var issue: String
  public var pages: String
  public var pubmed: Bool
  public var freeFullText: Bool
  public var abstract: [AbstractSection]
  public var topics: [String]
  public var sources: [String]
  /// The fields that library formats bring (BibTeX, RIS, MEDLINE, PubMed XML, CSL-JSON).
  /// A CancerIndex listing has none of them; each is empty until a source or a person
  /// sets it. `type` is a CSL type name (`article-journal`, `book`, …); `doi` is stored
  /// lowercase without a resolver prefix (see `Identifiers.doi`).
  public var type = ""
  public var doi = ""
  public var pmid = ""
  public var pmcid = ""
  public var url = ""
  public var issn = ""
  public var isbn = ""
  public var publisher = ""
  /// The book or proceedings a chapter or paper appears in.
  public var container = ""
  public var editors: [String] = []
  /// The source's subject terms (MeSH, author keywords), not anyone's tags.
  public var keywords: [String] = []
  public var language = ""
  public var month = ""
  /// The citekey a person set (`gloss set ID citekey KEY`), empty when none: it beats the
  /// key derived from the content (`citekey`).
  public var pinnedCitekey = ""

  public init(
    authors: [String] = [], etAl: Bool = false, title: String, journal: String = "", year: Int? = nil,
    date: String = "", volume: String = "", issue: String = "", pages: String = "", pubmed: Bool = false,
    freeFullText: Bool = false, abstract: [AbstractSection] = [], topics: [String] = [], sources: [String] = []
  ) {
    self.authors = authors
    self.etAl = etAl
    self.title = title
    self.journal = journal
    self.year = year
    self.date = date
    self.volume = volume
    self.issue = issue
    self.pages = pages
    self.pubmed = pubmed
    self.freeFullText = freeFullText
    self.abstract = abstract
    self.topics = topics
    self.sources = sources
  }

  /// The content id: first author's surname, year and title. A record with none of the
  /// three (an RIS record of only an abstract, a BibTeX entry of only pages) takes its id
  /// from all its bibliographic fields instead, so that such records stay apart.
  public var id: RecordID {
    if authors.isEmpty, year == nil, RecordID.normalise(title).isEmpty {
      var fields = OperationBody.createRecord(self).payload
      if case .object(var members) = fields {
        members["topics"] = nil
        members["sources"] = nil
        fields = .object(members)
      }
      return RecordID(content: fields.canonical)
    }
    return RecordID(firstAuthor: authors.first, year: year, title: title)
  }

  public var citekey: String { Citekey.make(firstAuthor: authors.first, year: year, title: title) }

  /// The value of one bibliographic field, in its canonical JSON form.
  public func value(of field: RecordField) -> JSONValue {
    switch field {
    case .authors: .array(authors.map(JSONValue.string))
    case .etAl: .bool(etAl)
    case .title: .string(title)
    case .journal: .string(journal)
    case .year: year.map { .int(Int64($0)) } ?? .null
    case .date: .string(date)
    case .volume: .string(volume)
    case .issue: .string(issue)
    case .pages: .string(pages)
    case .pubmed: .bool(pubmed)
    case .freeFullText: .bool(freeFullText)
    case .abstract:
      .array(abstract.map { .object(["label": $0.label.map(JSONValue.string) ?? .null, "text": .string($0.text)]) })
    case .type: .string(type)
    case .doi: .string(doi)
    case .pmid: .string(pmid)
    case .pmcid: .string(pmcid)
    case .url: .string(url)
    case .issn: .string(issn)
    case .isbn: .string(isbn)
    case .publisher: .string(publisher)
    case .container: .string(container)
    case .editors: .array(editors.map(JSONValue.string))
    case .keywords: .array(keywords.map(JSONValue.string))
    case .language: .string(language)
    case .month: .string(month)
    case .citekey: .string(pinnedCitekey)
    }
  }

  /// The library fields that hold a value, as `record.create` carries them and the store
  /// keeps them: an empty one is absent, so a record from a listing has none.
  public var libraryFields: [RecordField: JSONValue] { fields(RecordField.libraryFields) }

  /// Sets one field from its canonical JSON form; false when the value has the wrong shape.
  @discardableResult
  public mutating func set(_ field: RecordField, to value: JSONValue) -> Bool {
    switch (field, value) {
    case (.authors, .array(let items)):
      let names = items.compactMap(\.stringValue)
      guard names.count == items.count else { return false }
      authors = names
    case (.etAl, .bool(let flag)): etAl = flag
    case (.title, .string(let text)): title = text
    case (.journal, .string(let text)): journal = text
    case (.year, .int(let number)): year = Int(number)
    case (.year, .null): year = nil
    case (.date, .string(let text)): date = text
    case (.volume, .string(let text)): volume = text
    case (.issue, .string(let text)): issue = text
    case (.pages, .string(let text)): pages = text
    case (.pubmed, .bool(let flag)): pubmed = flag
    case (.freeFullText, .bool(let flag)): freeFullText = flag
    case (.abstract, .array(let items)):
      var sections: [AbstractSection] = []
      for item in items {
        guard let text = item["text"]?.stringValue else { return false }
        sections.append(AbstractSection(label: item["label"]?.stringValue, text: text))
      }
      abstract = sections
    case (.type, .string(let text)): type = text
    case (.doi, .string(let text)): doi = text
    case (.pmid, .string(let text)): pmid = text
    case (.pmcid, .string(let text)): pmcid = text
    case (.url, .string(let text)): url = text
    case (.issn, .string(let text)): issn = text
    case (.isbn, .string(let text)): isbn = text
    case (.publisher, .string(let text)): publisher = text
    case (.container, .string(let text)): container = text
    case (.language, .string(let text)): language = text
    case (.month, .string(let text)): month = text
    case (.citekey, .string(let text)): pinnedCitekey = text
    case (.editors, .array(let items)), (.keywords, .array(let items)):
      let texts = items.compactMap(\.stringValue)
      guard texts.count == items.count else { return false }
      if field == .editors { editors = texts } else { keywords = texts }
    default: return false
    }
    return true
  }
}

/// The bibliographic fields that people edit and that merge as multi-value registers.
///
/// The order is the wire order (`record.set` names a field by its index): fields are only
/// ever added at the end. The listing fields come first; the library fields after them
/// were added with the import formats (bundle format 2.1).
public enum RecordField: String, CaseIterable, Sendable, Comparable {
  case authors, etAl, title, journal, year, date, volume, issue, pages, pubmed, freeFullText, abstract
  case type, doi, pmid, pmcid, url, issn, isbn, publisher, container, editors, keywords, language, month
  /// Added after the library fields: a citekey set by a person.
  case citekey

  /// The fields library formats bring; absent from a payload or a dump when empty.
  public static let libraryFields: [RecordField] = Array(allCases.drop { $0 != .type })

  public var isLibraryField: Bool { Self.libraryFields.contains(self) }

  /// Whether `value` is this field's empty value (no text, no names).
  public func isEmpty(_ value: JSONValue) -> Bool {
    value == .string("") || value == .array([]) || value == .null
  }

  public static func < (lhs: RecordField, rhs: RecordField) -> Bool { lhs.rawValue < rhs.rawValue }

  /// What a value of this field must look like, for the message when `parse` fails.
  public var expectation: String {
    switch self {
    case .year: "year must be a number, like 2017 (or empty to clear it)"
    case .etAl, .pubmed, .freeFullText: "\(rawValue) must be true or false"
    case .doi: "doi must look like 10.1016/S0140-6736(16)32453-9 (a https://doi.org/ prefix is removed)"
    case .pmid: "pmid must be PubMed's number, like 27932229"
    case .type: "type must be a CSL type: \(CSLType.all.joined(separator: ", "))"
    case .citekey:
      "citekey must start with a letter and hold up to 64 letters, digits and _ : . - + (empty gives back the derived key)"
    default: "\(rawValue) takes any text"
    }
  }

  /// Parses a value typed by a person (`gloss set ID year 2017`).
  public func parse(_ text: String) -> JSONValue? {
    switch self {
    case .authors:
      return .array(
        text.split(separator: ";").map { .string($0.trimmingWhitespace) }.filter { $0 != .string("") }
      )
    case .etAl, .pubmed, .freeFullText:
      switch text.lowercased() {
      case "true", "yes", "1": return .bool(true)
      case "false", "no", "0": return .bool(false)
      default: return nil
      }
    case .year:
      if text.isEmpty { return .null }
      return Int64(text).map(JSONValue.int)
    case .abstract:
      return .array(
        text.split(separator: "\n", omittingEmptySubsequences: true).map {
          .object(["label": .null, "text": .string(String($0))])
        })
    case .editors, .keywords:
      return .array(
        text.split(separator: ";").map { .string($0.trimmingWhitespace) }.filter { $0 != .string("") }
      )
    case .doi:
      if text.isEmpty { return .string("") }
      return Identifiers.doi(text).map(JSONValue.string)
    case .pmid:
      if text.isEmpty { return .string("") }
      return Identifiers.pmid(text).map(JSONValue.string)
    case .type:
      if text.isEmpty || CSLType.all.contains(text) { return .string(text) }
      return nil
    case .citekey:
      return Citekey.isValid(text) || text.isEmpty ? .string(text) : nil
    default: return .string(text)
    }
  }
}
