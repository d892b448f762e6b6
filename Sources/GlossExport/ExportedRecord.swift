import GlossCore
import GlossStore

/// One record as the exporters see it: its fields, and what people added to it.
public struct ExportedRecord: Sendable {
  public let record: RecordView
  public let annotations: RecordAnnotations

  public init(record: RecordView, annotations: RecordAnnotations) {
    self.record = record
    self.annotations = annotations
  }

  public var publication: Publication { record.publication }

  /// The CSL type, or `article-journal` for a record whose source gave none (a CancerIndex
  /// listing is of journal articles).
  public var type: String { publication.type.isEmpty ? "article-journal" : publication.type }

  /// Live notes, oldest first (the store never hands deleted ones to an export).
  public var notes: [NoteView] { annotations.notes }

  /// Each note as one text, for formats with a plain notes field (`annote`, `note`, `N1`):
  /// `“the quote” author: body`.
  public var noteTexts: [String] {
    notes.map { note in (note.anchor.map { "“\($0.exact)” " } ?? "") + "\(note.author): \(note.body)" }
  }

  /// The abstract as one text, sections as `LABEL: text`, separated by blank lines.
  public var abstractText: String {
    // Most abstracts are one unlabelled section: that text as it is, not a copy.
    if publication.abstract.count == 1, publication.abstract[0].label == nil { return publication.abstract[0].text }
    return publication.abstract.map { section in (section.label.map { $0 + ": " } ?? "") + section.text }
      .joined(separator: "\n\n")
  }

  /// Where the paper lives on the web, for a W3C annotation's target: its DOI, else its
  /// PubMed page, else a URN naming the record.
  public var sourceIRI: String {
    let p = publication
    if !p.doi.isEmpty { return "https://doi.org/" + p.doi }
    if !p.pmid.isEmpty { return "https://pubmed.ncbi.nlm.nih.gov/" + p.pmid + "/" }
    return "urn:gloss:record:" + record.id
  }
}

/// How a stored author name (`Bruix J`, `van der Berg JP`, `World Health Organization`)
/// splits into a family name and initials, for formats that want them apart.
public enum AuthorName {
  /// `(family, initials)` for a person, nil for a name that is not `Family INITIALS`
  /// (an organisation, a single name): formats write those whole.
  public static func split(_ name: String) -> (family: String, initials: String)? {
    // The usual name, `Bruix J`, decided on its bytes: ASCII capitals after the last space.
    let bytes = name.utf8
    if let space = bytes.lastIndex(of: UInt8(ascii: " ")) {
      let initials = bytes[bytes.index(after: space)...]
      if (1...4).contains(initials.count), initials.allSatisfy({ $0 >= 0x41 && $0 <= 0x5A }) {
        return (String(name[..<space]), String(name[bytes.index(after: space)...]))
      }
      if initials.allSatisfy({ $0 < 0x80 }) { return nil }
    }
    guard let space = name.lastIndex(of: " ") else { return nil }
    let initials = name[name.index(after: space)...]
    guard !initials.isEmpty, initials.count <= 4, initials.allSatisfy({ $0.isUppercase && $0.isLetter }) else {
      return nil
    }
    return (String(name[..<space]), String(initials))
  }

  /// `J. P.` from `JP`.
  public static func spelled(_ initials: String) -> String {
    var out = ""
    for letter in initials {
      if !out.isEmpty { out += " " }
      out.append(letter)
      out += "."
    }
    return out
  }
}

/// A record exporter: a text before the records, one text per record (empty when the
/// record has nothing to say in this format), `separator` between two that are not empty,
/// and a text after.
public protocol RecordExporter: Sendable {
  var header: String { get }
  func entry(_ record: ExportedRecord) -> String
  var separator: String { get }
  var footer: String { get }
}
