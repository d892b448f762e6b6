/// Splits a REPL line into words the way a shell would: white space separates, '…' is
/// literal, "…" allows \" and \\, and a backslash outside quotes escapes one character.
enum Tokenizer {
  struct Unterminated: Error, CustomStringConvertible {
    let quote: Character
    var description: String { "unterminated \(quote)quote: add the closing \(quote)" }
  }

  static func split(_ line: String) throws(Unterminated) -> [String] {
    var words: [String] = []
    var current = ""
    var inWord = false
    var quote: Character?
    var escaped = false
    for character in line {
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
      switch character {
      case "'", "\"":
        quote = character
        inWord = true
      case "\\":
        escaped = true
        inWord = true
      case _ where character.isWhitespace:
        if inWord { words.append(current) }
        current = ""
        inWord = false
      default:
        current.append(character)
        inWord = true
      }
    }
    if let quote { throw Unterminated(quote: quote) }
    if inWord { words.append(current) }
    return words
  }
}
