import ArgumentParser
import GlossCore
import GlossStore

struct TagCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "tag", abstract: "Tag a record. Tags are case-insensitive; the first spelling used is shown.")

  @OptionGroup var storeOptions: StoreOptions
  @Argument(help: ArgumentHelp("A record id, id prefix or citekey.", valueName: "id")) var id: String
  @Argument(help: ArgumentHelp("Tags to add.", valueName: "tag")) var tags: [String]

  func validate() throws {
    if tags.isEmpty { throw ValidationError("name at least one tag, like: gloss tag \(id) hcc") }
  }

  func run() throws {
    let store = try storeOptions.open()
    let record = try store.write { session in
      let record = try session.reader.resolveRecord(id)
      _ = try session.tag(record, tags)
      return record
    }
    let now = try store.read { try $0.tags(record: record.num) }
    CommandContext.current.output.line("\(record.id): \(now.joined(separator: " "))")
  }
}

struct UntagCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "untag",
    abstract: "Remove tags from a record.",
    discussion: "Only the taggings this store has seen are removed: a teammate's concurrent tagging survives.")

  @OptionGroup var storeOptions: StoreOptions
  @Argument(help: ArgumentHelp("A record id, id prefix or citekey.", valueName: "id")) var id: String
  @Argument(help: ArgumentHelp("Tags to remove.", valueName: "tag")) var tags: [String]

  func validate() throws {
    if tags.isEmpty { throw ValidationError("name at least one tag to remove") }
  }

  func run() throws {
    let store = try storeOptions.open()
    let record = try store.write { session in
      let record = try session.reader.resolveRecord(id)
      _ = try session.untag(record, tags)
      return record
    }
    let now = try store.read { try $0.tags(record: record.num) }
    CommandContext.current.output.line("\(record.id): \(now.isEmpty ? "(no tags)" : now.joined(separator: " "))")
  }
}

struct TagsCommand: ParsableCommand {
  static let configuration = CommandConfiguration(commandName: "tags", abstract: "List every tag with its count.")

  @OptionGroup var storeOptions: StoreOptions
  @OptionGroup var format: FormatOptions

  func run() throws {
    let tags = try storeOptions.open().read { try $0.tags() }
    let output = CommandContext.current.output
    if format.mode == .json {
      output.json(.array(tags.map { .object(["tag": .string($0.tag), "count": .int(Int64($0.count))]) }))
      return
    }
    let table = TextTable(headers: ["TAG", "RECORDS"], rows: tags.map { [$0.tag, String($0.count)] })
    for line in table.render(format.mode, width: Terminal.width(), color: Terminal.colorEnabled) { output.line(line) }
  }
}
