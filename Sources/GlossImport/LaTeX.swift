import Foundation

/// LaTeX in BibTeX values turned into the Unicode text it prints: accents (`{\'e}`, `\"o`,
/// `\c{c}`), special letters (`\ss`, `\o`, `\ae`), escaped characters (`\&`, `\%`), dashes
/// (`--`, `---`), quotes (``` `` ```, `''`), `~` as a no-break space, Greek letters in math
/// (`$\alpha$`), font commands (`\emph{x}` → x), and the braces that protect case, removed.
/// An unknown command keeps its argument and loses its name.
public enum LaTeX {
  public static func toUnicode(_ text: String) -> String {
    guard needsConversion(text) else { return text }
    var parser = Parser(characters: Array(text))
    let out = parser.run(until: nil)
    // Accents are written as combining marks; NFC joins them to their letters.
    return text.utf8.contains(UInt8(ascii: "\\")) ? out.precomposedStringWithCanonicalMapping : out
  }

  /// Whether `text` holds anything LaTeX would print differently, decided on its bytes:
  /// most values (titles, abstracts) are plain text and are left as they are.
  static func needsConversion(_ text: String) -> Bool {
    var previous: UInt8 = 0
    for byte in text.utf8 {
      switch byte {
      case UInt8(ascii: "\\"), UInt8(ascii: "{"), UInt8(ascii: "}"), UInt8(ascii: "~"), UInt8(ascii: "$"):
        return true
      case UInt8(ascii: "-"), UInt8(ascii: "`"), UInt8(ascii: "'"):
        if previous == byte { return true }
      default: break
      }
      previous = byte
    }
    return false
  }

  /// Combining marks for the accent commands.
  static let accents: [Character: Character] = [
    "'": "\u{301}", "`": "\u{300}", "^": "\u{302}", "\"": "\u{308}", "~": "\u{303}", "=": "\u{304}", ".": "\u{307}",
    "u": "\u{306}", "v": "\u{30C}", "H": "\u{30B}", "c": "\u{327}", "d": "\u{323}", "b": "\u{331}", "k": "\u{328}",
    "r": "\u{30A}",
  ]

  /// Commands that stand for a character.
  static let symbols: [String: String] = [
    "ss": "ß", "o": "ø", "O": "Ø", "ae": "æ", "AE": "Æ", "oe": "œ", "OE": "Œ", "aa": "å", "AA": "Å", "l": "ł", "L": "Ł",
    "i": "ı", "j": "ȷ", "&": "&", "%": "%", "$": "$", "#": "#", "_": "_", "{": "{", "}": "}", " ": " ", ",": "\u{202F}",
    "textendash": "–", "textemdash": "—", "textquoteleft": "‘", "textquoteright": "’", "textquotedblleft": "“",
    "textquotedblright": "”", "dag": "†", "ddag": "‡", "S": "§", "P": "¶", "copyright": "©", "pounds": "£",
    "euro": "€", "textregistered": "®", "texttrademark": "™", "ldots": "…", "dots": "…", "textdegree": "°",
    "textbackslash": "\\", "textbraceleft": "{", "textbraceright": "}", "textasciitilde": "~", "textasciicircum": "^",
    "textbar": "|", "textless": "<",
    "textgreater": ">", "guillemotleft": "«", "guillemotright": "»", "LaTeX": "LaTeX", "TeX": "TeX",
    "alpha": "α", "beta": "β", "gamma": "γ", "delta": "δ", "epsilon": "ε", "varepsilon": "ε", "zeta": "ζ",
    "eta": "η", "theta": "θ", "vartheta": "ϑ", "iota": "ι", "kappa": "κ", "lambda": "λ", "mu": "μ", "nu": "ν",
    "xi": "ξ", "pi": "π", "rho": "ρ", "sigma": "σ", "tau": "τ", "upsilon": "υ", "phi": "φ", "varphi": "φ",
    "chi": "χ", "psi": "ψ", "omega": "ω", "Gamma": "Γ", "Delta": "Δ", "Theta": "Θ", "Lambda": "Λ", "Xi": "Ξ",
    "Pi": "Π", "Sigma": "Σ", "Upsilon": "Υ", "Phi": "Φ", "Psi": "Ψ", "Omega": "Ω", "pm": "±", "times": "×",
    "leq": "≤", "geq": "≥", "le": "≤", "ge": "≥", "neq": "≠", "approx": "≈", "infty": "∞", "rightarrow": "→",
    "to": "→", "leftarrow": "←", "cdot": "·", "deg": "°", "circ": "°", "sim": "∼", "ell": "ℓ",
  ]

  private struct Parser {
    let characters: [Character]
    var index = 0

    /// Reads until `close` (a `}` ending a group) or the end.
    mutating func run(until close: Character?) -> String {
      var out = ""
      while index < characters.count {
        let character = characters[index]
        if let close, character == close {
          index += 1
          return out
        }
        switch character {
        case "{":
          index += 1
          out += run(until: "}")
        case "}":
          index += 1
        case "\\":
          out += command()
        case "~":
          index += 1
          out += "\u{A0}"
        case "$":
          index += 1
        case "-":
          if peek("---") {
            index += 3
            out += "—"
          } else if peek("--") {
            index += 2
            out += "–"
          } else {
            index += 1
            out += "-"
          }
        case "`" where peek("``"):
          index += 2
          out += "“"
        case "'" where peek("''"):
          index += 2
          out += "”"
        case "^", "_":
          // Math sub- and superscripts: the script's text stays.
          index += 1
        default:
          index += 1
          out.append(character)
        }
      }
      return out
    }

    func peek(_ text: String) -> Bool {
      let wanted = Array(text)
      guard index + wanted.count <= characters.count else { return false }
      return Array(characters[index..<index + wanted.count]) == wanted
    }

    mutating func command() -> String {
      index += 1
      guard index < characters.count else { return "\\" }
      let first = characters[index]
      if !first.isLetter {
        index += 1
        if let mark = LaTeX.accents[first] { return accent(mark) }
        if first == "\\" { return " " }
        return LaTeX.symbols[String(first)] ?? String(first)
      }
      var name = ""
      while index < characters.count, characters[index].isLetter {
        name.append(characters[index])
        index += 1
      }
      if name.count == 1, let mark = LaTeX.accents[Character(name)],
        ["u", "v", "H", "c", "d", "b", "k", "r"].contains(name)
      {
        skipSpaces()
        return accent(mark)
      }
      if let symbol = LaTeX.symbols[name] {
        // `\ss{}` and `\o{}`: an empty group after a symbol only ends the command name.
        if peek("{}") { index += 2 } else if index < characters.count, characters[index] == " " { index += 1 }
        return symbol
      }
      // Font and other commands: `\emph{text}` is text.
      skipSpaces()
      return ""
    }

    mutating func skipSpaces() {
      while index < characters.count, characters[index] == " " { index += 1 }
    }

    /// The next letter (alone or in a group) with `mark` over it.
    mutating func accent(_ mark: Character) -> String {
      skipSpaces()
      guard index < characters.count else { return "" }
      var base: String
      if characters[index] == "{" {
        index += 1
        base = run(until: "}")
      } else if characters[index] == "\\" {
        base = command()
      } else {
        base = String(characters[index])
        index += 1
      }
      if base == "ı" { base = "i" }
      if base == "ȷ" { base = "j" }
      guard let first = base.unicodeScalars.first else { return String(mark) }
      var scalars = String.UnicodeScalarView([first])
      scalars.append(contentsOf: mark.unicodeScalars)
      scalars.append(contentsOf: base.unicodeScalars.dropFirst())
      return String(scalars)
    }
  }
}
