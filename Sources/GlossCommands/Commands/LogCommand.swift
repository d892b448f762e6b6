import ArgumentParser
import Foundation
import GlossCore
import GlossStore

struct LogCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "log",
    abstract: "Show the change log, newest first: every operation, or a record's whole history.")

  @OptionGroup var storeOptions: StoreOptions
  @OptionGroup var format: FormatOptions
  @Option(parsing: .unconditional, help: "Show at most this many operations.") var limit: Int?
  @Argument(help: ArgumentHelp("A record id, id prefix or citekey.", valueName: "id")) var id: String?

  func validate() throws {
    if let limit, limit < 1 { throw ValidationError("--limit must be a positive number, not \(limit)") }
  }

  func run() throws {
    let store = try storeOptions.open()
    let operations = try store.read { reader in
      try reader.operations(target: try id.map { try reader.resolveRecord($0) }, limit: limit)
    }
    let output = CommandContext.current.output
    if format.mode == .json {
      output.json(.array(operations.map(\.json)))
      return
    }
    let table = TextTable(
      headers: ["DOT", "TIME", "PERSON", "KIND", "SUMMARY"],
      rows: operations.map { op in
        [op.dot.short, Self.time(op.timestamp), op.person, op.kind, Self.summary(op)]
      }, mainColumn: 4)
    for line in table.render(format.mode, width: Terminal.width(), color: Terminal.colorEnabled) { output.line(line) }
  }

  static func time(_ timestamp: HLCTimestamp) -> String {
    let formatter = DateFormatter()
    formatter.dateFormat = "yyyy-MM-dd HH:mm:ss"
    return formatter.string(from: Date(timeIntervalSince1970: Double(timestamp.milliseconds) / 1000))
  }

  /// One line saying what an operation did, for people.
  static func summary(_ op: Op) -> String {
    switch op.body {
    case .createRecord(let publication): return "\(op.target) created: \(publication.title)"
    case .setField(let field, let value):
      var text = value.stringValue ?? value.canonical
      if text.count > 60 { text = String(text.prefix(59)) + "…" }
      return "\(op.target) \(field.rawValue) := \(text)"
    case .addTag(let tag): return "\(op.target) tagged \(tag)"
    case .removeTag(let tag): return "\(op.target) untagged \(tag)"
    case .createNote(let record, let text, let anchor):
      let quote = anchor.map { " on \"\($0.exact.prefix(30))\"" } ?? ""
      return "\(record) note \(op.target)\(quote): \(text.prefix(60))"
    case .editNote(let text): return "note \(op.target) edited: \(text.prefix(60))"
    case .deleteNote: return "note \(op.target) deleted"
    case .setStatus(let status): return "\(op.target) \(op.person) \(status.phrase)"
    case .saySource(let source, let fields): return "\(op.target) as \(source) says it (\(fields.count) fields)"
    case .mergeRecord(let into): return "\(op.target) merged into \(into)"
    case .unmergeRecord(let from): return "\(op.target) unmerged from \(from)"
    }
  }
}

struct ClockCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "clock", abstract: "Show the vector clock: for each replica, the last operation this store has.")

  @OptionGroup var storeOptions: StoreOptions
  @OptionGroup var format: FormatOptions

  func run() throws {
    let store = try storeOptions.open()
    let entries = try store.read { reader in try reader.clock() }
    let output = CommandContext.current.output
    if format.mode == .json {
      output.json(VectorClock(Dictionary(uniqueKeysWithValues: entries.map { ($0.replica, $0.counter) })).json)
      return
    }
    let table = TextTable(
      headers: ["REPLICA", "PERSON", "COUNTER", ""],
      rows: entries.map { [$0.replica.hex, $0.person, String($0.counter), $0.isLocal ? "this store" : ""] })
    for line in table.render(format.mode, width: Terminal.width(), color: Terminal.colorEnabled) { output.line(line) }
  }
}
