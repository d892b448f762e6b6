import Foundation

/// Text written into a BibTeX value so that BibTeX, biber and every BibTeX reader print it
/// as it is, and Gloss's own importer (`LaTeX.toUnicode`) reads it back unchanged.
///
/// The ten characters TeX treats specially are escaped; braces as `\textbraceleft{}`,
/// because BibTeX counts `\{` as a brace when it balances a value. `--`, ``` `` ``` and
/// `''` are broken apart, or TeX would print a dash or curly quotes. With `ascii`, letters
/// outside ASCII become TeX accents (`{\'e}`) and symbols (`{\ss}`, `{$\alpha$}`): what
/// classic BibTeX and 8-bit LaTeX need. A character with no TeX spelling stays as it is.
public enum LaTeXEncoding {
  public static func encode(_ text: String, ascii: Bool, protectCase: Bool = false) -> String {
    if !needsEncoding(text, ascii: ascii) {
      guard protectCase else { return text }
      if let protected = protectedASCII(text) { return protected }
    } else if !protectCase, let escaped = escapedASCII(text) {
      return escaped
    }
    var out = ""
    for (index, word) in text.split(separator: " ", omittingEmptySubsequences: false).enumerated() {
      if index > 0 { out += " " }
      let encoded = encodeWord(word, ascii: ascii)
      // A capital after a word's first letter (`HCC`, `mRNA`, `McDonald`) would be
      // lowercased by a BibTeX style that sets titles in sentence case.
      if protectCase, word.dropFirst().contains(where: { $0.isUppercase }) {
        out += "{" + encoded + "}"
      } else {
        out += encoded
      }
    }
    return out
  }

  /// ASCII text with its special characters escaped, built on the bytes (an abstract
  /// with a `%` in it); nil when the text is not all ASCII.
  static func escapedASCII(_ text: String) -> String? {
    var out: [UInt8] = []
    out.reserveCapacity(text.utf8.count + 16)
    var previous: UInt8 = 0
    let specials = asciiSpecials
    for byte in text.utf8 {
      guard byte < 0x80 else { return nil }
      if previous == byte, byte == UInt8(ascii: "-") || byte == UInt8(ascii: "`") || byte == UInt8(ascii: "'") {
        out.append(UInt8(ascii: "{"))
        out.append(UInt8(ascii: "}"))
      }
      if let special = specials[Int(byte)] { out += special } else { out.append(byte) }
      previous = byte
    }
    return String(decoding: out, as: UTF8.self)
  }

  static let asciiSpecials: [[UInt8]?] = (0..<128).map { byte in
    specials[Character(Unicode.Scalar(UInt8(byte)))].map { Array($0.utf8) }
  }

  /// A title with nothing to escape, its words with an inner capital in braces, built on
  /// the bytes; nil when it is not all ASCII (the general path then decides).
  static func protectedASCII(_ text: String) -> String? {
    var bytes: [UInt8] = []
    bytes.reserveCapacity(text.utf8.count + 8)
    var word: [UInt8] = []
    func flush() {
      if word.dropFirst().contains(where: { $0 >= 0x41 && $0 <= 0x5A }) {
        bytes.append(UInt8(ascii: "{"))
        bytes.append(contentsOf: word)
        bytes.append(UInt8(ascii: "}"))
      } else {
        bytes.append(contentsOf: word)
      }
      word.removeAll(keepingCapacity: true)
    }
    for byte in text.utf8 {
      guard byte < 0x80 else { return nil }
      if byte == 0x20 {
        flush()
        bytes.append(byte)
      } else {
        word.append(byte)
      }
    }
    flush()
    return String(decoding: bytes, as: UTF8.self)
  }

  /// Whether `text` holds anything to escape, decided on its bytes: most of an abstract
  /// is plain ASCII and is written as it is. One table lookup per byte; only the rare
  /// byte that might matter is looked at further.
  static func needsEncoding(_ text: String, ascii: Bool) -> Bool {
    var text = text
    // The table read once, outside the loop: a global's every read checks its lazy setup.
    return byteKinds.withUnsafeBufferPointer { kinds in
      text.withUTF8 { bytes in
        for index in bytes.indices {
          switch kinds[Int(bytes[index])] {
          case .plain: continue
          case .special: return true
          case .nonASCII: if ascii { return true }
          case .doubled: if index > 0, bytes[index - 1] == bytes[index] { return true }
          }
        }
        return false
      }
    }
  }

  /// What a byte means to `needsEncoding`.
  enum ByteKind { case plain, special, nonASCII, doubled }

  /// Every byte's kind: the ten TeX specials, the bytes of non-ASCII characters, and the
  /// three characters that print differently when doubled (`--`, ``` `` ```, `''`).
  static let byteKinds: [ByteKind] = (0..<256).map { byte in
    if byte >= 0x80 { return .nonASCII }
    if "\\{}&%$#_~^".utf8.contains(UInt8(byte)) { return .special }
    if "-`'".utf8.contains(UInt8(byte)) { return .doubled }
    return .plain
  }

  private static func encodeWord(_ word: Substring, ascii: Bool) -> String {
    var out = ""
    var previous: Character?
    for character in word {
      defer { previous = character }
      // `--`, ``` `` ``` and `''` would print as a dash or curly quotes.
      if let previous, previous == character, character == "-" || character == "`" || character == "'" {
        out += "{}"
      }
      if let special = specials[character] {
        out += special
      } else if ascii, !character.isASCII {
        out += texSpelling(character) ?? String(character)
      } else {
        out.append(character)
      }
    }
    return out
  }

  static let specials: [Character: String] = [
    "\\": "\\textbackslash{}", "{": "\\textbraceleft{}", "}": "\\textbraceright{}", "&": "\\&", "%": "\\%",
    "$": "\\$", "#": "\\#", "_": "\\_", "~": "\\textasciitilde{}", "^": "\\textasciicircum{}",
  ]

  /// Combining marks back to the accent commands.
  static let accentCommands: [Unicode.Scalar: String] = [
    "\u{301}": "'", "\u{300}": "`", "\u{302}": "^", "\u{308}": "\"", "\u{303}": "~", "\u{304}": "=", "\u{307}": ".",
    "\u{306}": "u", "\u{30C}": "v", "\u{30B}": "H", "\u{327}": "c", "\u{323}": "d", "\u{331}": "b", "\u{328}": "k",
    "\u{30A}": "r",
  ]

  static let symbolCommands: [Character: String] = [
    "ß": "{\\ss}", "ø": "{\\o}", "Ø": "{\\O}", "æ": "{\\ae}", "Æ": "{\\AE}", "œ": "{\\oe}", "Œ": "{\\OE}",
    "å": "{\\aa}", "Å": "{\\AA}", "ł": "{\\l}", "Ł": "{\\L}", "ı": "{\\i}", "–": "--", "—": "---", "‘": "`",
    "’": "'", "“": "``", "”": "''", "\u{A0}": "~", "\u{202F}": "\\,", "†": "{\\dag}", "‡": "{\\ddag}",
    "§": "{\\S}", "¶": "{\\P}", "©": "{\\copyright}", "£": "{\\pounds}", "€": "{\\euro}", "®": "{\\textregistered}",
    "™": "{\\texttrademark}", "…": "{\\ldots}", "°": "{\\textdegree}", "«": "{\\guillemotleft}",
    "»": "{\\guillemotright}", "α": "{$\\alpha$}", "β": "{$\\beta$}", "γ": "{$\\gamma$}", "δ": "{$\\delta$}",
    "ε": "{$\\epsilon$}", "ζ": "{$\\zeta$}", "η": "{$\\eta$}", "θ": "{$\\theta$}", "ι": "{$\\iota$}",
    "κ": "{$\\kappa$}", "λ": "{$\\lambda$}", "μ": "{$\\mu$}", "ν": "{$\\nu$}", "ξ": "{$\\xi$}", "π": "{$\\pi$}",
    "ρ": "{$\\rho$}", "σ": "{$\\sigma$}", "τ": "{$\\tau$}", "υ": "{$\\upsilon$}", "φ": "{$\\phi$}",
    "χ": "{$\\chi$}", "ψ": "{$\\psi$}", "ω": "{$\\omega$}", "Γ": "{$\\Gamma$}", "Δ": "{$\\Delta$}",
    "Θ": "{$\\Theta$}", "Λ": "{$\\Lambda$}", "Ξ": "{$\\Xi$}", "Π": "{$\\Pi$}", "Σ": "{$\\Sigma$}",
    "Υ": "{$\\Upsilon$}", "Φ": "{$\\Phi$}", "Ψ": "{$\\Psi$}", "Ω": "{$\\Omega$}", "±": "{$\\pm$}",
    "×": "{$\\times$}", "≤": "{$\\leq$}", "≥": "{$\\geq$}", "≠": "{$\\neq$}", "≈": "{$\\approx$}",
    "∞": "{$\\infty$}", "→": "{$\\rightarrow$}", "←": "{$\\leftarrow$}", "·": "{$\\cdot$}", "∼": "{$\\sim$}",
    "ℓ": "{$\\ell$}",
  ]

  /// `{\'e}` for é, `{\c{c}}` for ç: a base letter and its accents, or a known symbol.
  static func texSpelling(_ character: Character) -> String? {
    if let symbol = symbolCommands[character] { return symbol }
    let scalars = Array(String(character).decomposedStringWithCanonicalMapping.unicodeScalars)
    guard let base = scalars.first, base.isASCII, scalars.count > 1 else { return nil }
    var spelled = base == "i" ? "\\i" : base == "j" ? "\\j" : String(base)
    for mark in scalars.dropFirst() {
      guard let command = accentCommands[mark] else { return nil }
      spelled = command.first!.isLetter ? "\\\(command){\(spelled)}" : "\\\(command)\(spelled)"
    }
    return "{" + spelled + "}"
  }
}
