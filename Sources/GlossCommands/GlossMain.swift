import ArgumentParser
import Foundation
import GRDB
import GlossBundle
import GlossImport
import GlossStore

/// Runs one command line and reports errors the way the CLI and the REPL both do: one
/// message on standard error, naming what went wrong and what to do.
public enum GlossMain {
  /// Runs `arguments` as a one-shot command; returns the exit status.
  public static func run(_ arguments: [String], replLauncher: (() -> Int32)? = nil) -> Int32 {
    do {
      var command = try GlossCommand.parseAsRoot(arguments)
      try command.run()
      return 0
    } catch {
      return report(error)
    }
  }

  /// Prints an error and returns its exit status (0 for --help and --version).
  public static func report(_ error: any Error) -> Int32 {
    // A bare exit status: the command has already said what went wrong.
    if let exit = error as? ExitCode { return exit.rawValue }
    let code = GlossCommand.exitCode(for: error)
    let message: String
    switch error {
    case let error as StoreError: message = error.message
    case let error as QuerySyntaxError: message = "bad query: \(error)"
    case let error as ImportError: message = error.description
    case let error as BundleError: message = error.description
    case let error as DatabaseError:
      message = StoreError.from(error, path: CommandContext.current.lastStorePath ?? "the store").message
    default: message = GlossCommand.fullMessage(for: error)
    }
    if code == .success {
      CommandContext.current.output.line(message)
      return 0
    }
    FileHandle.standardError.write(Data(("gloss: " + CommandContext.current.errorPrefix + message + "\n").utf8))
    return code == .success ? 0 : max(code.rawValue, 1)
  }
}
