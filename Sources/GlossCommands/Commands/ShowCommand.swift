import ArgumentParser
import GlossCore
import GlossStore

struct ShowCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "show", abstract: "Show one record in full: authors, citation, abstract by section.")

  @OptionGroup var storeOptions: StoreOptions
  @Flag(help: "Print JSON.") var json = false
  @Argument(help: ArgumentHelp("A record id, id prefix or citekey.", valueName: "id")) var id: String

  func run() throws {
    let store = try storeOptions.open()
    let record = try store.read { reader in try reader.record(num: try reader.resolveRecord(id).num)! }
    let output = CommandContext.current.output
    if json || CommandContext.current.mode == .json {
      output.json(record.json)
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
    var identity = "id \(record.id)  citekey \(record.citekey)"
    if !p.topics.isEmpty { identity += "  topic \(p.topics.joined(separator: "; "))" }
    output.line(Style.dim.apply(identity, enabled: color))
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
  }
}
