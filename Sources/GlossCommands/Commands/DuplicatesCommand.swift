import ArgumentParser
import GlossCore
import GlossStore

struct DuplicatesCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "duplicates",
    abstract: "List records that are likely the same paper, and why.",
    discussion: """
      A DOI or PMID already makes one record of a paper at import. This lists the pairs no \
      identifier settles: titles at least 90% alike once normalised, years at most one \
      apart, and an author surname in common (Zotero's rule). Records whose DOIs or PMIDs \
      differ are never listed.
      """)

  @OptionGroup var storeOptions: StoreOptions
  @OptionGroup var format: FormatOptions

  func run() throws {
    let pairs = try storeOptions.open().boundedRead { try $0.likelyDuplicates() }
    let output = CommandContext.current.output
    if format.mode == .json {
      output.json(
        .array(
          pairs.map { pair in
            .object([
              "records": .array([.string(pair.first.id), .string(pair.second.id)]),
              "titleSimilarity": .int(Int64((pair.titleSimilarity * 100).rounded(.down))),
              "sharedAuthor": .string(pair.sharedSurname), "why": .string(pair.reason),
            ])
          }))
      return
    }
    if pairs.isEmpty {
      if format.mode == .table { CommandContext.current.output.line("no likely duplicates") }
      return
    }
    let table = TextTable(
      headers: ["FIRST", "SECOND", "TITLE", "WHY"],
      rows: pairs.map { [$0.first.id, $0.second.id, $0.first.publication.title, $0.reason] }, mainColumn: 2,
      fixedColumns: [0, 1])
    for line in table.render(format.mode, width: Terminal.width(), color: Terminal.colorEnabled) { output.line(line) }
  }
}
