import ArgumentParser
import Foundation

/// The root of every Gloss command. The CLI parses its arguments with it, and the REPL
/// parses each line with it, so a command has exactly one implementation.
public struct GlossCommand: ParsableCommand {
  public static let configuration = CommandConfiguration(
    commandName: "gloss",
    abstract: "Read, annotate and share papers offline.",
    discussion: """
      With no command, on a terminal, gloss opens its REPL; with commands on standard input \
      it runs them line by line.
      """,
    subcommands: allCommands
  )

  public static let allCommands: [any ParsableCommand.Type] = [
    InitCommand.self, ImportCommand.self, ListCommand.self, SearchCommand.self, ShowCommand.self, TagCommand.self,
    UntagCommand.self, TagsCommand.self, NoteCommand.self, NotesCommand.self, NoteEditCommand.self,
    NoteDeleteCommand.self, StatusCommand.self, SetCommand.self, ConflictsCommand.self, ResolveCommand.self,
    DuplicatesCommand.self, MergeCommand.self, ExportCommand.self, UnmergeCommand.self, DumpCommand.self,
    SyncCommand.self,
    PeersCommand.self, LogCommand.self, ClockCommand.self,
    SqlCommand.self,
  ]

  public init() {}

  /// The names a person types, for completion and "did you mean".
  public static var commandNames: [String] {
    allCommands.map { $0.configuration.commandName ?? String(describing: $0) }
  }

  /// The subcommands of a command group (`sync`, `peers`), by name.
  public static func subcommandNames(of name: String) -> [String] {
    guard let command = allCommands.first(where: { $0.configuration.commandName == name }) else { return [] }
    return command.configuration.subcommands.compactMap { $0.configuration.commandName }
  }

  /// The options a command takes (`--json`, `--limit`, …), read from its help so that
  /// completion can never disagree with the parser.
  public static func optionNames(of path: [String]) -> [String] {
    let help = GlossCommand.helpText(for: path)
    var names = Set<String>()
    for word in help.split(whereSeparator: {
      $0 == " " || $0 == "\n" || $0 == "," || $0 == "[" || $0 == "]" || $0 == "(" || $0 == ")" || $0 == "="
    }) {
      if word.hasPrefix("--"), word.count > 2, word.dropFirst(2).allSatisfy({ $0.isLetter || $0 == "-" }) {
        names.insert(String(word))
      }
    }
    return names.sorted()
  }

  /// Commands that only read the store. When Ctrl-C lands after such a command's queries
  /// finished but before its output was shown, the output is dropped: the person asked to
  /// stop. A write that finished is never reported as cancelled.
  public static func isReadOnly(_ words: [String]) -> Bool {
    guard let first = words.first else { return true }
    switch first {
    case "list", "search", "show", "tags", "notes", "conflicts", "duplicates", "dump", "log", "clock", "sql", "export":
      return true
    case "status": return words.dropFirst().filter { !$0.hasPrefix("-") }.count <= 1
    case "sync": return words.count > 1 && words[1] == "status"
    case "peers": return words.count == 1 || words[1].hasPrefix("-")
    default: return false
    }
  }

  /// Commands whose lines stay out of the REPL's history: a fingerprint being trusted is
  /// the sort of thing that should be typed, not recalled from a shared account's history.
  public static func isSecret(_ words: [String]) -> Bool {
    words.starts(with: ["peers", "trust"])
  }

  /// Exactly what `gloss PATH… --help` prints.
  public static func helpText(for path: [String]) -> String {
    do {
      // Parsing --help yields a command whose run() throws the help text as a clean exit.
      var command = try GlossCommand.parseAsRoot(path + ["--help"])
      try command.run()
      return ""
    } catch {
      return GlossCommand.fullMessage(for: error)
    }
  }
}
