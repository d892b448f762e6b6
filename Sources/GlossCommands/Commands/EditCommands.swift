import ArgumentParser
import GlossCore
import GlossStore

struct SetCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "set",
    abstract: "Correct a bibliographic field of a record.",
    discussion: """
      Fields: \(RecordField.allCases.map(\.rawValue).joined(separator: ", ")). \
      authors are separated by ';', booleans are true/false, abstract paragraphs by new lines.
      """)

  @OptionGroup var storeOptions: StoreOptions
  @Argument(help: ArgumentHelp("A record id, id prefix or citekey.", valueName: "id")) var id: String
  @Argument(help: ArgumentHelp("The field.", valueName: "field")) var field: String
  @Argument(help: ArgumentHelp("The new value.", valueName: "value")) var value: [String]

  func run() throws {
    let fields = RecordField.allCases.map(\.rawValue)
    guard let recordField = RecordField(rawValue: field) else {
      let hint = Suggestion.didYouMean(field, in: fields)
      throw GlossMain.UsageError(
        "unknown field '\(SafeText.escaped(field))'"
          + (hint.isEmpty ? "; fields are \(fields.joined(separator: ", "))" : hint))
    }
    let text = value.joined(separator: " ")
    guard let parsed = recordField.parse(text) else {
      throw GlossMain.UsageError("'\(SafeText.escaped(text))' is not a valid \(field): \(recordField.expectation)")
    }
    let recordID = try storeOptions.open().write { session in
      let record = try session.reader.resolveRecord(id)
      if recordField == .citekey, let key = parsed.stringValue, !key.isEmpty,
        let holder = try session.reader.recordShowing(citekey: key), holder != record.id
      {
        throw StoreError("'\(key)' is already the citekey of \(holder); choose another")
      }
      _ = try session.setField(record, recordField, parsed)
      return record.id
    }
    CommandContext.current.output.line("\(recordID).\(field) set")
  }
}

struct ConflictsCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "conflicts",
    abstract: "List registers holding concurrent values: each value, who wrote it, when.",
    discussion: "Reads show the first value (latest clock, then replica id) until you run gloss resolve.")

  @OptionGroup var storeOptions: StoreOptions
  @OptionGroup var format: FormatOptions
  @Argument(help: ArgumentHelp("Only this record's conflicts.", valueName: "id")) var id: String?

  func run() throws {
    let store = try storeOptions.open()
    let now = try store.currentTimestamp()
    let (conflicts, future) = try store.read { reader in
      (try reader.conflicts(record: try id.map { try reader.resolveRecord($0) }), try reader.futureStatuses(now: now))
    }
    let output = CommandContext.current.output
    if format.mode == .json {
      output.json(.array(conflicts.map(\.json)))
      return
    }
    if conflicts.isEmpty && future.isEmpty {
      output.line("no conflicts")
      return
    }
    var rows: [[String]] = []
    for conflict in conflicts {
      for (index, value) in conflict.values.enumerated() {
        rows.append([
          index == 0 ? conflict.target : "", String(index + 1), value.text ?? "(deleted)", value.person,
          LogCommand.time(value.timestamp),
        ])
      }
    }
    let table = TextTable(headers: ["TARGET", "#", "VALUE", "BY", "WHEN"], rows: rows, mainColumn: 2)
    for line in table.render(format.mode, width: Terminal.width(), color: Terminal.colorEnabled) { output.line(line) }
    if !conflicts.isEmpty { output.line("resolve with: gloss resolve TARGET --keep N  (or --value TEXT)") }
    for item in future {
      output.line(
        "\(item.record): \(item.entry.person)'s status '\(item.entry.value.rawValue)' is stamped \(LogCommand.time(item.entry.timestamp)), "
          + "more than a day ahead of this store's clock; it is kept but does not count yet")
    }
  }
}

struct ResolveCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "resolve",
    abstract: "Resolve a conflict: keep one of its values, or write a new one.",
    discussion: "TARGET is RECORD.FIELD (e.g. bruix2017regorafenib.title) or a note id, as gloss conflicts lists it.")

  @OptionGroup var storeOptions: StoreOptions
  @Option(help: "Keep the Nth value listed by gloss conflicts.") var keep: Int?
  @Option(help: "Write this value instead.") var value: String?
  @Argument(help: ArgumentHelp("RECORD.FIELD or a note id.", valueName: "target")) var target: String

  func validate() throws {
    if (keep == nil) == (value == nil) { throw ValidationError("give exactly one of --keep N and --value TEXT") }
  }

  func run() throws {
    let op = try storeOptions.open().write { session in try session.resolve(target, keep: keep, value: value) }
    CommandContext.current.output.line("resolved \(target) (\(op.dot.short) supersedes \(op.supersedes.count) values)")
  }
}

struct DumpCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "dump",
    abstract: "Print the whole logical state as canonical JSON.",
    discussion: "Two stores hold the same state exactly when their dumps are byte-identical.")

  @OptionGroup var storeOptions: StoreOptions

  func run() throws {
    let dump = try storeOptions.open().read { try $0.dump() }
    CommandContext.current.output.line(dump.canonical)
  }
}
