import ArgumentParser
import GlossStore

struct ListCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "list",
    abstract: "List records, newest first, optionally filtered by a query.",
    discussion: "QUERY uses the query language in the README: tag:hcc status:unread year:2015..2017 …")

  @OptionGroup var storeOptions: StoreOptions
  @OptionGroup var format: FormatOptions
  @Option(parsing: .unconditional, help: "Show at most this many records.") var limit: Int?
  /// Everything after the command that is not an option: `-tag:x` and `-(…)` are query
  /// terms, not options.
  @Argument(parsing: .allUnrecognized, help: ArgumentHelp("A query.", valueName: "query")) var query: [String] = []

  func validate() throws {
    if let limit, limit < 1 { throw ValidationError("--limit must be a positive number, not \(limit)") }
  }

  func run() throws {
    let store = try storeOptions.open()
    let compiled = try QueryCompiler(person: store.local.person).compile(query.joined(separator: " "), ranked: false)
    let (rows, more) = try RecordListing.fetch(compiled, limit: limit, mode: format.mode, store: store)
    RecordListing.print(rows, mode: format.mode, more: more)
  }
}

struct SearchCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "search",
    abstract: "Full-text search over titles, abstracts, authors, journals and notes.",
    discussion: """
      Words are matched literally (quotes, * and FTS5 operators have no special meaning \
      except "a phrase" and a trailing * for a prefix). Words alone rank by relevance; the \
      query language's filters may be mixed in.
      """)

  @OptionGroup var storeOptions: StoreOptions
  @OptionGroup var format: FormatOptions
  @Option(parsing: .unconditional, help: "Show at most this many records.") var limit = 50
  @Argument(parsing: .allUnrecognized, help: ArgumentHelp("Words, \"phrases\" and filters.", valueName: "words"))
  var words: [String]

  func validate() throws {
    if words.isEmpty { throw ValidationError("give words to search for, like: gloss search sorafenib") }
    if limit < 1 { throw ValidationError("--limit must be a positive number, not \(limit)") }
  }

  func run() throws {
    let store = try storeOptions.open()
    let compiled = try QueryCompiler(person: store.local.person).compile(words.joined(separator: " "), ranked: true)
    let (rows, more) = try RecordListing.fetch(compiled, limit: limit, mode: format.mode, store: store)
    RecordListing.print(rows, mode: format.mode, more: more)
  }
}
