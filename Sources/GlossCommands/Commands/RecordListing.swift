import Foundation
import GlossCore
import GlossStore

/// How `list` and `search` print records: one table row each, or the JSON array.
enum RecordListing {
  static func print(_ records: [RecordView], mode: OutputMode, more: Bool) {
    let context = CommandContext.current
    let output = context.output
    if mode == .json {
      output.json(.array(records.map(\.json)))
      return
    }
    let table = TextTable(
      headers: ["ID", "YEAR", "AUTHOR", "TITLE", "JOURNAL"],
      rows: records.map { record in
        let p = record.publication
        var author = p.authors.first.map(RecordID.surname(of:)) ?? ""
        if p.authors.count > 1 || p.etAl { author += " et al." }
        let flag = record.conflictedFields.isEmpty ? "" : " ⚠"
        return [record.id, p.year.map(String.init) ?? "", author, p.title + flag, p.journal]
      }, flexibleColumn: 3)
    for line in table.render(mode, width: Terminal.width(), color: Terminal.colorEnabled) { output.line(line) }
    if mode == .table, more {
      output.line(Style.dim.apply("… more match; raise --limit to see them"))
    }
  }
}
