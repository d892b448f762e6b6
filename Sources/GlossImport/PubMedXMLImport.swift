import Foundation
import GlossCore

#if canImport(FoundationXML)
  import FoundationXML
#endif

/// PubMed XML (`<PubmedArticleSet>`, what E-utilities' efetch returns), read with
/// Foundation's streaming `XMLParser`: titles and abstracts keep the text of their inline
/// markup (`<i>`, `<sup>`, MathML), a structured abstract's `Label`s become sections,
/// `CollectiveName` authors are authors, identifiers come from `ArticleIdList`. External
/// entities and the DTD are never fetched.
public enum PubMedXMLImport {
  public static func entries(in data: Data, source: String) -> (
    entries: [ListingEntry], error: (line: Int, reason: String)?
  ) {
    // Foundation's XMLParser traps on an element name that is not UTF-8 (found by the
    // pubmed-xml fuzz target); PubMed writes UTF-8, so anything else is refused first.
    if let offset = LibraryFile.firstInvalidUTF8(data) {
      let line = data.prefix(offset).reduce(1) { $0 + ($1 == UInt8(ascii: "\n") ? 1 : 0) }
      return ([], (line, "is not valid UTF-8 text at byte \(offset)"))
    }
    let reader = Reader(source: source)
    let parser = XMLParser(data: withoutProcessingInstructions(data))
    parser.shouldResolveExternalEntities = false
    parser.shouldProcessNamespaces = false
    parser.delegate = reader
    let finished = parser.parse()
    if !finished, let error = parser.parserError {
      return (reader.entries, (parser.lineNumber, "the XML is not well-formed (\(error.localizedDescription))"))
    }
    if !reader.sawArticleSet {
      return (reader.entries, (1, "there is no <PubmedArticleSet>"))
    }
    return (reader.entries, nil)
  }

  /// `data` with every processing instruction but the leading XML declaration blanked
  /// out. Foundation's XMLParser crashes on one without data (`<?x?>`, found by the
  /// pubmed-xml fuzz target), and PubMed XML has none: blanking them changes nothing a
  /// real file says.
  static func withoutProcessingInstructions(_ data: Data) -> Data {
    var bytes = [UInt8](data)
    let lt = UInt8(ascii: "<")
    let gt = UInt8(ascii: ">")
    let question = UInt8(ascii: "?")
    var index = 0
    while index + 1 < bytes.count {
      guard bytes[index] == lt, bytes[index + 1] == question else {
        index += 1
        continue
      }
      // The instruction ends at the first `?>`; a `<` or `>` before it means it is not one
      // that real PubMed XML would hold, and only its opening `<?` is blanked.
      var end = index + 2
      while end + 1 < bytes.count, !(bytes[end] == question && bytes[end + 1] == gt), bytes[end] != lt,
        bytes[end] != gt
      {
        end += 1
      }
      guard end + 1 < bytes.count, bytes[end] == question else {
        bytes[index] = UInt8(ascii: " ")
        bytes[index + 1] = UInt8(ascii: " ")
        index += 2
        continue
      }
      let isDeclaration = index == 0 && end > 5 && Array(bytes[2..<6]) == Array("xml ".utf8)
      if !isDeclaration {
        for position in index...(end + 1) where bytes[position] != UInt8(ascii: "\n") {
          bytes[position] = UInt8(ascii: " ")
        }
      }
      index = end + 2
    }
    return Data(bytes)
  }

  private final class Reader: NSObject, XMLParserDelegate {
    let source: String
    var entries: [ListingEntry] = []
    var sawArticleSet = false
    var path: [String] = []
    var text = ""
    var attributes: [[String: String]] = []
    // The article being read.
    var article: Publication?
    var articleLine = 0
    var lastName = ""
    var foreName = ""
    var initials = ""
    var collective = ""
    var inEditorList = false
    var abstractLabel: String?
    var pubDate: [String: String] = [:]

    init(source: String) { self.source = source }

    func parser(
      _ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
      attributes attributeDict: [String: String]
    ) {
      path.append(name)
      attributes.append(attributeDict)
      switch name {
      case "PubmedArticleSet": sawArticleSet = true
      case "PubmedArticle", "PubmedBookArticle":
        article = Publication(title: "", sources: [source])
        article?.pubmed = true
        article?.type = name == "PubmedBookArticle" ? "book" : "article-journal"
        articleLine = parser.lineNumber
      case "Author":
        lastName = ""
        foreName = ""
        initials = ""
        collective = ""
      case "EditorList": inEditorList = true
      case "AbstractText":
        abstractLabel = attributeDict["Label"]
        text = ""
      case "PubDate": pubDate = [:]
      default: break
      }
      // Text is gathered from here to the element's end, inline markup's text included
      // (`<i>`, `<sup>` and MathML inside a title or abstract end without resetting it).
      if ["ArticleTitle", "BookTitle", "AbstractText", "VernacularTitle"].contains(name) || isLeaf(name) { text = "" }
    }

    /// Elements whose text is read whole, markup and all.
    func isLeaf(_ name: String) -> Bool {
      [
        "LastName", "ForeName", "Initials", "CollectiveName", "Volume", "Issue", "Year", "Month", "Day", "Season",
        "MedlineDate", "ISOAbbreviation", "Title", "MedlinePgn", "ArticleId", "ELocationID", "Language", "ISSN",
        "DescriptorName", "Keyword", "PublicationType", "PMID", "PublisherName", "Isbn",
      ].contains(name)
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) { text += string }

    func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
      let attributesHere = attributes.popLast() ?? [:]
      path.removeLast()
      let value = collapsingWhitespace(text)
      let parent = path.last ?? ""
      guard article != nil else { return }
      switch name {
      case "ArticleTitle": article!.title = value
      case "BookTitle":
        if article!.title.isEmpty { article!.title = value } else { article!.container = value }
      case "VernacularTitle": if article!.title.isEmpty { article!.title = value }
      case "AbstractText":
        let label = abstractLabel.map { $0.uppercased() }
        article!.abstract.append(AbstractSection(label: label?.isEmpty == true ? nil : label, text: value))
      case "LastName": lastName = value
      case "ForeName": foreName = value
      case "Initials": initials = value
      case "CollectiveName": collective = value
      case "Author":
        var person = collective
        if person.isEmpty, !lastName.isEmpty {
          person = initials.isEmpty ? PersonName.make(family: lastName, given: foreName) : "\(lastName) \(initials)"
        }
        if !person.isEmpty {
          if inEditorList { article!.editors.append(person) } else { article!.authors.append(person) }
        }
      case "EditorList": inEditorList = false
      case "Volume" where parent == "JournalIssue": article!.volume = value
      case "Issue" where parent == "JournalIssue": article!.issue = value
      case "Year", "Month", "Day", "Season", "MedlineDate":
        if parent == "PubDate" { pubDate[name] = value }
      case "PubDate":
        let year = pubDate["Year"].flatMap(Int.init) ?? pubDate["MedlineDate"].flatMap(DateText.year(in:))
        article!.year = year
        let month = pubDate["Month"].flatMap(DateText.month) ?? ""
        article!.month = month
        var printed = pubDate["MedlineDate"] ?? year.map(String.init) ?? ""
        if pubDate["MedlineDate"] == nil {
          if !month.isEmpty { printed += " " + month.prefix(3) }
          if let day = pubDate["Day"].flatMap(Int.init) { printed += " \(day)" }
          if let season = pubDate["Season"] { printed += " " + season }
        }
        article!.date = printed
      case "ISOAbbreviation": article!.journal = value
      case "Title" where parent == "Journal": if article!.journal.isEmpty { article!.journal = value }
      case "MedlinePgn": article!.pages = value
      case "ISSN": if article!.issn.isEmpty { article!.issn = value }
      case "Isbn": if article!.isbn.isEmpty { article!.isbn = value }
      case "PublisherName": article!.publisher = value
      case "Language": if article!.language.isEmpty { article!.language = value }
      case "DescriptorName", "Keyword": article!.keywords.append(value)
      case "PMID" where parent == "MedlineCitation" || parent == "BookDocument":
        article!.pmid = Identifiers.pmid(value) ?? ""
      case "ELocationID" where attributesHere["EIdType"] == "doi":
        if article!.doi.isEmpty { article!.doi = Identifiers.doi(value) ?? "" }
      case "ArticleId":
        switch attributesHere["IdType"] {
        case "doi": if article!.doi.isEmpty { article!.doi = Identifiers.doi(value) ?? "" }
        case "pmc": article!.pmcid = Identifiers.pmcid(value) ?? ""
        case "pubmed": if article!.pmid.isEmpty { article!.pmid = Identifiers.pmid(value) ?? "" }
        default: break
        }
      case "PubmedArticle", "PubmedBookArticle":
        var publication = article!
        publication.freeFullText = !publication.pmcid.isEmpty
        entries.append(.publication(publication, line: articleLine))
        article = nil
      default: break
      }
    }

  }
}
