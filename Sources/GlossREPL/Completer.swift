import Foundation
import GlossCommands
import GlossCore
import GlossStore

/// Tab completion: command names, options, record ids and citekeys, tags, note ids,
/// statuses, fields, peers and file paths, each where the command expects it.
struct Completer {
  let store: () -> Store?

  /// REPL-only words, beside the commands.
  static let shellWords = REPL.shellWords + REPL.metaWords

  enum Expect {
    case record, tag, note, status, field, conflict, file, person, peer, query, command, mode, onOff, nothing
  }

  /// What each command's positional arguments are, in order; the last repeats.
  static let positionals: [String: [Expect]] = [
    "show": [.record], "notes": [.record], "log": [.record], "conflicts": [.record],
    "tag": [.record, .tag], "untag": [.record, .tag], "note": [.record, .nothing],
    "status": [.record, .status, .nothing], "set": [.record, .field, .nothing], "note-edit": [.note, .nothing],
    "note-delete": [.note, .nothing], "resolve": [.conflict, .nothing], "import": [.file],
    "sync import": [.file], "sync export": [.file, .nothing], "sync dir": [.file, .nothing],
    "peers trust": [.peer, .nothing], "list": [.query], "search": [.query], "help": [.command],
    ".mode": [.mode, .nothing], ".pager": [.onOff, .nothing], "\\x": [.onOff, .nothing],
    ".output": [.file, .nothing], "\\o": [.file, .nothing], ".read": [.file, .nothing], "\\i": [.file, .nothing],
    "init": [.nothing], "tags": [.nothing],
    "dump": [.nothing], "clock": [.nothing], "sql": [.nothing],
  ]

  /// Options whose next word is their value, and what that value is.
  static let optionValues: [String: Expect] = [
    "--store": .file, "--to": .peer, "--limit": .nothing, "--quote": .nothing, "--keep": .nothing,
    "--value": .nothing, "--name": .nothing,
  ]

  /// The text to insert and, when several candidates remain, the listing to print. The
  /// line is split as the REPL will split it, so a word may be inside quotes; what is
  /// inserted is quoted or escaped to match.
  func complete(_ beforeCursor: String) -> (insert: String, listing: String?) {
    // A psql-style meta command's backslash is part of its name, not an escape.
    let line = beforeCursor.hasPrefix("\\") ? "\\" + beforeCursor : beforeCursor
    var (words, current, openQuote) = Tokenizer.partial(line)
    if words.first == "gloss" { words.removeFirst() }
    let candidates = self.candidates(words: words, current: current)
    let matches = Array(Set(candidates.filter { $0.lowercased().hasPrefix(current.lowercased()) })).sorted()
    guard !matches.isEmpty else { return ("", nil) }
    if matches.count == 1 {
      let match = matches[0]
      let rest = Self.escaped(String(match.dropFirst(current.count)), inside: openQuote)
      let endsWord = !match.hasSuffix("/") && !match.hasSuffix(":")
      return (rest + (endsWord ? (openQuote.map(String.init) ?? "") + " " : ""), nil)
    }
    let common = Self.commonPrefix(matches)
    if common.count > current.count {
      return (Self.escaped(String(common.dropFirst(current.count)), inside: openQuote), nil)
    }
    return ("", Self.columns(matches.map { Self.display($0) }, width: Terminal.width() ?? 80))
  }

  /// Completed text as it must be typed where the cursor is: inside '…' as it is (a name
  /// with ' cannot be completed there), inside "…" with " and \ escaped, and outside
  /// quotes with white space, quotes and backslashes escaped.
  static func escaped(_ text: String, inside quote: Character?) -> String {
    var out = ""
    for character in text {
      switch quote {
      case "'": out.append(character)
      case "\"": if character == "\"" || character == "\\" { out.append("\\") }; out.append(character)
      default:
        if character.isWhitespace || "'\"\\".contains(character) { out.append("\\") }
        out.append(character)
      }
    }
    return out
  }

  /// File candidates list only the last path component, as shells do.
  static func display(_ candidate: String) -> String {
    guard candidate.contains("/"), !candidate.hasPrefix("tag:") else { return candidate }
    let trimmed = candidate.hasSuffix("/") ? String(candidate.dropLast()) : candidate
    return (trimmed.split(separator: "/").last.map(String.init) ?? trimmed) + (candidate.hasSuffix("/") ? "/" : "")
  }

  func candidates(words: [String], current: String) -> [String] {
    if words.isEmpty { return GlossCommand.commandNames + Self.shellWords }
    var path = [words[0]]
    var rest = Array(words.dropFirst())
    let groups = GlossCommand.subcommandNames(of: words[0])
    if !groups.isEmpty {
      guard let sub = rest.first else { return groups }
      path.append(sub)
      rest.removeFirst()
    }
    if let last = rest.last, let expect = Self.optionValues[last] { return values(expect, current: current) }
    if current.hasPrefix("--") { return GlossCommand.optionNames(of: path) }
    var index = 0
    var skip = false
    for word in rest {
      if skip {
        skip = false
        continue
      }
      if word.hasPrefix("--") {
        skip = Self.optionValues[word] != nil
        continue
      }
      index += 1
    }
    let expects = Self.positionals[path.joined(separator: " ")] ?? [.nothing]
    return values(expects[min(index, expects.count - 1)], current: current)
  }

  func values(_ expect: Expect, current: String) -> [String] {
    let store = self.store()
    switch expect {
    case .record: return (try? store?.read { try $0.recordNames(prefix: current) }) ?? []
    case .note: return (try? store?.read { try $0.noteIDs(prefix: current) }) ?? []
    case .tag: return (try? store?.read { try $0.tags().map(\.tag) }) ?? []
    case .status: return ReadingStatus.allCases.map(\.rawValue)
    case .field: return RecordField.allCases.map(\.rawValue)
    case .conflict: return (try? store?.read { try $0.conflicts().map(\.target) }) ?? []
    case .person:
      let peers = (try? store?.peers().map(\.person)) ?? []
      let persons = (try? store?.read { try $0.persons() }) ?? []
      return peers + persons
    case .peer:
      // Trusting a key or exporting for someone is about others: never yourself.
      return values(.person, current: current).filter { $0 != store?.local.person }
    case .file: return Self.paths(current)
    case .command: return GlossCommand.commandNames
    case .mode: return OutputMode.allCases.map(\.rawValue)
    case .onOff: return ["on", "off"]
    case .query: return queryValues(current)
    case .nothing: return []
    }
  }

  /// Inside a query: field names, then the values of `tag:`, `status:`, `read-by:`, `has:`,
  /// after any `(` and `-` that open or negate a group.
  func queryValues(_ current: String) -> [String] {
    let negation = String(current.prefix { $0 == "(" || $0 == "-" })
    let word = current.dropFirst(negation.count)
    guard let colon = word.firstIndex(of: ":") else {
      return QueryParser.fieldNames.sorted().map { negation + $0 + ":" }
    }
    let field = word[..<colon].lowercased()
    let prefix = negation + field + ":"
    let values: [String]
    switch field {
    case "tag": values = self.values(.tag, current: "")
    case "status": values = ReadingStatus.allCases.map(\.rawValue)
    case "read-by": values = self.values(.person, current: "")
    case "has": values = ["note", "conflict", "tag", "abstract"]
    default: values = []
    }
    return values.map { prefix + $0 }
  }

  static func paths(_ current: String) -> [String] {
    let expanded = current.hasPrefix("~") ? Tokenizer.home + current.dropFirst() : current
    let folder: String
    let stem: String
    if let slash = expanded.lastIndex(of: "/") {
      folder = String(expanded[...slash])
      stem = String(expanded[expanded.index(after: slash)...])
    } else {
      folder = ""
      stem = expanded
    }
    let entries = (try? FileManager.default.contentsOfDirectory(atPath: folder.isEmpty ? "." : folder)) ?? []
    let shownFolder = current.hasPrefix("~") ? "~" + folder.dropFirst(Tokenizer.home.count) : folder
    return entries.filter { $0.hasPrefix(stem) && (!$0.hasPrefix(".") || stem.hasPrefix(".")) }.map { name in
      var isDirectory: ObjCBool = false
      FileManager.default.fileExists(atPath: (folder.isEmpty ? "" : folder) + name, isDirectory: &isDirectory)
      return shownFolder + name + (isDirectory.boolValue ? "/" : "")
    }
  }

  static func commonPrefix(_ words: [String]) -> String {
    guard var prefix = words.first else { return "" }
    for word in words.dropFirst() {
      while !word.lowercased().hasPrefix(prefix.lowercased()) { prefix.removeLast() }
    }
    return prefix
  }

  /// Candidates in columns, across then down, like libedit's own listing.
  static func columns(_ items: [String], width: Int) -> String {
    let cell = (items.map(\.count).max() ?? 0) + 2
    let perRow = max(1, width / cell)
    var lines: [String] = []
    var index = 0
    while index < items.count {
      let row = items[index..<min(index + perRow, items.count)]
      lines.append(
        row.map { $0.padding(toLength: cell, withPad: " ", startingAt: 0) }.joined().trimmingCharacters(
          in: .whitespaces))
      index += perRow
    }
    return lines.joined(separator: "\n") + "\n"
  }
}
