import Foundation
import GlossCore

/// How tabular results are printed: the REPL's `.mode`, or `--json` / `--csv` on the CLI.
public enum OutputMode: String, CaseIterable, Sendable {
  case table, json, csv
}

/// Where a command's output goes. The CLI writes straight to standard output; the REPL
/// collects it so that it can page what does not fit the screen.
public final class Output: @unchecked Sendable {
  private var buffer: [String]?
  public init(collecting: Bool = false) { buffer = collecting ? [] : nil }

  public func line(_ text: String = "") {
    if buffer != nil {
      buffer!.append(text)
    } else {
      print(text)
    }
  }

  public func json(_ value: JSONValue) { line(value.canonical) }

  public func take() -> [String] {
    defer { buffer = [] }
    return buffer ?? []
  }
}

/// Rows of text with headers, printable as a table fitted to the terminal, CSV or JSON.
public struct TextTable {
  public var headers: [String]
  public var rows: [[String]]
  /// The column that gives up width first when the table is too wide.
  public var flexibleColumn: Int?

  public init(headers: [String], rows: [[String]], flexibleColumn: Int? = nil) {
    self.headers = headers
    self.rows = rows
    self.flexibleColumn = flexibleColumn
  }

  public func render(_ mode: OutputMode, width: Int?, color: Bool) -> [String] {
    switch mode {
    case .csv: return ([headers] + rows).map { $0.map(Self.csvField).joined(separator: ",") }
    case .json:
      let objects = rows.map { row in
        JSONValue.object(
          Dictionary(uniqueKeysWithValues: zip(headers.map { $0.lowercased() }, row.map(JSONValue.string))))
      }
      return [JSONValue.array(objects).canonical]
    case .table: return table(width: width, color: color)
    }
  }

  static func csvField(_ text: String) -> String {
    guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
    return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
  }

  private func table(width: Int?, color: Bool) -> [String] {
    var widths = headers.indices.map { column in
      ([headers[column]] + rows.map { $0[column] }).map(Terminal.displayWidth).max() ?? 0
    }
    let gap = 2
    if let width {
      var total = widths.reduce(0, +) + gap * (widths.count - 1)
      let order = ([flexibleColumn].compactMap { $0 }) + widths.indices.sorted { widths[$0] > widths[$1] }
      for column in order where total > width {
        let floor = min(widths[column], max(Terminal.displayWidth(headers[column]), 8))
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
    return [Style.bold.apply(header, enabled: color)] + rows.map(format)
  }
}
