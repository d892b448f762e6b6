import ArgumentParser
import Foundation
import GRDB
import GlossBundle
import GlossCore
import GlossImport
import GlossStore

/// Runs one command line and reports errors the way the CLI and the REPL both do: one
/// message on standard error, naming what went wrong and what to do.
public enum GlossMain {
  /// Runs `arguments` as a one-shot command; returns the exit status.
  public static func run(_ arguments: [String]) -> Int32 {
    let arguments = storeAfterCommand(arguments)
    if let first = arguments.first, !first.hasPrefix("-"), first != "help",
      !GlossCommand.commandNames.contains(first)
    {
      return report(UsageError(Suggestion.unknownCommand(first)))
    }
    do {
      var command = try GlossCommand.parseAsRoot(arguments)
      try command.run()
      return 0
    } catch {
      return report(error)
    }
  }

  /// `gloss --store X list …` as `gloss list --store X …`: the store option belongs to every
  /// command, so it may come before the command as well as after it. It goes right after
  /// the command's name, before any `--` that ends the options.
  public static func storeAfterCommand(_ arguments: [String]) -> [String] {
    var rest = arguments
    var store: [String] = []
    if rest.first == "--store", rest.count >= 2 {
      store = Array(rest[0...1])
      rest.removeFirst(2)
    } else if let first = rest.first, first.hasPrefix("--store=") {
      store = [first]
      rest.removeFirst()
    }
    guard !store.isEmpty else { return arguments }
    return inserting(store, afterCommandOf: rest)
  }

  /// `options` placed after the command path (`list`, `sync dir`) of `arguments`.
  public static func inserting(_ options: [String], afterCommandOf arguments: [String]) -> [String] {
    guard let first = arguments.first, GlossCommand.commandNames.contains(first) else { return arguments + options }
    var end = 1
    if arguments.count > 1, GlossCommand.subcommandNames(of: first).contains(arguments[1]) { end = 2 }
    return Array(arguments[..<end]) + options + Array(arguments[end...])
  }

  /// A command line that cannot mean anything (no such command, a value of the wrong
  /// kind): one message and usage's exit status, without the usage text, which would not
  /// say what was wrong.
  public struct UsageError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
  }

  /// Prints an error and returns its exit status (0 for --help and --version).
  public static func report(_ error: any Error) -> Int32 {
    // A bare exit status: the command has already said what went wrong.
    if let exit = error as? ExitCode { return exit.rawValue }
    let code = error is UsageError ? ExitCode.validationFailure : GlossCommand.exitCode(for: error)
    let message: String
    switch error {
    case let error as StoreError: message = error.message
    case let error as QuerySyntaxError: message = "bad query: \(error)"
    case let error as ImportError: message = error.description
    case let error as BundleError: message = error.description
    case let error as UsageError: message = error.description
    case let error as DatabaseError:
      message = StoreError.from(error, path: CommandContext.current.lastStorePath ?? "the store").message
    default:
      // ArgumentParser's own messages start "Error: ", after which "gloss: " reads twice.
      let full = GlossCommand.fullMessage(for: error)
      message = full.hasPrefix("Error: ") ? String(full.dropFirst("Error: ".count)) : full
    }
    if code == .success {
      CommandContext.current.output.line(message)
      return 0
    }
    FileHandle.standardError.write(Data(("gloss: " + CommandContext.current.errorPrefix + message + "\n").utf8))
    return code == .success ? 0 : max(code.rawValue, 1)
  }
}
