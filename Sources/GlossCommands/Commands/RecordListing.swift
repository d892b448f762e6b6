import Foundation
import GlossCore
import GlossStore

/// How `list` and `search` print records: one table row each, CSV, or the JSON array.
enum RecordListing {
  /// Records with, for `--json` and `--csv`, what people added to each (the table leaves
  /// that to `show`, to keep the title's room).
  struct Row {
    let record: RecordView
    let annotations: RecordAnnotations?
  }

  /// Reads `query`'s records and, in the modes that print them, their annotations, in one
  /// bounded read (Ctrl-C and the time limit stop it).
  static func fetch(_ query: CompiledQuery, limit: Int?, mode: OutputMode, store: Store) throws -> (
    rows: [Row], more: Bool
  ) {
    try store.boundedRead { reader in
      let (records, more) = try reader.records(query, limit: limit)
      let rows = try records.map { record in
        Row(record: record, annotations: mode == .table ? nil : try reader.annotationSummary(record: record.num))
      }
      return (rows, more)
    }
  }

  static func print(_ rows: [Row], mode: OutputMode, more: Bool) {
    let context = CommandContext.current
    let output = context.output
    if mode == .json {
      output.json(
        .array(
          rows.map { row in
            guard case .object(var members) = row.record.json else { return row.record.json }
            if let annotations = row.annotations { members.merge(annotations.json(fullNotes: false)) { $1 } }
            return .object(members)
          }))
      return
    }
    if rows.isEmpty, mode == .table {
      // A person at a terminal is told; a pipe gets nothing, as from grep.
      if context.interactive || Terminal.isTerminal(STDOUT_FILENO) {
        FileHandle.standardError.write(Data("gloss: no records match\n".utf8))
      }
      return
    }
    var headers = ["ID", "YEAR", "AUTHOR", "TITLE", "JOURNAL"]
    if mode == .csv { headers += ["TAGS", "STATUS", "NOTES"] }
    let table = TextTable(
      headers: headers,
      rows: rows.map { row in
        let p = row.record.publication
        var author = p.authors.first.map(RecordID.surname(of:)) ?? ""
        if p.authors.count > 1 || p.etAl { author += " et al." }
        let flag = row.record.conflictedFields.isEmpty ? "" : " ⚠"
        var cells = [row.record.id, p.year.map(String.init) ?? "", author, p.title + flag, p.journal]
        if let annotations = row.annotations, mode == .csv {
          cells += [
            annotations.tags.joined(separator: "; "),
            annotations.statuses.sorted { $0.key < $1.key }.map { "\($0.key):\($0.value.rawValue)" }
              .joined(separator: "; "),
            String(annotations.noteCount),
          ]
        }
        return cells
      }, mainColumn: 3, fixedColumns: [0, 1])
    for line in table.render(mode, width: Terminal.width(), color: Terminal.colorEnabled) { output.line(line) }
    if mode == .table, more {
      output.line(Style.dim.apply("… more match; raise --limit to see them"))
    }
  }
}
