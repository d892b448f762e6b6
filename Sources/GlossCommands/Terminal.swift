import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// Facts about where output goes, read once per command.
public enum Terminal {
  public static func isTerminal(_ descriptor: Int32) -> Bool { isatty(descriptor) == 1 }

  /// The width of the terminal on standard output, or nil when it is not a terminal.
  public static func width() -> Int? {
    guard isTerminal(STDOUT_FILENO), !CommandContext.current.redirected else { return nil }
    var size = winsize()
    if ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 { return Int(size.ws_col) }
    return ProcessInfo.processInfo.environment["COLUMNS"].flatMap(Int.init) ?? 80
  }

  public static func height() -> Int? {
    guard isTerminal(STDOUT_FILENO), !CommandContext.current.redirected else { return nil }
    var size = winsize()
    if ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_row > 0 { return Int(size.ws_row) }
    return ProcessInfo.processInfo.environment["LINES"].flatMap(Int.init) ?? 24
  }

  /// Colour only on a terminal, and never when `NO_COLOR` is set (https://no-color.org).
  public static var colorEnabled: Bool {
    let environment = ProcessInfo.processInfo.environment
    return CommandContext.current.colorAllowed && !CommandContext.current.redirected && isTerminal(STDOUT_FILENO)
      && (environment["NO_COLOR"] ?? "").isEmpty
      && environment["TERM"] != "dumb"
  }

  /// The display width of a string: East Asian wide characters count two columns.
  public static func displayWidth(_ text: some StringProtocol) -> Int {
    text.unicodeScalars.reduce(0) { width, scalar in
      let value = scalar.value
      if scalar.properties.generalCategory == .nonspacingMark || value == 0x200B { return width }
      let wide =
        (0x1100...0x115F).contains(value) || (0x2E80...0xA4CF).contains(value) || (0xAC00...0xD7A3).contains(value)
        || (0xF900...0xFAFF).contains(value) || (0xFE30...0xFE4F).contains(value) || (0xFF00...0xFF60).contains(value)
        || (0x1F300...0x1FAFF).contains(value) || (0x20000...0x3FFFD).contains(value)
      return width + (wide ? 2 : 1)
    }
  }

  /// `text` cut to `width` columns, ending in … when cut.
  public static func truncate(_ text: String, to width: Int) -> String {
    guard displayWidth(text) > width else { return text }
    guard width > 1 else { return width == 1 ? "…" : "" }
    var out = ""
    var used = 0
    for character in text {
      let w = displayWidth(String(character))
      if used + w > width - 1 { break }
      out.append(character)
      used += w
    }
    return out + "…"
  }

  /// Greedy word wrap to `width` columns, each line prefixed by `indent`.
  public static func wrap(_ text: String, width: Int, indent: String = "") -> [String] {
    let available = max(20, width - indent.count)
    var lines: [String] = []
    var line = ""
    for word in text.split(separator: " ", omittingEmptySubsequences: true) {
      if line.isEmpty {
        line = String(word)
      } else if displayWidth(line) + 1 + displayWidth(word) <= available {
        line += " " + word
      } else {
        lines.append(indent + line)
        line = String(word)
      }
    }
    if !line.isEmpty || lines.isEmpty { lines.append(indent + line) }
    return lines
  }
}

/// SGR styles, emitted only when colour is enabled.
public enum Style: String {
  case bold = "1", dim = "2", red = "31", green = "32", yellow = "33", blue = "34", cyan = "36"

  public func apply(_ text: String, enabled: Bool = Terminal.colorEnabled) -> String {
    enabled ? "\u{1B}[\(rawValue)m\(text)\u{1B}[0m" : text
  }
}
