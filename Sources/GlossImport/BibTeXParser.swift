/// The syntax of a BibTeX or BibLaTeX file, as BibTeX itself reads it: entries
/// `@type{key, name = value, …}` (or with parentheses), values in braces, in quotes, bare
/// numbers or `@string` macro names (case-insensitive, the month names predefined), joined
/// with `#`; `@comment`, `@preamble` and any text between entries are skipped. The values
/// are raw LaTeX: `BibTeXImport` turns them into a publication.
struct BibTeXParser {
  struct Entry: Sendable {
    var type: String
    var key: String
    /// Field names lowercased, in file order; a repeated field keeps its first value.
    var fields: [(name: String, value: String)]
    var line: Int

    func value(_ name: String) -> String? { fields.first { $0.name == name }?.value }
  }

  enum Item: Sendable {
    case entry(Entry)
    case skipped(line: Int, reason: String)
  }

  private let bytes: [UInt8]
  private var index = 0
  private var line = 1
  private var macros: [String: String] = [
    "jan": "January", "feb": "February", "mar": "March", "apr": "April", "may": "May", "jun": "June", "jul": "July",
    "aug": "August", "sep": "September", "oct": "October", "nov": "November", "dec": "December",
  ]

  init(text: String) { bytes = Array(text.utf8) }

  /// Every entry in file order; an entry that cannot be read is skipped with its line and
  /// the reason, and reading resumes at the next `@` at the start of a line.
  mutating func items() -> [Item] {
    var items: [Item] = []
    var end = (index: 0, line: 1)
    while skipToAt() {
      let start = line
      do {
        if let entry = try readAtBlock() { items.append(.entry(entry)) }
      } catch {
        items.append(.skipped(line: error.line, reason: error.reason))
        resync(after: start)
      }
      end = (index, line)
    }
    if let junk = trailingText(from: end) { items.append(.skipped(line: junk, reason: "text after the last entry")) }
    return items
  }

  /// The line where text other than white space and `%` comments begins after the last
  /// entry; text between entries is a comment in BibTeX, but after the last one it is
  /// usually a cut or a paste gone wrong.
  private func trailingText(from end: (index: Int, line: Int)) -> Int? {
    guard end.index > 0 else { return nil }
    var line = end.line
    var position = end.index
    var inComment = false
    while position < bytes.count {
      let byte = bytes[position]
      if byte == UInt8(ascii: "\n") {
        line += 1
        inComment = false
      } else if byte == UInt8(ascii: "%") {
        inComment = true
      } else if !inComment, byte != UInt8(ascii: " "), byte != UInt8(ascii: "\t"), byte != UInt8(ascii: "\r") {
        return line
      }
      position += 1
    }
    return nil
  }

  struct SyntaxError: Error {
    let line: Int
    let reason: String
  }

  // MARK: Reading

  /// Moves to the next `@`; text before it is a comment, as BibTeX treats it.
  private mutating func skipToAt() -> Bool {
    while index < bytes.count {
      if bytes[index] == UInt8(ascii: "@") { return true }
      advance()
    }
    return false
  }

  /// After a broken entry: on to the next `@` that begins a line.
  private mutating func resync(after startLine: Int) {
    while index < bytes.count {
      if bytes[index] == UInt8(ascii: "@"), line > startLine, index == 0 || bytes[index - 1] == UInt8(ascii: "\n") {
        return
      }
      advance()
    }
  }

  private mutating func advance() {
    if bytes[index] == UInt8(ascii: "\n") { line += 1 }
    index += 1
  }

  private mutating func skipSpace() {
    while index < bytes.count {
      let byte = bytes[index]
      if byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") || byte == UInt8(ascii: "\n")
        || byte == UInt8(ascii: "\r")
      {
        advance()
      } else if byte == UInt8(ascii: "%") {
        // A comment to the end of the line (biber and most tools accept these inside entries).
        while index < bytes.count, bytes[index] != UInt8(ascii: "\n") { advance() }
      } else {
        return
      }
    }
  }

  private func fail(_ reason: String) -> SyntaxError { SyntaxError(line: line, reason: reason) }

  private mutating func identifier() -> String {
    let start = index
    while index < bytes.count {
      let byte = bytes[index]
      let allowed =
        (byte >= 0x80) || (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z"))
        || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
        || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9"))
        || "-_:./+'!?*&;<>[]|".utf8.contains(byte)
      if !allowed { break }
      index += 1
    }
    return String(decoding: bytes[start..<index], as: UTF8.self)
  }

  /// One `@…` block: an entry (returned), or a string, comment or preamble (nil).
  private mutating func readAtBlock() throws(SyntaxError) -> Entry? {
    let entryLine = line
    index += 1
    skipSpace()
    let type = identifier().lowercased()
    guard !type.isEmpty else { throw fail("'@' is not followed by an entry type") }
    skipSpace()
    if type == "comment" {
      // `@comment{…}` or a bare `@comment` line: either way, not data.
      if index < bytes.count, bytes[index] == UInt8(ascii: "{") || bytes[index] == UInt8(ascii: "(") {
        _ = try delimited(open: bytes[index])
      }
      return nil
    }
    guard index < bytes.count, bytes[index] == UInt8(ascii: "{") || bytes[index] == UInt8(ascii: "(") else {
      throw fail("@\(type) is not followed by '{' or '('")
    }
    let close = bytes[index] == UInt8(ascii: "{") ? UInt8(ascii: "}") : UInt8(ascii: ")")
    index += 1
    skipSpace()
    switch type {
    case "preamble":
      _ = try value(close: close)
      skipSpace()
      try expect(close)
      return nil
    case "string":
      let name = identifier().lowercased()
      guard !name.isEmpty else { throw fail("@string has no name") }
      skipSpace()
      try expect(UInt8(ascii: "="))
      skipSpace()
      let text = try value(close: close)
      macros[name] = text
      skipSpace()
      try expect(close)
      return nil
    default:
      let key = identifier()
      skipSpace()
      var entry = Entry(type: type, key: key, fields: [], line: entryLine)
      if index < bytes.count, bytes[index] == UInt8(ascii: ",") { index += 1 }
      while true {
        skipSpace()
        guard index < bytes.count else {
          throw SyntaxError(line: entryLine, reason: "@\(type){\(key) is never closed (the file ends inside it)")
        }
        if bytes[index] == close {
          index += 1
          return entry
        }
        let fieldLine = line
        let name = identifier().lowercased()
        guard !name.isEmpty else {
          throw SyntaxError(
            line: fieldLine,
            reason: "unexpected '\(String(decoding: [bytes[index]], as: UTF8.self))' in @\(type){\(key)")
        }
        skipSpace()
        try expect(UInt8(ascii: "="))
        skipSpace()
        let text = try value(close: close)
        if entry.value(name) == nil { entry.fields.append((name, text)) }
        skipSpace()
        if index < bytes.count, bytes[index] == UInt8(ascii: ",") { index += 1 }
      }
    }
  }

  private mutating func expect(_ byte: UInt8) throws(SyntaxError) {
    guard index < bytes.count, bytes[index] == byte else {
      let found = index < bytes.count ? "'\(String(decoding: [bytes[index]], as: UTF8.self))'" : "the end of the file"
      throw fail("expected '\(String(decoding: [byte], as: UTF8.self))', found \(found)")
    }
    index += 1
  }

  /// The longest value, macros expanded: `@string{b = a # a}` doubles `a`, and forty such
  /// lines in a 4 KiB file would ask for a terabyte.
  static let maximumValueBytes = 1 << 20

  /// A value: parts joined by `#`.
  private mutating func value(close: UInt8) throws(SyntaxError) -> String {
    var result = ""
    while true {
      guard result.utf8.count <= Self.maximumValueBytes else {
        throw fail("a value is longer than \(Self.maximumValueBytes >> 20) MiB once its @string macros are expanded")
      }
      skipSpace()
      guard index < bytes.count else { throw fail("a value is cut off by the end of the file") }
      let byte = bytes[index]
      if byte == UInt8(ascii: "{") {
        result += try delimited(open: byte)
      } else if byte == UInt8(ascii: "\"") {
        result += try quoted()
      } else {
        let word = identifier()
        guard !word.isEmpty else { throw fail("a field has no value") }
        if word.allSatisfy({ $0.isNumber }) {
          result += word
        } else if let macro = macros[word.lowercased()] {
          result += macro
        } else {
          throw fail("'\(word)' is not a defined @string")
        }
      }
      skipSpace()
      guard index < bytes.count, bytes[index] == UInt8(ascii: "#") else { return result }
      index += 1
    }
  }

  /// `{…}` with nested braces, or `(…)` for a parenthesised @comment; the inside as is.
  private mutating func delimited(open: UInt8) throws(SyntaxError) -> String {
    let close = open == UInt8(ascii: "{") ? UInt8(ascii: "}") : UInt8(ascii: ")")
    let startLine = line
    index += 1
    let start = index
    var depth = 1
    while index < bytes.count {
      let byte = bytes[index]
      if byte == open {
        depth += 1
      } else if byte == close {
        depth -= 1
        if depth == 0 {
          let text = String(decoding: bytes[start..<index], as: UTF8.self)
          index += 1
          return text
        }
      }
      advance()
    }
    throw SyntaxError(line: startLine, reason: "a '{' is never closed")
  }

  /// `"…"`: braces inside may hold quotes.
  private mutating func quoted() throws(SyntaxError) -> String {
    let startLine = line
    index += 1
    let start = index
    var depth = 0
    while index < bytes.count {
      let byte = bytes[index]
      if byte == UInt8(ascii: "{") {
        depth += 1
      } else if byte == UInt8(ascii: "}") {
        depth -= 1
      } else if byte == UInt8(ascii: "\""), depth <= 0 {
        let text = String(decoding: bytes[start..<index], as: UTF8.self)
        index += 1
        return text
      }
      advance()
    }
    throw SyntaxError(line: startLine, reason: "a '\"' is never closed")
  }
}
