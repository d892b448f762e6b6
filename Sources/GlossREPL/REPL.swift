import CLineEditor
import Foundation
import GlossCommands
import GlossStore

/// The interactive shell. Every line is parsed by the same `GlossCommand` tree as the CLI,
/// so a command has one implementation; the REPL adds only editing, completion, history,
/// output modes and paging. With standard input not a terminal it runs the lines as a
/// script: no prompt, no escape codes, errors naming their line, a non-zero exit if any
/// command failed.
public final class REPL {
  let storePath: String
  let context: CommandContext
  var pagerEnabled = true
  var failures = 0
  /// Bounded history: older lines fall off.
  static let historySize = 1_000

  public init(storePath: String?) {
    self.storePath = StoreLocation.resolve(explicit: storePath)
    context = CommandContext(output: Output(collecting: true), mode: .table, interactive: true)
  }

  /// Runs until end of input; returns the exit status.
  /// Signals a parent may have left blocked must reach gloss: see
  /// `gloss_unblock_terminal_signals`. Called first thing by the executable.
  public static func unblockTerminalSignals() { gloss_unblock_terminal_signals() }

  public static func run(storePath: String?) -> Int32 {
    let repl = REPL(storePath: storePath)
    CommandContext.current = repl.context
    Cancellation.isRequested = { gloss_interrupted() != 0 }
    if Terminal.isTerminal(STDIN_FILENO) {
      return repl.interactive()
    }
    return repl.script()
  }

  var store: Store? { try? context.store(at: storePath) }

  var prompt: String {
    let name = URL(fileURLWithPath: storePath).deletingPathExtension().lastPathComponent
    return "\(store?.local.person ?? "?")@\(name)> "
  }

  static var historyPath: String {
    let environment = ProcessInfo.processInfo.environment
    let stateHome =
      environment["XDG_STATE_HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? (NSHomeDirectory() + "/.local/state")
    return stateHome + "/gloss/history"
  }

  // MARK: Interactive

  func interactive() -> Int32 {
    do {
      _ = try context.store(at: storePath)
    } catch {
      _ = GlossMain.report(error)
      return 1
    }
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
      if execute(full) == .leave { break }
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
    var number = 0
    var pending = ""
    var pendingStart = 0
    while let line = readLine(strippingNewline: true) {
      number += 1
      if line.hasSuffix("\\") {
        if pending.isEmpty { pendingStart = number }
        pending += line.dropLast() + " "
        continue
      }
      let full = pending + line
      context.errorPrefix = "line \(pending.isEmpty ? number : pendingStart): "
      pending = ""
      if execute(full) == .leave { break }
    }
    return failures > 0 ? 1 : 0
  }

  // MARK: Commands

  enum Outcome { case next, leave }

  func execute(_ line: String) -> Outcome {
    let words: [String]
    do {
      words = try Tokenizer.split(line)
    } catch {
      fail("\(error)")
      return .next
    }
    var arguments = words
    if arguments.first == "gloss" { arguments.removeFirst() }
    guard let first = arguments.first else { return .next }
    switch first {
    case "quit", "exit", ".quit", ".exit": return .leave
    case ".mode":
      if arguments.count == 1 {
        context.output.line(context.mode?.rawValue ?? "table")
      } else if let mode = OutputMode(rawValue: arguments[1]) {
        context.mode = mode
      } else {
        fail(".mode takes table, json or csv")
      }
    case ".pager":
      if arguments.count == 2, ["on", "off"].contains(arguments[1]) {
        pagerEnabled = arguments[1] == "on"
      } else {
        fail(".pager takes on or off (it is \(pagerEnabled ? "on" : "off"))")
      }
    case "help", ".help":
      context.output.line(
        arguments.count == 1
          ? GlossCommand.helpText(for: []) + Self.shellHelp : GlossCommand.helpText(for: Array(arguments.dropFirst())))
    default:
      if !GlossCommand.commandNames.contains(first) {
        fail(Self.unknown(first))
      } else {
        // At the terminal, ^C while the command runs cancels it (a write rolls back)
        // instead of ending the REPL; a script still ends on ^C.
        if context.interactive { gloss_interrupts_catch() }
        defer { if context.interactive { gloss_interrupts_release() } }
        if GlossMain.run(arguments.contains("--store") ? arguments : arguments + ["--store", storePath]) != 0 {
          failures += 1
        }
      }
    }
    flush()
    return .next
  }

  static let shellHelp = """

    REPL:
      .mode table|json|csv    how results print
      .pager on|off           page output longer than the screen through $PAGER (default: less -FRX)
      help COMMAND            the same text as gloss COMMAND --help
      quit                    leave (or Ctrl-D on an empty line)
    A line ending in \\ continues on the next; Tab completes; Ctrl-R searches history.
    """

  func fail(_ message: String) {
    failures += 1
    flush()
    FileHandle.standardError.write(Data("gloss: \(context.errorPrefix)\(message)\n".utf8))
  }

  /// "did you mean …" for a word that is no command.
  static func unknown(_ word: String) -> String {
    let names = GlossCommand.commandNames + ["help", "quit", ".mode", ".pager"]
    let scored = names.map { ($0, distance(word.lowercased(), $0)) }.filter { $0.1 <= max(2, word.count / 3) }
    let best = scored.sorted { ($0.1, $0.0) < ($1.1, $1.0) }.prefix(3).map(\.0)
    let prefixed = names.filter { $0.hasPrefix(word.lowercased()) && !best.contains($0) }
    let suggestions = best + prefixed
    if suggestions.isEmpty { return "unknown command '\(word)'; type help for the list" }
    return "unknown command '\(word)'; did you mean \(suggestions.prefix(3).joined(separator: " or "))?"
  }

  static func distance(_ a: String, _ b: String) -> Int {
    let a = Array(a)
    let b = Array(b)
    var previous = Array(0...b.count)
    for (i, x) in a.enumerated() {
      var row = [i + 1]
      for (j, y) in b.enumerated() {
        row.append(min(previous[j + 1] + 1, row[j] + 1, previous[j] + (x == y ? 0 : 1)))
      }
      previous = row
    }
    return previous[b.count]
  }

  /// Prints what the command wrote, through the pager when it does not fit the screen.
  func flush() {
    let lines = context.output.take()
    guard !lines.isEmpty else { return }
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
