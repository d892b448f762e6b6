import CLineEditor
import Foundation
import GlossCommands
import GlossCore
import GlossStore

/// The interactive shell. Every line is parsed by the same `GlossCommand` tree as the CLI,
/// so a command has one implementation; the REPL adds only editing, completion, history,
/// meta commands (`.mode`, `\x`, `.output`, …) and paging. With standard input not a
/// terminal it runs the lines as a script: no prompt, no escape codes, errors naming their
/// line, a non-zero exit if any command failed.
public final class REPL {
  let storePath: String
  let context: CommandContext
  var pagerEnabled = true
  var failures = 0
  /// Where output goes instead of the screen after `.output FILE`.
  var outputFile: FileHandle?
  /// `.read` files being run, innermost last: a file that reads itself stops here.
  var reading: [String] = []
  /// Bounded history: older lines fall off.
  static let historySize = 1_000

  public init(storePath: String?) {
    self.storePath = StoreLocation.resolve(explicit: storePath)
    context = CommandContext(output: Output(collecting: true), mode: .table, interactive: true)
  }

  /// Signals a parent may have left blocked must reach gloss: see
  /// `gloss_unblock_terminal_signals`. Called first thing by the executable.
  public static func unblockTerminalSignals() { gloss_unblock_terminal_signals() }

  /// Runs until end of input; returns the exit status. At a terminal the store opens
  /// before the first prompt (a missing store is said at once); a script opens it with its
  /// first command.
  public static func run(storePath: String?) -> Int32 {
    let repl = REPL(storePath: storePath)
    CommandContext.current = repl.context
    Cancellation.isRequested = { gloss_interrupted() != 0 }
    guard Terminal.isTerminal(STDIN_FILENO) else { return repl.script() }
    do {
      _ = try repl.context.store(at: repl.storePath)
    } catch {
      return GlossMain.report(error)
    }
    return repl.interactive()
  }

  var store: Store? { try? context.store(at: storePath) }

  var prompt: String {
    let name = URL(fileURLWithPath: storePath).deletingPathExtension().lastPathComponent
    return "\(store?.local.person ?? "?")@\(name)> "
  }

  static var historyPath: String {
    let environment = ProcessInfo.processInfo.environment
    let stateHome =
      environment["XDG_STATE_HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? (Tokenizer.home + "/.local/state")
    return stateHome + "/gloss/history"
  }

  // MARK: Interactive

  func interactive() -> Int32 {
    activeCompleter = Completer(store: { [weak self] in self?.store })
    guard let editor = gloss_line_editor_open("gloss", Int32(Self.historySize), completeCallback) else {
      FileHandle.standardError.write(Data("gloss: cannot open the line editor on this terminal\n".utf8))
      return 1
    }
    defer { gloss_line_editor_close(editor) }
    let historyPath = Self.historyPath
    try? FileManager.default.createDirectory(
      atPath: (historyPath as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
    gloss_line_editor_load_history(editor, historyPath)
    context.output.prettyJSON = true
    var pending = ""
    while true {
      gloss_line_editor_set_prompt(editor, pending.isEmpty ? prompt : "...> ")
      var raw: UnsafePointer<CChar>?
      let status = gloss_line_editor_read(editor, &raw)
      if status == 0 {
        print("")
        break
      }
      if status < 0 {
        print("")
        pending = ""
        continue
      }
      var line = String(cString: raw!)
      if line.hasSuffix("\n") { line.removeLast() }
      if line.hasSuffix("\\") {
        pending += line.dropLast() + " "
        continue
      }
      let full = pending + line
      pending = ""
      if !full.trimmingCharacters(in: .whitespaces).isEmpty, !isSecret(full) {
        gloss_line_editor_remember(editor, full)
        gloss_line_editor_save_history(editor, historyPath)
      }
      switch execute(full) {
      case .next: continue
      case .leave: return 0
      case .terminated(let signal): return 128 + signal
      }
    }
    return 0
  }

  /// A line that starts with a space, or a command marked secret, stays out of history.
  func isSecret(_ line: String) -> Bool {
    if line.hasPrefix(" ") { return true }
    guard let words = try? Tokenizer.split(line) else { return false }
    return GlossCommand.isSecret(words.first == "gloss" ? Array(words.dropFirst()) : words)
  }

  // MARK: Script

  func script() -> Int32 {
    context.interactive = false
    context.colorAllowed = false
    pagerEnabled = false
    var lines: [String] = []
    while let line = readLine(strippingNewline: true) { lines.append(line) }
    switch run(lines: lines, prefix: "line ") {
    case .terminated(let signal): return 128 + signal
    case .next, .leave: return failures > 0 ? 1 : 0
    }
  }

  /// Runs lines as a script (standard input, or a file given to `.read`): `\` at the end
  /// of a line continues it, errors are named by `prefix` and the line number.
  func run(lines: [String], prefix: String) -> Outcome {
    let outer = context.errorPrefix
    defer { context.errorPrefix = outer }
    var pending = ""
    var pendingStart = 0
    for (index, line) in lines.enumerated() {
      let number = index + 1
      if line.hasSuffix("\\") {
        if pending.isEmpty { pendingStart = number }
        pending += line.dropLast() + " "
        continue
      }
      let full = pending + line
      context.errorPrefix = outer + "\(prefix)\(pending.isEmpty ? number : pendingStart): "
      pending = ""
      let outcome = execute(full)
      if case .next = outcome { continue }
      return outcome
    }
    return .next
  }

  // MARK: Commands

  enum Outcome: Equatable {
    case next, leave
    /// SIGTERM or SIGHUP arrived while a command ran; it has rolled back.
    case terminated(Int32)
  }

  func execute(_ line: String) -> Outcome {
    let trimmed = line.trimmingCharacters(in: .whitespaces)
    if trimmed.isEmpty || trimmed.hasPrefix("#") { return .next }
    if trimmed.hasPrefix(".") || trimmed.hasPrefix("\\") {
      let outcome = meta(trimmed)
      flush()
      return outcome
    }
    var arguments: [String]
    do {
      arguments = try Self.commandWords(trimmed)
    } catch {
      fail("\(error)")
      return .next
    }
    guard let first = arguments.first else { return .next }
    if first == "quit" || first == "exit" { return .leave }
    if first == "help" {
      context.output.line(
        arguments.count == 1
          ? GlossCommand.helpText(for: []) + Self.shellHelp : GlossCommand.helpText(for: Array(arguments.dropFirst())))
      flush()
      return .next
    }
    guard GlossCommand.commandNames.contains(first) else {
      fail(Suggestion.unknownCommand(first, extra: Self.shellWords, listing: "type help for the list"))
      return .next
    }
    let readOnly = GlossCommand.isReadOnly(arguments)
    if !arguments.contains(where: { $0 == "--store" || $0.hasPrefix("--store=") }) {
      arguments = GlossMain.inserting(["--store", storePath], afterCommandOf: arguments)
    }
    // While the command runs, ^C cancels it (a write rolls back) instead of ending the
    // REPL, and SIGTERM or SIGHUP end the REPL only once the command has rolled back.
    gloss_interrupts_catch()
    var status = GlossMain.run(arguments)
    let signal = gloss_interrupts_release()
    if signal == SIGINT, status == 0, readOnly {
      _ = context.output.take()
      status = GlossMain.report(StoreError.cancelled)
    }
    if status != 0 { failures += 1 }
    flush()
    if signal == SIGTERM || signal == SIGHUP { return .terminated(signal) }
    if signal == SIGINT, !context.interactive { return .terminated(signal) }
    return .next
  }

  /// The words of a command line. `sql` takes the rest of the line verbatim after its
  /// options, so quotes in SQL stay SQL's.
  static func commandWords(_ line: String) throws -> [String] {
    var words = try Tokenizer.words(line)
    if words.first?.text == "gloss" { words.removeFirst() }
    guard words.first?.text == "sql", words.count > 1 else { return words.map(\.text) }
    var index = 1
    while index < words.count, words[index].text.hasPrefix("--") {
      let option = words[index].text
      index += ["--time-limit", "--store"].contains(option) ? 2 : 1
    }
    guard index < words.count else { return words.map(\.text) }
    let query = String(line[words[index].start...]).trimmingCharacters(in: .whitespaces)
    return words[..<index].map(\.text) + ["--", query]
  }

  /// Words the REPL itself understands, for "did you mean".
  static let shellWords = ["help", "quit", "exit"]

  /// The REPL's own commands and what they do, for `help`.
  static let shellCommands: [(String, String)] = [
    ("help COMMAND", "the same text as gloss COMMAND --help"),
    (".mode table|json|csv", "how results print (json is indented on a terminal)"),
    ("\\x [on|off]", "one field per line, for wide records"),
    (".pager on|off", "page output longer than the screen through $PAGER (default: less -FRX)"),
    (".output FILE, \\o FILE", "write results to FILE; .output or \\o alone: back to the screen"),
    (".read FILE, \\i FILE", "run the commands in FILE"),
    (".tables, \\dt", "the store's tables"),
    (".schema [TABLE], \\d TABLE", "how a table is defined"),
    (".quit, \\q, quit", "leave (or Ctrl-D on an empty line)"),
  ]

  static let shellNotes = """
    A line ending in \\ continues on the next; a line starting with # is a comment. Tab \
    completes; Ctrl-R searches history; Ctrl-C cancels the line or the running command.
    """

  /// The REPL part of `help`, wrapped at word boundaries to the terminal's width.
  static var shellHelp: String {
    let width = Terminal.width() ?? 80
    let nameWidth = shellCommands.map { $0.0.count }.max()! + 4
    var lines = ["", "REPL:"]
    for (name, text) in shellCommands {
      let wrapped = Terminal.wrap(text, width: width, indent: String(repeating: " ", count: nameWidth))
      let first = wrapped[0].dropFirst(nameWidth)
      lines.append("  " + name.padding(toLength: nameWidth - 2, withPad: " ", startingAt: 0) + first)
      lines += wrapped.dropFirst()
    }
    lines += Terminal.wrap(shellNotes, width: width)
    return lines.joined(separator: "\n")
  }

  func fail(_ message: String) {
    failures += 1
    flush()
    FileHandle.standardError.write(Data("gloss: \(context.errorPrefix)\(message)\n".utf8))
  }

  /// Prints what the command wrote: to the `.output` file, else through the pager when it
  /// does not fit the screen, else to the screen.
  func flush() {
    let lines = context.output.take()
    guard !lines.isEmpty else { return }
    if let outputFile {
      outputFile.write(Data((lines.joined(separator: "\n") + "\n").utf8))
      return
    }
    if pagerEnabled, context.interactive, let height = Terminal.height(), lines.count >= height, Pager.show(lines) {
      return
    }
    print(lines.joined(separator: "\n"))
    fflush(nil)
  }
}

/// The completer the C line editor calls back; one REPL runs per process.
nonisolated(unsafe) var activeCompleter: Completer?

let completeCallback: gloss_completer = { before in
  guard let before, let completer = activeCompleter else { return nil }
  let (insert, listing) = completer.complete(String(cString: before))
  guard !insert.isEmpty || listing != nil else { return nil }
  return strdup(insert + "\n" + (listing ?? ""))
}
