import Foundation
import GlossCore
import GlossStore

/// How tabular results are printed: the REPL's `.mode`, or `--json` / `--csv` on the CLI.
public enum OutputMode: String, CaseIterable, Sendable {
  case table, json, csv
}

/// Where a command's output goes. The CLI writes straight to standard output; the REPL
/// collects it so that it can page what does not fit the screen.
public final class Output: @unchecked Sendable {
  private var buffer: [String]?
  /// Indent JSON for a person reading it (the REPL on a terminal); pipes get one line.
  public var prettyJSON = false
  public init(collecting: Bool = false) { buffer = collecting ? [] : nil }

  public func line(_ text: String = "") {
    if buffer != nil {
      buffer!.append(text)
    } else {
      print(text)
    }
  }

  /// Sends what was printed on its way now: a long-running command (`sync dir --watch`)
  /// reports as things happen, not when standard output's buffer fills, nor (in the REPL)
  /// when the command ends: lines the REPL collected are printed too, unpaged.
  public func flush() {
    if let collected = buffer, !collected.isEmpty {
      for line in collected { print(line) }
      buffer = []
    }
    fflush(nil)
  }

  public func json(_ value: JSONValue) {
    line(prettyJSON && !CommandContext.current.redirected ? value.indented : value.canonical)
  }

  public func take() -> [String] {
    defer { buffer = [] }
    return buffer ?? []
  }
}

/// Rows of text with headers, printable as a table fitted to the terminal, CSV or JSON.
public struct TextTable {
  public var headers: [String]
  public var rows: [[String]]
  /// The column people read a row for (a title, a note's text): when the table is too
  /// wide, the other columns are shortened first, and this one gets all the room left.
  public var mainColumn: Int?
  /// Columns never shortened: identifiers people type back, years.
  public var fixedColumns: Set<Int>

  public init(headers: [String], rows: [[String]], mainColumn: Int? = nil, fixedColumns: Set<Int> = [0]) {
    self.headers = headers
    self.rows = rows
    self.mainColumn = mainColumn
    self.fixedColumns = fixedColumns
  }

  /// A shortened column keeps at least this many columns (or its header's width).
  static let shortestColumn = 10

  public func render(_ mode: OutputMode, width: Int?, color: Bool) -> [String] {
    switch mode {
    case .csv: return ([headers] + rows).map { $0.map(Self.csvField).joined(separator: ",") }
    case .json:
      let objects = rows.map { row in
        JSONValue.object(
          Dictionary(uniqueKeysWithValues: zip(headers.map { $0.lowercased() }, row.map(JSONValue.string))))
      }
      let array = JSONValue.array(objects)
      let output = CommandContext.current.output
      return [output.prettyJSON && !CommandContext.current.redirected ? array.indented : array.canonical]
    case .table where CommandContext.current.expanded: return expandedRecords(color: color)
    case .table: return table(width: width, color: color)
    }
  }

  static func csvField(_ text: String) -> String {
    guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
    return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
  }

  /// psql's expanded display: each row a block of `HEADER  value` lines.
  private func expandedRecords(color: Bool) -> [String] {
    let labelWidth = headers.map(Terminal.displayWidth).max() ?? 0
    var lines: [String] = []
    for (index, row) in rows.enumerated() {
      lines.append(
        Style.bold.apply("-[ \(index + 1) ]" + String(repeating: "-", count: max(4, labelWidth)), enabled: color))
      for (header, cell) in zip(headers, row) {
        let padding = String(repeating: " ", count: labelWidth - Terminal.displayWidth(header))
        lines.append(
          Style.bold.apply(header, enabled: color) + padding + "  " + cell.replacingOccurrences(of: "\n", with: " "))
      }
    }
    return lines
  }

  private func table(width: Int?, color: Bool) -> [String] {
    var widths = headers.indices.map { column in
      ([headers[column]] + rows.map { $0[column] }).map(Terminal.displayWidth).max() ?? 0
    }
    let gap = 2
    if let width {
      var total = widths.reduce(0, +) + gap * (widths.count - 1)
      let others = widths.indices.filter { $0 != mainColumn && !fixedColumns.contains($0) }
        .sorted { widths[$0] > widths[$1] }
      for column in others + [mainColumn].compactMap({ $0 }) where total > width {
        let floor = min(widths[column], max(Terminal.displayWidth(headers[column]), Self.shortestColumn))
        let cut = min(total - width, widths[column] - floor)
        widths[column] -= cut
        total -= cut
      }
    }
    func format(_ cells: [String]) -> String {
      var line = ""
      for (index, cell) in cells.enumerated() {
        let text = Terminal.truncate(cell.replacingOccurrences(of: "\n", with: " "), to: widths[index])
        line += text
        if index < cells.count - 1 {
          line += String(repeating: " ", count: widths[index] - Terminal.displayWidth(text) + gap)
        }
      }
      return line
    }
    let header = format(headers)
    var lines = [Style.bold.apply(header, enabled: color)]
    for (index, row) in rows.enumerated() {
      // Ctrl-C: stop laying out a long table; the REPL drops a cancelled command's output.
      if index % 1_024 == 1_023, Cancellation.isRequested() { break }
      lines.append(format(row))
    }
    return lines
  }
}
