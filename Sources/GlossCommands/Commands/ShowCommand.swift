import ArgumentParser
import Foundation
import GlossCore
import GlossStore

struct ShowCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "show",
    abstract: "Show one record in full: its fields, then its tags, everyone's status, notes and conflicts.")

  @OptionGroup var storeOptions: StoreOptions
  @Flag(help: "Print JSON.") var json = false
  @Flag(help: "Also show what each import source says where it disagrees with the record.") var sources = false
  @Argument(help: ArgumentHelp("A record id, id prefix or citekey.", valueName: "id")) var id: String

  func run() throws {
    let store = try storeOptions.open()
    let (record, annotations, statements, merged) = try store.read { reader in
      let ref = try reader.resolveRecord(id)
      return (
        try reader.record(num: ref.num)!, try reader.annotations(of: ref), try reader.sourceStatements(record: ref.num),
        try reader.mergedRecords(into: ref)
      )
    }
    let output = CommandContext.current.output
    if json || CommandContext.current.mode == .json {
      guard case .object(var members) = record.json else { return }
      members.merge(annotations.json(fullNotes: true)) { $1 }
      members["merged"] = .array(merged.map { .string($0.id) })
      if sources {
        members["sources"] = .object(
          statements.mapValues { statement in
            .object(Dictionary(uniqueKeysWithValues: statement.fields.map { ($0.key.rawValue, $0.value) }))
          })
      }
      output.json(.object(members))
      return
    }
    let width = min(Terminal.width() ?? 100, 100)
    let color = Terminal.colorEnabled
    let p = record.publication
    for line in Terminal.wrap(p.title, width: width) { output.line(Style.bold.apply(line, enabled: color)) }
    if !record.authorLine.isEmpty { output.line(record.authorLine) }
    var citation = record.citationLine
    if p.pubmed { citation += "  [PubMed]" }
    if p.freeFullText { citation += "  [free full text]" }
    output.line(citation)
    if !p.container.isEmpty {
      output.line("In: \(p.container)" + (p.editors.isEmpty ? "" : ", ed. " + p.editors.joined(separator: ", ")))
    }
    if !p.publisher.isEmpty { output.line(p.publisher) }
    var identifiers: [String] = []
    if !p.doi.isEmpty { identifiers.append("doi \(p.doi)") }
    if !p.pmid.isEmpty { identifiers.append("pmid \(p.pmid)") }
    if !p.pmcid.isEmpty { identifiers.append("pmcid \(p.pmcid)") }
    if !p.issn.isEmpty { identifiers.append("issn \(p.issn)") }
    if !p.isbn.isEmpty { identifiers.append("isbn \(p.isbn)") }
    if !identifiers.isEmpty { output.line(identifiers.joined(separator: "  ")) }
    if !p.url.isEmpty { output.line(p.url) }
    var identity = "id \(record.id)  citekey \(record.citekey)"
    if !p.type.isEmpty { identity += "  type \(p.type)" }
    if !p.language.isEmpty { identity += "  language \(p.language)" }
    if !p.topics.isEmpty { identity += "  topic \(p.topics.joined(separator: "; "))" }
    output.line(Style.dim.apply(identity, enabled: color))
    if !p.keywords.isEmpty {
      for line in Terminal.wrap("keywords: " + p.keywords.joined(separator: "; "), width: width) {
        output.line(Style.dim.apply(line, enabled: color))
      }
    }
    if !record.conflictedFields.isEmpty {
      output.line(
        Style.yellow.apply(
          "conflict in \(record.conflictedFields.map(\.rawValue).joined(separator: ", ")): see gloss conflicts",
          enabled: color))
    }
    for section in p.abstract {
      output.line()
      if let label = section.label { output.line(Style.cyan.apply(label, enabled: color)) }
      for line in Terminal.wrap(section.text, width: width, indent: section.label == nil ? "" : "  ") {
        output.line(line)
      }
    }
    Self.print(annotations, recordID: record.id, width: width, color: color, to: output)
    if !merged.isEmpty {
      output.line()
      output.line(Style.cyan.apply("MERGED", enabled: color))
      for other in merged {
        let line = "  \(other.id)  \(other.publication.year.map(String.init) ?? "")  \(other.publication.title)"
        output.line(String(line.prefix(width)))
      }
      output.line(Style.dim.apply("  one paper; gloss unmerge ID separates a record again", enabled: color))
    }
    if sources { Self.print(statements, of: record.publication, width: width, color: color, to: output) }
  }

  /// Each source, and the fields where what it says differs from the record beyond
  /// trivial differences (dashes, a final period, case, white space, a leading "The").
  static func print(
    _ statements: [String: SourceStatement], of publication: Publication, width: Int, color: Bool, to output: Output
  ) {
    output.line()
    output.line(Style.cyan.apply("SOURCES", enabled: color))
    for source in statements.keys.sorted() {
      let statement = statements[source]!
      let differing = RecordField.allCases.filter { field in
        let said = statement.fields[field] ?? Publication.empty.value(of: field)
        return said != Publication.empty.value(of: field)
          && !TrivialDifference.agree(said, publication.value(of: field))
      }
      let role = statement.kind == "record.create" ? "brought the record" : "imported into it"
      output.line(
        "  \(source)  (\(role); " + (differing.isEmpty ? "agrees with the record)" : "differs in \(differing.count))"))
      for field in differing {
        let value = statement.fields[field]!
        let text =
          value.stringValue ?? value.arrayValue?.compactMap(\.stringValue).joined(separator: "; ") ?? value.canonical
        for (index, line) in Terminal.wrap(text, width: width, indent: "      ").enumerated() {
          output.line(
            index == 0
              ? "    " + field.rawValue.padding(toLength: 12, withPad: " ", startingAt: 0) + line.dropFirst(6) : line)
        }
      }
    }
  }

  /// What people added, below the fields: a block per kind, each only when there is some.
  static func print(_ annotations: RecordAnnotations, recordID: String, width: Int, color: Bool, to output: Output) {
    func heading(_ text: String) {
      output.line()
      output.line(Style.cyan.apply(text, enabled: color))
    }
    if !annotations.tags.isEmpty {
      heading("TAGS")
      for line in Terminal.wrap(annotations.tags.joined(separator: ", "), width: width, indent: "  ") {
        output.line(line)
      }
    }
    if !annotations.statuses.isEmpty {
      heading("STATUS")
      let people = annotations.statuses.keys.sorted()
      let nameWidth = people.map(Terminal.displayWidth).max() ?? 0
      for person in people {
        let padding = String(repeating: " ", count: nameWidth - Terminal.displayWidth(person))
        output.line("  \(person)\(padding)  \(annotations.statuses[person]!.rawValue)")
      }
    }
    if !annotations.notes.isEmpty {
      heading("NOTES")
      for note in annotations.notes {
        var header = "  \(note.id)  \(note.author)  \(Self.day(note.created))"
        if note.state != .live { header += "  [\(note.state.rawValue): gloss conflicts]" }
        output.line(Style.dim.apply(header, enabled: color))
        if let anchor = note.anchor {
          for line in Terminal.wrap("“\(anchor.exact)”", width: width, indent: "    > ") { output.line(line) }
        }
        for paragraph in note.body.split(separator: "\n", omittingEmptySubsequences: false) {
          for line in Terminal.wrap(String(paragraph), width: width, indent: "    ") { output.line(line) }
        }
      }
    }
    if !annotations.conflicts.isEmpty {
      heading("CONFLICTS")
      for conflict in annotations.conflicts {
        output.line(
          Style.yellow.apply(
            "  \(conflict.target): \(conflict.values.count) values; gloss conflicts \(recordID) shows them",
            enabled: color))
      }
    }
  }

  /// The day an HLC timestamp falls on, in UTC: notes are dated, not timed, on screen.
  static func day(_ timestamp: HLCTimestamp) -> String {
    let date = Date(timeIntervalSince1970: Double(timestamp.milliseconds) / 1000)
    var calendar = Calendar(identifier: .gregorian)
    calendar.timeZone = TimeZone(identifier: "UTC")!
    let parts = calendar.dateComponents([.year, .month, .day], from: date)
    return String(format: "%04d-%02d-%02d", parts.year ?? 0, parts.month ?? 0, parts.day ?? 0)
  }
}
