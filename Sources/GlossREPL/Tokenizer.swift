import Foundation

/// Splits a REPL line into words the way a shell would: white space separates, '…' is
/// literal, "…" allows \" and \\, a backslash outside quotes escapes one character, and an
/// unquoted `~` or `~/` at the start of a word is the home folder.
enum Tokenizer {
  struct Unterminated: Error, CustomStringConvertible {
    let quote: Character
    var description: String { "unterminated \(quote)quote: add the closing \(quote)" }
  }

  /// One word and where it began in the line.
  struct Word: Equatable {
    var text: String
    var start: String.Index
  }

  static func split(_ line: String) throws(Unterminated) -> [String] { try words(line).map(\.text) }

  /// The home folder as the shell knows it: `$HOME`, which Foundation's
  /// `NSHomeDirectory()` ignores in favour of the password database.
  static var home: String {
    let value = ProcessInfo.processInfo.environment["HOME"] ?? ""
    return value.isEmpty ? NSHomeDirectory() : value
  }

  static func words(_ line: String, home: String = Tokenizer.home) throws(Unterminated) -> [Word] {
    let scan = scan(line, home: home)
    if let quote = scan.openQuote { throw Unterminated(quote: quote) }
    guard var last = scan.last else { return scan.words }
    if scan.lastIsBareTilde { last.text = home }
    return scan.words + [last]
  }

  /// A line cut at the cursor, for completion: the words before, the word being typed
  /// (its text so far, without quotes) and the quote it is inside, if any.
  static func partial(_ line: String) -> (words: [String], current: String, openQuote: Character?) {
    let scan = scan(line, home: home)
    return (scan.words.map(\.text), scan.last?.text ?? "", scan.openQuote)
  }

  /// The words of a line; `last` is the word the line ends in (nil after white space, and
  /// `~` as typed when it is an unquoted `~` alone), `openQuote` the quote still open.
  private static func scan(_ line: String, home: String) -> (
    words: [Word], last: Word?, lastIsBareTilde: Bool, openQuote: Character?
  ) {
    var words: [Word] = []
    var current = ""
    var start: String.Index?
    var quote: Character?
    var escaped = false
    /// The word so far is exactly an unquoted `~`.
    var bareTilde = false
    func finish() {
      if let begin = start {
        words.append(Word(text: bareTilde ? home : current, start: begin))
      }
      current = ""
      start = nil
      bareTilde = false
    }
    var index = line.startIndex
    while index < line.endIndex {
      let character = line[index]
      defer { index = line.index(after: index) }
      if escaped {
        current.append(character)
        escaped = false
        continue
      }
      if let open = quote {
        if character == open {
          quote = nil
        } else if character == "\\" && open == "\"" {
          escaped = true
        } else {
          current.append(character)
        }
        continue
      }
      if character.isWhitespace {
        finish()
        continue
      }
      if start == nil {
        start = index
        if character == "~" {
          bareTilde = true
          continue
        }
      } else if bareTilde {
        // `~/…` is under the home folder; `~bob` and `~x` stay as typed.
        current = character == "/" ? home : "~"
        bareTilde = false
      }
      switch character {
      case "'", "\"": quote = character
      case "\\": escaped = true
      default: current.append(character)
      }
    }
    let last = start.map { Word(text: bareTilde ? "~" : current, start: $0) }
    return (words, last, bareTilde, quote)
  }
}
