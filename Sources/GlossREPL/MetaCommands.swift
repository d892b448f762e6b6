import Foundation
import GlossCommands
import GlossCore
import GlossStore

/// The REPL's own commands, spelled both ways people type them by reflex: sqlite3's dot
/// commands (`.tables`, `.schema`, `.output`, `.read`, `.quit`) and psql's backslash ones
/// (`\dt`, `\d`, `\o`, `\i`, `\x`, `\q`). They change how the REPL prints or where its
/// input comes from; none of them writes the store.
extension REPL {
  /// The meta commands, for "did you mean" and completion.
  static let metaWords = [
    ".mode", ".pager", ".tables", ".schema", ".output", ".read", ".quit", ".exit", ".help", "\\x", "\\dt", "\\d",
    "\\o", "\\i", "\\q", "\\?",
  ]

  /// Files `.read` may nest: a file that reads itself stops here instead of looping.
  static let readDepth = 16

  func meta(_ line: String) -> Outcome {
    let name = String(line.prefix { !$0.isWhitespace })
    let argument = line.dropFirst(name.count).trimmingCharacters(in: .whitespaces)
    let words: [String]
    do {
      words = try Tokenizer.split(argument)
    } catch {
      fail("\(error)")
      return .next
    }
    switch name {
    case ".quit", ".exit", "\\q": return .leave
    case ".help", "\\?", "\\h":
      context.output.line(Self.shellHelp.trimmingCharacters(in: .newlines))
    case ".mode":
      if words.isEmpty {
        context.output.line(context.mode?.rawValue ?? "table")
      } else if words.count == 1, let mode = OutputMode(rawValue: words[0]) {
        context.mode = mode
      } else {
        fail(".mode takes table, json or csv")
      }
    case ".pager":
      if words.count == 1, ["on", "off"].contains(words[0]) {
        pagerEnabled = words[0] == "on"
      } else {
        fail(".pager takes on or off (it is \(pagerEnabled ? "on" : "off"))")
      }
    case "\\x":
      switch words.first {
      case nil: context.expanded.toggle()
      case "on": context.expanded = true
      case "off": context.expanded = false
      default:
        fail("\\x takes on or off, or nothing to switch")
        return .next
      }
      context.output.line("Expanded display is \(context.expanded ? "on" : "off").")
    case ".tables", "\\dt":
      tables()
    case ".schema":
      schema(words.first)
    case "\\d":
      if words.isEmpty { tables() } else { schema(words[0]) }
    case ".output", "\\o":
      redirect(to: words.first)
    case ".read", "\\i":
      guard words.count == 1 else {
        fail("\(name) takes one file: \(name) FILE")
        return .next
      }
      return read(words[0])
    default:
      fail("unknown command '\(name)'" + Suggestion.didYouMean(name, in: Self.metaWords) + " (help lists them)")
    }
    return .next
  }

  func tables() {
    guard let entries = schemaEntries() else { return }
    let names = entries.filter { $0.type == "table" || $0.type == "view" }.map(\.name)
    for line in Completer.columns(names, width: Terminal.width() ?? 80).split(separator: "\n") {
      context.output.line(String(line))
    }
  }

  func schema(_ table: String?) {
    guard let entries = schemaEntries() else { return }
    guard let table else {
      for entry in entries { context.output.line(entry.sql + ";") }
      return
    }
    let chosen = entries.filter { $0.table.lowercased() == table.lowercased() }
    if chosen.isEmpty {
      let tables = entries.filter { $0.type == "table" || $0.type == "view" }.map(\.name)
      fail("no table '\(SafeText.escaped(table))'" + Suggestion.didYouMean(table, in: tables) + " (.tables lists them)")
      return
    }
    for entry in chosen { context.output.line(entry.sql + ";") }
  }

  private func schemaEntries() -> [SchemaEntry]? {
    do {
      return try context.store(at: storePath).read { try $0.schema() }
    } catch {
      fail("\(error)")
      return nil
    }
  }

  /// `.output FILE` sends results to FILE (made anew, as sqlite3 does) until `.output`
  /// alone; errors still go to the screen.
  func redirect(to path: String?) {
    if let outputFile {
      try? outputFile.close()
      self.outputFile = nil
      context.redirected = false
    }
    guard let path else { return }
    let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
    guard descriptor >= 0 else {
      fail("cannot write \(SafeText.escaped(path)): \(String(cString: strerror(errno))); results stay on the screen")
      return
    }
    outputFile = FileHandle(fileDescriptor: descriptor, closeOnDealloc: true)
    context.redirected = true
  }

  /// `.read FILE` runs FILE's lines as a script, errors named by the file and line.
  func read(_ path: String) -> Outcome {
    guard reading.count < Self.readDepth else {
      fail(".read nests more than \(Self.readDepth) files deep (\(reading.last ?? path) reads itself?); stopped")
      return .next
    }
    let text: String
    do {
      let data = try Data(contentsOf: URL(fileURLWithPath: path))
      guard !data.contains(0), let decoded = String(data: data, encoding: .utf8) else {
        fail("\(SafeText.escaped(path)) is not a text file of commands; give .read a file with one command per line")
        return .next
      }
      text = decoded
    } catch {
      fail("cannot read \(SafeText.escaped(path)): no such file or no permission; check the path")
      return .next
    }
    reading.append(path)
    defer { reading.removeLast() }
    var lines = text.components(separatedBy: "\n").map { $0.hasSuffix("\r") ? String($0.dropLast()) : $0 }
    if lines.last == "" { lines.removeLast() }
    return run(lines: lines, prefix: SafeText.escaped(path) + ":")
  }
}
