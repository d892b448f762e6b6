import ArgumentParser
import Foundation
import GlossStore

/// What a command runs in: where its output goes, the REPL's output mode, and the store
/// that is already open. The CLI runs one command in a fresh context; the REPL keeps one.
public final class CommandContext: @unchecked Sendable {
  public var output: Output
  /// The REPL's `.mode`; nil on the CLI, where `--json`/`--csv` choose.
  public var mode: OutputMode?
  public var interactive: Bool
  /// Script mode: no escape codes whatever standard output is.
  public var colorAllowed = true
  /// Put before error messages, e.g. "line 3: " when running a script.
  public var errorPrefix = ""
  /// The REPL's `\x`: tables print one field per line, for records too wide for a row.
  public var expanded = false
  /// The REPL's `.output FILE`: results go to a file, so no terminal width, colour or
  /// indented JSON applies.
  public var redirected = false
  private var stores: [String: Store] = [:]

  public init(output: Output = Output(), mode: OutputMode? = nil, interactive: Bool = false) {
    self.output = output
    self.mode = mode
    self.interactive = interactive
  }

  /// The context commands use. The REPL replaces it once at start; commands only read it.
  nonisolated(unsafe) public static var current = CommandContext()

  /// The store a command opened last, to name in an error that has no better subject.
  public private(set) var lastStorePath: String?

  /// The store at `path`, opened once per context. Only `init` passes `create`.
  public func store(at path: String, person: String? = nil, create: Bool = false) throws -> Store {
    lastStorePath = path
    if let store = stores[path] { return store }
    let store = try Store(path: path, person: person, create: create)
    if let change = store.reidentification {
      FileHandle.standardError.write(
        Data(
          ("gloss: \(path) is a copy of a store (it was opened elsewhere before): it now writes as replica "
            + "\(change.current.short) instead of \(change.previous.short), "
            + (change.introduced
              ? "introduced by its old key, so teammates accept it as \(store.local.person)'s new device\n"
              : "whose key teammates must trust by hand (gloss peers shows its fingerprint)\n"))
            .utf8))
    }
    stores[path] = store
    return store
  }
}

/// `--store PATH`, shared by every command.
public struct StoreOptions: ParsableArguments {
  @Option(
    name: .long,
    help: ArgumentHelp(
      "The store file (default: $GLOSS_STORE, else $XDG_DATA_HOME/gloss/store.sqlite).", valueName: "path"))
  public var store: String?

  public init() {}

  public var path: String { StoreLocation.resolve(explicit: store) }

  public func open() throws -> Store { try CommandContext.current.store(at: path) }
}

/// `--json` and `--csv`, for commands that print records or tables.
public struct FormatOptions: ParsableArguments {
  @Flag(help: "Print JSON.") public var json = false
  @Flag(help: "Print CSV.") public var csv = false

  public init() {}

  public var mode: OutputMode {
    if json { return .json }
    if csv { return .csv }
    return CommandContext.current.mode ?? .table
  }
}
