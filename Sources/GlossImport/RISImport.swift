import Foundation
import GlossCore

/// RIS (`TY  - JOUR` … `ER  - `) and Web of Science's tagged variant (`PT J` … `ER`), as
/// reference managers and databases export them: repeated and continued fields, the
/// author tags `AU`/`A1`–`A4`, titles from `TI`/`T1`, the journal from
/// `JO`/`JF`/`JA`/`T2`, dates from `PY`/`Y1`/`DA` in every slash form.
public enum RISImport {
  public static func entries(in text: String, source: String) -> [ListingEntry] {
    let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map {
      $0.hasSuffix("\r") ? String($0.dropLast()) : String($0)
    }
    let webOfScience = lines.contains { $0.hasPrefix("PT ") } && !lines.contains { tagged($0) != nil }
    var entries: [ListingEntry] = []
    var fields: [(tag: String, value: String)] = []
    var start = 0
    var inRecord = false
    func finish(_ line: Int) {
      guard inRecord else { return }
      if let publication = publication(fields, source: source, webOfScience: webOfScience) {
        entries.append(.publication(publication, line: start))
      } else {
        entries.append(.skipped(line: start, reason: "the record has no fields after its type"))
      }
      fields = []
      inRecord = false
    }
    for (offset, line) in lines.enumerated() {
      let number = offset + 1
      let parsed = webOfScience ? wosTagged(line) : tagged(line)
      guard let (tag, value) = parsed else {
        // A continuation line: untagged text after a field belongs to it.
        let continuation = line.trimmedSpaces
        if inRecord, !continuation.isEmpty, !fields.isEmpty {
          let separator = webOfScience && ["AU", "AF", "CR", "ED"].contains(fields[fields.count - 1].tag) ? "\n" : " "
          fields[fields.count - 1].value += separator + continuation
        }
        continue
      }
      switch tag {
      case "TY", "PT":
        finish(number)
        start = number
        inRecord = true
        fields = [(tag, value)]
      case "ER":
        finish(number)
      default:
        if inRecord { fields.append((tag, value)) }
      }
    }
    if inRecord {
      entries.append(.skipped(line: start, reason: "the record is never closed with ER; the file may be cut"))
    }
    return entries
  }

  /// `TY  - JOUR`: two characters, two spaces, a dash (some writers add fewer spaces).
  static func tagged(_ line: String) -> (String, String)? {
    let characters = Array(line)
    guard characters.count >= 5, characters[0].isASCII, characters[0].isUppercase || characters[0].isNumber,
      characters[1].isASCII, characters[1].isUppercase || characters[1].isNumber
    else { return nil }
    var index = 2
    while index < characters.count, characters[index] == " " { index += 1 }
    guard index > 2, index < characters.count, characters[index] == "-" else { return nil }
    let value = String(characters[(index + 1)...]).trimmedSpaces
    return (String(characters[0..<2]), value)
  }

  /// Web of Science: `AU Smith, J` with continuation lines indented by three spaces.
  static func wosTagged(_ line: String) -> (String, String)? {
    let characters = Array(line)
    guard characters.count >= 2, characters[0].isASCII, characters[0].isUppercase, characters[1].isASCII,
      characters[1].isUppercase || characters[1].isNumber, characters.count == 2 || characters[2] == " "
    else { return nil }
    return (String(characters[0..<2]), characters.count > 3 ? String(characters[3...]) : "")
  }

  static let types: [String: String] = [
    "JOUR": "article-journal", "JFULL": "article-journal", "EJOUR": "article-journal", "MGZN": "article-magazine",
    "NEWS": "article-newspaper", "BOOK": "book", "EBOOK": "book", "EDBOOK": "book", "CHAP": "chapter",
    "ECHAP": "chapter", "CONF": "paper-conference", "CPAPER": "paper-conference", "THES": "thesis",
    "RPRT": "report", "ELEC": "webpage", "WEB": "webpage", "BLOG": "post-weblog", "DATA": "dataset",
    "COMP": "software", "PAT": "patent", "UNPB": "manuscript", "MANSCPT": "manuscript", "GEN": "document",
    "STAND": "standard", "BILL": "bill", "CASE": "legal_case", "STAT": "legislation", "MAP": "map",
    "PCOMM": "personal_communication", "SER": "book", "PAMP": "pamphlet", "ABST": "article-journal",
    "J": "article-journal", "B": "book", "S": "book", "P": "patent",
  ]

  static func publication(_ fields: [(tag: String, value: String)], source: String, webOfScience: Bool)
    -> Publication?
  {
    func all(_ tags: String...) -> [String] {
      fields.filter { tags.contains($0.tag) }.map(\.value).filter { !$0.isEmpty }
    }
    func first(_ tags: String...) -> String {
      for tag in tags {
        if let value = fields.first(where: { $0.tag == tag && !$0.value.isEmpty })?.value { return value }
      }
      return ""
    }
    let type = types[fields.first?.value.uppercased() ?? ""] ?? "article-journal"
    let title = collapsingWhitespace(webOfScience ? first("TI") : first("TI", "T1", "CT", "BT", "ST", "TT"))
    guard fields.count > 1 else { return nil }
    var publication = Publication(title: title, sources: [source])
    publication.type = type
    let authorValues = webOfScience ? all("AU").flatMap { $0.split(separator: "\n").map(String.init) } : all("AU", "A1")
    publication.authors = authorValues.map { PersonName.parse($0) }.filter { !$0.isEmpty }
    publication.editors = (webOfScience ? all("ED") : all("A2", "ED")).map { PersonName.parse($0) }
    let secondaryTitle = first("T2")
    if webOfScience {
      publication.journal = titleCase(first("SO"))
    } else if type == "chapter" || type == "paper-conference" {
      publication.container = secondaryTitle
      publication.journal = first("JO", "JF", "JA")
    } else {
      publication.journal = first("JO", "JF", "T2", "JA")
    }
    // Web of Science's DA is the day of the export, not of the paper.
    var date = DateText(webOfScience ? first("PY") : first("PY", "Y1", "DA"))
    if !webOfScience, let fuller = fields.first(where: { $0.tag == "DA" || $0.tag == "Y1" })?.value,
      DateText(fuller).month != ""
    {
      date = DateText(fuller)
    }
    // Web of Science's PD: `JUN 8`, `JUN`, `SPR`.
    let published = first("PD").split(separator: " ")
    if webOfScience, date.month.isEmpty, let word = published.first, let month = DateText.month(String(word.prefix(3)))
    {
      date.month = month
      if let year = date.year {
        date.printed = "\(year) \(month.prefix(3))"
        if published.count > 1, let day = Int(published[1]), (1...31).contains(day) { date.printed += " \(day)" }
      }
    }
    publication.year = date.year
    publication.date = date.printed
    publication.month = date.month
    publication.volume = first("VL", "VO")
    publication.issue = first("IS", "CP")
    let startPage = first("SP", "BP")
    let endPage = first("EP")
    publication.pages = endPage.isEmpty || startPage.isEmpty ? startPage : "\(startPage)-\(endPage)"
    publication.abstract = AbstractSections.split(first("AB", "N2"))
    publication.doi = Identifiers.doi(first("DO", "DI")) ?? ""
    publication.url = first("UR", "L2")
    let serial = first("SN")
    if type == "book" || type == "chapter" { publication.isbn = serial } else { publication.issn = serial }
    if webOfScience {
      publication.issn = first("SN")
      publication.isbn = first("BN")
    }
    publication.publisher = first("PB", "PU")
    publication.language = first("LA")
    publication.keywords =
      webOfScience
      ? all("DE").flatMap { $0.split(separator: ";").map { collapsingWhitespace(String($0)) } }.filter { !$0.isEmpty }
      : all("KW")
    // Web of Science's PM; an RIS AN is an accession number of any database, not a PMID.
    publication.pmid = Identifiers.pmid(first("PM")) ?? ""
    return publication
  }

  /// Web of Science writes journal names in capitals.
  static func titleCase(_ text: String) -> String {
    guard text == text.uppercased(), text.contains(where: { $0.isLetter }) else { return text }
    return text.lowercased().split(separator: " ").map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined(
      separator: " ")
  }

}
