import ArgumentParser
import Foundation
import GRDB
import GlossCore
import GlossStore

struct SqlCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "sql",
    abstract: "Run a read-only SQL query over the store (the schema is in the README).",
    discussion: """
      The query runs on a read-only connection that allows only reading: SELECT and WITH, \
      and the pragmas that describe the schema (table_info, index_list, …). It stops after \
      \(Int(Store.sqlTimeLimit)) s, on Ctrl-C, or when its result passes \(Store.sqlResultBytes >> 20) MiB.
      """)

  @OptionGroup var storeOptions: StoreOptions
  @OptionGroup var format: FormatOptions
  @Option(help: ArgumentHelp("Stop the query after this many seconds.", valueName: "seconds"))
  var timeLimit = Store.sqlTimeLimit
  @Argument(help: ArgumentHelp("The query.", valueName: "query")) var query: [String]

  func validate() throws {
    if query.isEmpty { throw ValidationError("give a query, like: sql SELECT count(*) FROM record") }
    if !(timeLimit > 0 && timeLimit <= 86_400) { throw ValidationError("--time-limit takes seconds, from 0 to 86400") }
  }

  func run() throws {
    let result = try storeOptions.open().readOnlyQuery(query.joined(separator: " "), seconds: timeLimit)
    let rows = result.rows.map { $0.map(Self.text) }
    let output = CommandContext.current.output
    if format.mode == .json {
      output.json(
        .array(
          result.rows.map { row in
            .object(Dictionary(zip(result.columns, row.map(Self.json)), uniquingKeysWith: { first, _ in first }))
          }))
      return
    }
    let table = TextTable(headers: result.columns, rows: rows)
    for line in table.render(format.mode, width: Terminal.width(), color: Terminal.colorEnabled) { output.line(line) }
  }

  static func text(_ value: DatabaseValue) -> String {
    switch value.storage {
    case .null: return "NULL"
    case .int64(let number): return String(number)
    case .double(let number): return String(number)
    case .string(let text): return text
    case .blob(let data): return "x'" + Hex.encode(data) + "'"
    }
  }

  static func json(_ value: DatabaseValue) -> JSONValue {
    switch value.storage {
    case .null: return .null
    case .int64(let number): return .int(number)
    case .double(let number): return .string(String(number))
    case .string(let text): return .string(text)
    case .blob: return .string(text(value))
    }
  }
}
