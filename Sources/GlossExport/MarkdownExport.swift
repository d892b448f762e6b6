import Foundation
import GlossCore
import GlossStore

/// Reading notes in Markdown: per record a heading with the citation, a DOI link, the
/// person's status and the tags, then each note; a highlight as a `>` quote with its note
/// under it. Plain enough to read in a terminal, structured enough for any viewer.
public struct MarkdownExport: RecordExporter {
  /// Whose status is shown and whose notes are kept (nil: everyone's notes).
  public let person: String
  public let onlyPerson: Bool

  public init(person: String, onlyPerson: Bool) {
    self.person = person
    self.onlyPerson = onlyPerson
  }

  public var header: String { "# Reading notes" + (onlyPerson ? " by \(person)" : "") + "\n\n" }
  public var separator: String { "" }
  public var footer: String { "" }

  public func entry(_ exported: ExportedRecord) -> String {
    let record = exported.record
    let p = exported.publication
    var out = "## " + escaped(record.authorLine.isEmpty ? "" : record.authorLine + " ")
    out += p.year.map { "(\($0)). " } ?? ""
    out += escaped(p.title) + (p.journal.isEmpty ? "" : " *\(escaped(p.journal))*")
    if !p.volume.isEmpty { out += " " + escaped(p.volume) + (p.issue.isEmpty ? "" : "(\(escaped(p.issue)))") }
    if !p.pages.isEmpty { out += ":" + escaped(p.pages) }
    out += "\n\n"
    var facts = ["`\(record.citekey)`"]
    if !p.doi.isEmpty { facts.append("[doi:\(p.doi)](https://doi.org/\(p.doi))") }
    if !p.pmid.isEmpty { facts.append("[PMID \(p.pmid)](https://pubmed.ncbi.nlm.nih.gov/\(p.pmid)/)") }
    let status = exported.annotations.statuses[person] ?? .unread
    facts.append("status: \(status.rawValue)")
    if !exported.annotations.tags.isEmpty {
      facts.append("tags: " + exported.annotations.tags.map { "#" + $0 }.joined(separator: " "))
    }
    out += facts.joined(separator: " · ") + "\n\n"
    for note in exported.notes where !onlyPerson || note.author == person {
      if let anchor = note.anchor {
        for line in anchor.exact.split(whereSeparator: \.isNewline) { out += "> " + escaped(String(line)) + "\n" }
        out += "\n"
      }
      out += note.body.split(separator: "\n", omittingEmptySubsequences: false).joined(separator: "  \n")
      out += "\n\n— \(note.author), \(Self.day(note.created))\n\n"
    }
    return out
  }

  /// Markdown's inline markup characters, escaped in text that is not ours.
  func escaped(_ text: String) -> String {
    var out = ""
    for character in text {
      if "\\`*_[]<>#|".contains(character) { out.append("\\") }
      out.append(character)
    }
    return out
  }

  static func day(_ timestamp: HLCTimestamp) -> String {
    let formatter = ISO8601DateFormatter()
    formatter.formatOptions = [.withFullDate]
    return formatter.string(from: Date(timeIntervalSince1970: Double(timestamp.milliseconds) / 1000))
  }
}
