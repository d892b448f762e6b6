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

  public var id: RecordID { RecordID(firstAuthor: authors.first, year: year, title: title) }

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
    }
  }

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
    default: return false
    }
    return true
  }
}

/// The bibliographic fields that people edit and that merge as multi-value registers.
public enum RecordField: String, CaseIterable, Sendable, Comparable {
  case authors, etAl, title, journal, year, date, volume, issue, pages, pubmed, freeFullText, abstract

  public static func < (lhs: RecordField, rhs: RecordField) -> Bool { lhs.rawValue < rhs.rawValue }

  /// What a value of this field must look like, for the message when `parse` fails.
  public var expectation: String {
    switch self {
    case .year: "year must be a number, like 2017 (or empty to clear it)"
    case .etAl, .pubmed, .freeFullText: "\(rawValue) must be true or false"
    default: "\(rawValue) takes any text"
    }
  }

  /// Parses a value typed by a person (`gloss set ID year 2017`).
  public func parse(_ text: String) -> JSONValue? {
    switch self {
    case .authors:
      return .array(
        text.split(separator: ";").map { .string($0.trimmingCharacters(in: .whitespaces)) }.filter { $0 != .string("") }
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
    default: return .string(text)
    }
  }
}
