import GlossCore

/// Parses the query language:
///
///     query   := or
///     or      := and ("OR" and)*
///     and     := unary+                 (juxtaposition; "AND" is accepted too)
///     unary   := "-" unary | primary
///     primary := "(" or ")" | NAME ":" value | word | "phrase"
///
/// Any other character in a word is literal: quotes, `*` in the middle, `NEAR(` and other
/// FTS5 syntax never reach SQLite as syntax (see `QueryCompiler.ftsString`).
///
/// A query is bounded, so that no query can exhaust the stack here or SQLite's parser, or run
/// for minutes: at most `maximumLength` characters, `maximumTerms` terms and
/// `maximumDepth` levels of parentheses and negation.
public struct QueryParser {
  public static let maximumLength = 2_000
  public static let maximumTerms = 64
  public static let maximumDepth = 10

  public static let fieldNames: Set<String> = [
    "tag", "status", "read-by", "author", "title", "abstract", "journal", "year", "has", "doi", "pmid", "keyword",
    "type",
  ]

  private enum Token: Equatable {
    case word(String), phrase(String), field(String, String), open, close, or, and, minus
  }

  private let source: String
  private var tokens: [(token: Token, column: Int)] = []
  private var index = 0
  private var depth = 0

  public static func parse(_ query: String) throws(QuerySyntaxError) -> QueryExpression? {
    var parser = QueryParser(source: query)
    guard query.count <= maximumLength else {
      throw parser.error(
        "the query is \(query.count) characters long; at most \(maximumLength) are allowed", maximumLength + 1)
    }
    try parser.tokenize()
    let terms = parser.tokens.filter { token in
      switch token.token {
      case .word, .phrase, .field: true
      default: false
      }
    }
    if terms.count > maximumTerms {
      throw parser.error(
        "the query has \(terms.count) terms; at most \(maximumTerms) are allowed", terms[maximumTerms].column)
    }
    guard !parser.tokens.isEmpty else { return nil }
    let expression = try parser.parseOr()
    if parser.index < parser.tokens.count {
      let (token, column) = parser.tokens[parser.index]
      throw parser.error(token == .close ? "unmatched ')'" : "unexpected text", column)
    }
    return expression
  }

  private init(source: String) { self.source = source }

  private func error(_ message: String, _ column: Int) -> QuerySyntaxError {
    QuerySyntaxError(column: column, message: message, query: source)
  }

  private mutating func tokenize() throws(QuerySyntaxError) {
    let characters = Array(source)
    var position = 0
    while position < characters.count {
      let character = characters[position]
      let column = position + 1
      if character.isWhitespace {
        position += 1
        continue
      }
      switch character {
      case "(":
        tokens.append((.open, column))
        position += 1
      case ")":
        tokens.append((.close, column))
        position += 1
      case "\"":
        guard let end = characters[(position + 1)...].firstIndex(of: "\"") else {
          throw error("unterminated phrase: add the closing \"", column)
        }
        tokens.append((.phrase(String(characters[(position + 1)..<end])), column))
        position = end + 1
      case "-"
      where position + 1 < characters.count && !characters[position + 1].isWhitespace
        && (position == 0 || characters[position - 1].isWhitespace || characters[position - 1] == "("):
        tokens.append((.minus, column))
        position += 1
      default:
        var end = position
        while end < characters.count, !characters[end].isWhitespace, characters[end] != ")", characters[end] != "\"" {
          end += 1
        }
        if end == position { end += 1 }
        let word = String(characters[position..<end])
        position = end
        if word == "OR" {
          tokens.append((.or, column))
        } else if word == "AND" {
          tokens.append((.and, column))
        } else if let colon = word.firstIndex(of: ":"), Self.fieldNames.contains(word[..<colon].lowercased()) {
          let name = word[..<colon].lowercased()
          var value = String(word[word.index(after: colon)...])
          if value.isEmpty, position < characters.count, characters[position] == "\"" {
            guard let close = characters[(position + 1)...].firstIndex(of: "\"") else {
              throw error("unterminated phrase: add the closing \"", position + 1)
            }
            value = String(characters[(position + 1)..<close])
            position = close + 1
          }
          guard !value.isEmpty else {
            throw error("\(name): needs a value, like \(name):\(Self.example(name))", column)
          }
          tokens.append((.field(name, value), column))
        } else if let colon = word.firstIndex(of: ":"), colon != word.startIndex,
          word[..<colon].allSatisfy({ $0.isASCII && ($0.isLetter || $0 == "-") })
        {
          // `auther:Bruix` would otherwise search for the words "auther" and "bruix".
          let name = word[..<colon].lowercased()
          let hint = Suggestion.didYouMean(name, in: Self.fieldNames.sorted())
          let fields = Self.fieldNames.sorted().map { $0 + ":" }
          throw error(
            "unknown field '\(name):'"
              + (hint.isEmpty ? "; fields are \(fields.joined(separator: " "))" : hint.dropLast() + ":?")
              + " (to search for the text, quote it: \"\(word)\")", column)
        } else {
          tokens.append((.word(word), column))
        }
      }
    }
  }

  static func example(_ field: String) -> String {
    switch field {
    case "tag": "hcc"
    case "status": "read"
    case "read-by": "alice"
    case "author": "Bruix"
    case "title", "abstract": "sorafenib"
    case "doi": "10.1016/s0140-6736(16)32453-9"
    case "pmid": "27932229"
    case "keyword": "Sorafenib"
    case "type": "article-journal"
    case "journal": "Lancet"
    case "year": "2016 or year:2015..2017"
    default: "note"
    }
  }

  private mutating func parseOr() throws(QuerySyntaxError) -> QueryExpression {
    var branches = [try parseAnd()]
    while index < tokens.count, tokens[index].token == .or {
      let column = tokens[index].column
      index += 1
      guard index < tokens.count, tokens[index].token != .close, tokens[index].token != .or else {
        throw error("OR needs something after it", column)
      }
      branches.append(try parseAnd())
    }
    return branches.count == 1 ? branches[0] : .or(branches)
  }

  private mutating func parseAnd() throws(QuerySyntaxError) -> QueryExpression {
    var parts: [QueryExpression] = []
    var words: [QueryExpression.TextTerm] = []
    func flushWords() {
      if !words.isEmpty { parts.append(.text(words)) }
      words = []
    }
    while index < tokens.count {
      let (token, column) = tokens[index]
      switch token {
      case .or, .close:
        if parts.isEmpty, words.isEmpty {
          throw error(token == .or ? "OR needs something before it" : "unmatched ')'", column)
        }
        flushWords()
        return parts.count == 1 ? parts[0] : .and(parts)
      case .and:
        if parts.isEmpty, words.isEmpty { throw error("AND needs something before it", column) }
        index += 1
      case .word(let word):
        index += 1
        words.append(
          word.hasSuffix("*") && word.count > 1
            ? .word(String(word.dropLast()), prefix: true) : .word(word, prefix: false))
      case .phrase(let phrase):
        index += 1
        words.append(.phrase(phrase))
      default:
        flushWords()
        parts.append(try parseUnary())
      }
    }
    flushWords()
    guard !parts.isEmpty else { throw error("the query ends too early", source.count + 1) }
    return parts.count == 1 ? parts[0] : .and(parts)
  }

  private mutating func parseUnary() throws(QuerySyntaxError) -> QueryExpression {
    let (token, column) = tokens[index]
    index += 1
    if token == .minus || token == .open {
      depth += 1
      guard depth <= Self.maximumDepth else {
        throw error("nested more than \(Self.maximumDepth) levels deep (parentheses and '-')", column)
      }
    }
    defer { if token == .minus || token == .open { depth -= 1 } }
    switch token {
    case .minus:
      guard index < tokens.count else { throw error("'-' needs a term after it", column) }
      switch tokens[index].token {
      case .word(let word):
        index += 1
        return .not(.text([.word(word, prefix: false)]))
      case .phrase(let phrase):
        index += 1
        return .not(.text([.phrase(phrase)]))
      case .or, .and, .close, .minus: throw error("'-' needs a term after it", column)
      default: return .not(try parseUnary())
      }
    case .open:
      guard index < tokens.count, tokens[index].token != .close else {
        throw error("empty parentheses", column)
      }
      let inner = try parseOr()
      guard index < tokens.count, tokens[index].token == .close else { throw error("'(' is never closed", column) }
      index += 1
      return inner
    case .field(let name, let value): return .field(name: name, value: value, column: column)
    default: throw error("unexpected text", column)
    }
  }
}
