/// Text that came from a file or a peer, made safe to print on a terminal: a file name
/// or a person's name in a shared folder is chosen by whoever put it there, and raw escape
/// codes or newlines in it could rewrite the screen or forge a line of output.
public enum SafeText {
  /// `text` with C0 and C1 control characters, DEL, line and paragraph separators and the
  /// bidirectional overrides (which can make a name read backwards) escaped as `\n`, `\t`,
  /// `\r` or `\u{…}`; a backslash is doubled so that the escaping cannot be forged.
  public static func escaped(_ text: String) -> String {
    guard text.unicodeScalars.contains(where: needsEscape) else { return text }
    var result = ""
    for scalar in text.unicodeScalars {
      switch scalar {
      case "\\": result += "\\\\"
      case "\n": result += "\\n"
      case "\t": result += "\\t"
      case "\r": result += "\\r"
      case _ where needsEscape(scalar): result += "\\u{\(String(scalar.value, radix: 16))}"
      default: result.unicodeScalars.append(scalar)
      }
    }
    return result
  }

  static func needsEscape(_ scalar: Unicode.Scalar) -> Bool {
    switch scalar.value {
    case 0x00...0x1F, 0x7F...0x9F, 0x2028, 0x2029, 0x202A...0x202E, 0x2066...0x2069: true
    case 0x5C: true
    default: false
    }
  }
}
