import GlossCore

/// A record as reads show it: its id, citekey and the winning value of every field.
public struct RecordView: Sendable, Equatable {
  /// The record's row in this store (not shared with peers): what per-record lookups key on.
  public let num: Int64
  public let id: String
  public let citekey: String
  public let publication: Publication
  /// Fields whose register holds several different values; reads show the winner.
  public var conflictedFields: [RecordField] = []

  /// The `--json` form: the keys the README documents, in canonical order.
  public var json: JSONValue {
    let p = publication
    var members: [String: JSONValue] = [
      "id": .string(id), "citekey": .string(citekey), "title": .string(p.title),
      "authors": .array(p.authors.map(JSONValue.string)), "etAl": .bool(p.etAl), "journal": .string(p.journal),
      "year": p.year.map { .int(Int64($0)) } ?? .null, "date": .string(p.date), "volume": .string(p.volume),
      "issue": .string(p.issue), "pages": .string(p.pages), "pubmed": .bool(p.pubmed),
      "freeFullText": .bool(p.freeFullText), "abstract": p.value(of: .abstract),
      "topic": p.topics.first.map(JSONValue.string) ?? .null,
    ]
    // `citekey` is the key shown (pinned or derived), not the pinned field alone.
    for field in RecordField.libraryFields where field != .citekey { members[field.rawValue] = p.value(of: field) }
    if !conflictedFields.isEmpty { members["conflicts"] = .array(conflictedFields.map { .string($0.rawValue) }) }
    return .object(members)
  }

  /// `Lancet. 2017; 389(10064):56-66`, rebuilt the way the listing printed it.
  public var citationLine: String {
    let p = publication
    var line = p.journal.isEmpty ? "" : p.journal + ". "
    line += p.date.isEmpty ? (p.year.map(String.init) ?? "") : p.date
    var locator = p.volume
    if !p.issue.isEmpty { locator += "(\(p.issue))" }
    if !p.pages.isEmpty { locator += ":" + p.pages }
    if !locator.isEmpty { line += "; " + locator }
    return line
  }

  /// `Atkin C, Earwaker P, Pallan A, et al.`
  public var authorLine: String {
    var names = publication.authors.joined(separator: ", ")
    if publication.etAl { names += names.isEmpty ? "et al." : ", et al." }
    return names
  }
}
