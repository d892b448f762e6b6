import Foundation
import GlossCore

/// CSL-JSON, the items citeproc processors read and Zotero, Crossref, DataCite and Pandoc
/// write: an array of items or one item; names as `family`/`given` or `literal`; dates as
/// `date-parts` of numbers or strings, or `raw`/`literal` text.
public enum CSLJSONImport {
  public static func entries(in data: Data, source: String) -> (entries: [ListingEntry], error: String?) {
    if let offset = nestingTooDeep(data) {
      return ([], "the JSON nests deeper than \(maximumDepth) levels at byte \(offset); CSL-JSON is a few levels deep")
    }
    let root: Any
    do {
      root = try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])
    } catch {
      return ([], "the JSON is not valid (\((error as NSError).userInfo[NSDebugDescriptionErrorKey] ?? error))")
    }
    let items: [Any]
    if let array = root as? [Any] {
      items = array
    } else if root is [String: Any] {
      items = [root]
    } else {
      return ([], "the JSON is neither an array of CSL items nor one item")
    }
    let lines = root is [Any] ? itemLines(data) : [1]
    return (
      items.enumerated().map { index, item in
        let line = index < lines.count ? lines[index] : 1
        guard let object = item as? [String: Any] else {
          return .skipped(line: line, reason: "item \(index + 1) is not a JSON object")
        }
        guard let publication = publication(object, source: source) else {
          return .skipped(line: line, reason: "item \(index + 1) has no title, author, date or identifier")
        }
        guard !JSONValue.holdsNUL(canonical: OperationBody.createRecord(publication).canonicalPayload) else {
          return .skipped(
            line: line, reason: "item \(index + 1) holds the character U+0000, which Gloss does not store; remove it")
        }
        return .publication(publication, line: line)
      }, nil
    )
  }

  static let maximumDepth = 64

  /// The line each item of the top-level array starts on, so that a skipped item is named
  /// by its place in the file.
  static func itemLines(_ data: Data) -> [Int] {
    var lines: [Int] = []
    var line = 1
    var depth = 0
    var expectingItem = false
    forEachByteOutsideStrings(data) { _, byte in
      if byte == UInt8(ascii: "\n") { line += 1 }
      let isSpace = byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09
      if expectingItem, !isSpace, byte != UInt8(ascii: "]") {
        lines.append(line)
        expectingItem = false
      }
      switch byte {
      case UInt8(ascii: "["), UInt8(ascii: "{"):
        depth += 1
        if depth == 1, byte == UInt8(ascii: "[") { expectingItem = true }
      case UInt8(ascii: "]"), UInt8(ascii: "}"): depth -= 1
      case UInt8(ascii: ","): if depth == 1 { expectingItem = true }
      default: break
      }
      return true
    }
    return lines
  }

  /// The offset where arrays and objects nest past `maximumDepth`: refused before
  /// Foundation's recursive parser could exhaust the stack on a hostile file.
  static func nestingTooDeep(_ data: Data) -> Int? {
    var depth = 0
    var tooDeep: Int?
    forEachByteOutsideStrings(data) { offset, byte in
      switch byte {
      case UInt8(ascii: "["), UInt8(ascii: "{"):
        depth += 1
        if depth > maximumDepth {
          tooDeep = offset
          return false
        }
      case UInt8(ascii: "]"), UInt8(ascii: "}"): depth -= 1
      default: break
      }
      return true
    }
    return tooDeep
  }

  /// Calls `body` with each byte outside JSON strings (a string's opening quote included)
  /// and its offset, until `body` returns false.
  static func forEachByteOutsideStrings(_ data: Data, _ body: (Int, UInt8) -> Bool) {
    var inString = false
    var escaped = false
    for (offset, byte) in data.enumerated() {
      if inString {
        if escaped {
          escaped = false
        } else if byte == UInt8(ascii: "\\") {
          escaped = true
        } else if byte == UInt8(ascii: "\"") {
          inString = false
        }
        continue
      }
      if byte == UInt8(ascii: "\"") { inString = true }
      if !body(offset, byte) { return }
    }
  }

  static func publication(_ item: [String: Any], source: String) -> Publication? {
    func string(_ key: String) -> String {
      switch item[key] {
      case let text as String: return collapsingWhitespace(text)
      case let number as NSNumber: return number.stringValue
      case let list as [Any]: return (list.first as? String).map(collapsingWhitespace) ?? ""
      default: return ""
      }
    }
    var publication = Publication(title: string("title"), sources: [source])
    let type = string("type")
    publication.type = CSLType.all.contains(type) ? type : "document"
    publication.authors = names(item["author"])
    publication.editors = names(item["editor"])
    let containerTitle = string("container-title")
    if ["chapter", "paper-conference", "entry-encyclopedia", "entry-dictionary", "entry"].contains(publication.type) {
      publication.container = containerTitle
    } else {
      publication.journal = string("container-title-short").isEmpty ? containerTitle : string("container-title-short")
    }
    let date = self.date(item["issued"]) ?? self.date(item["published-print"]) ?? self.date(item["published-online"])
    publication.year = date?.year
    publication.date = date?.printed ?? ""
    publication.month = date?.month ?? ""
    publication.volume = string("volume")
    publication.issue = string("issue")
    publication.pages = string("page")
    let abstract = string("abstract")
    if !abstract.isEmpty { publication.abstract = AbstractSections.split(stripTags(abstract)) }
    publication.doi = Identifiers.doi(string("DOI")) ?? ""
    publication.pmid = Identifiers.pmid(string("PMID")) ?? ""
    publication.pmcid = Identifiers.pmcid(string("PMCID")) ?? ""
    publication.url = string("URL")
    publication.issn = string("ISSN")
    publication.isbn = string("ISBN")
    publication.publisher = string("publisher")
    publication.language = string("language")
    publication.pubmed = !publication.pmid.isEmpty
    if let keywords = item["keyword"] as? String {
      publication.keywords = keywords.split(whereSeparator: { $0 == "," || $0 == ";" }).map {
        $0.trimmingWhitespace
      }.filter { !$0.isEmpty }
    } else if let subjects = item["subject"] as? [String] {
      publication.keywords = subjects
    }
    let identified =
      !publication.title.isEmpty || !publication.authors.isEmpty || publication.year != nil || !publication.doi.isEmpty
      || !publication.pmid.isEmpty
    return identified ? publication : nil
  }

  static func names(_ value: Any?) -> [String] {
    guard let list = value as? [Any] else { return [] }
    return list.compactMap { entry -> String? in
      guard let name = entry as? [String: Any] else { return nil }
      if let literal = name["literal"] as? String { return literalName(collapsingWhitespace(literal)) }
      let family = [name["non-dropping-particle"], name["family"]].compactMap { $0 as? String }.joined(separator: " ")
      var given = name["given"] as? String ?? ""
      if let suffix = name["suffix"] as? String, !suffix.isEmpty { given += " " + suffix }
      let made = PersonName.make(family: family, given: given)
      return made.isEmpty ? nil : made
    }
  }

  /// A `literal` name is one not to be split, meant for institutions; some services (arXiv)
  /// put people's names there. A literal of two to four capitalised words with an initial
  /// among them (`Arfon M Smith`) is a person's and is written `Smith AM`.
  static func literalName(_ literal: String) -> String {
    let words = literal.split(separator: " ")
    let capitalised = words.allSatisfy { $0.first?.isUppercase == true }
    let hasInitial = words.dropFirst().dropLast().contains { $0.count == 1 || ($0.count == 2 && $0.hasSuffix(".")) }
    guard (3...4).contains(words.count), capitalised, hasInitial else { return literal }
    return PersonName.parse(literal)
  }

  /// `{"date-parts": [[2017, 3, 1]]}` (numbers or strings), or `raw`/`literal` text.
  static func date(_ value: Any?) -> DateText? {
    guard let object = value as? [String: Any] else { return nil }
    if let parts = (object["date-parts"] as? [Any])?.first as? [Any], !parts.isEmpty {
      func number(_ index: Int) -> Int? {
        guard index < parts.count else { return nil }
        if let value = parts[index] as? NSNumber { return value.intValue }
        if let value = parts[index] as? String { return Int(value.trimmingWhitespace) }
        return nil
      }
      guard let year = number(0) else { return nil }
      let month = number(1).flatMap { (1...12).contains($0) ? DateText.monthNames[$0 - 1] : nil } ?? ""
      var printed = String(year)
      if !month.isEmpty { printed += " " + month.prefix(3) }
      if !month.isEmpty, let day = number(2), (1...31).contains(day) { printed += " \(day)" }
      return DateText(year: year, month: month, printed: printed)
    }
    for key in ["raw", "literal"] {
      if let text = object[key] as? String { return DateText(text) }
    }
    return nil
  }

  /// Crossref abstracts come in JATS markup (`<jats:p>`); the text is what matters.
  static func stripTags(_ text: String) -> String {
    var out = ""
    var inTag = false
    for character in text {
      if character == "<" {
        inTag = true
        out.append(" ")
      } else if character == ">" {
        inTag = false
      } else if !inTag {
        out.append(character)
      }
    }
    return collapsingWhitespace(out)
  }

}
