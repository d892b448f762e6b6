import GlossCore

/// How the log writes a list of dots (`operation.supersedes`, `operation.requires`): each
/// as `replica:counter` (`Dot.description`), separated by single spaces.
enum LogDots {
  static func text(_ dots: [Dot]) -> String { dots.map(\.description).joined(separator: " ") }

  static func dots(_ text: String) -> [Dot] { text.split(separator: " ").compactMap(Dot.init) }
}
