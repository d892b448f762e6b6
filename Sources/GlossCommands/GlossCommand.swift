import ArgumentParser
import Foundation

/// The root of every Gloss command. The CLI parses its arguments with it, and the REPL
/// parses each line with it, so a command has exactly one implementation.
public struct GlossCommand: ParsableCommand {
  public static let configuration = CommandConfiguration(
    commandName: "gloss",
    abstract: "Read, annotate and share papers offline.",
    discussion: """
      With no command, on a terminal, gloss opens its REPL; with commands on standard input
      it runs them line by line.
      """,
    subcommands: allCommands
  )

  public static let allCommands: [any ParsableCommand.Type] = [
    InitCommand.self, ImportCommand.self, ListCommand.self, SearchCommand.self, ShowCommand.self, TagCommand.self,
    UntagCommand.self, TagsCommand.self, NoteCommand.self, NotesCommand.self, NoteEditCommand.self,
    NoteDeleteCommand.self, StatusCommand.self, SetCommand.self, ConflictsCommand.self, ResolveCommand.self,
    DumpCommand.self, SyncCommand.self, PeersCommand.self, LogCommand.self, ClockCommand.self,
  ]

  public init() {}

  /// The names a person types, for completion and "did you mean".
  public static var commandNames: [String] {
    allCommands.map { $0.configuration.commandName ?? String(describing: $0) }
  }
}
