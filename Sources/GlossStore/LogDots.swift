import GlossCore

/// How the log writes a list of dots (`operation.supersedes`, `operation.requires`): each
/// as `replica:counter` (`Dot.description`), separated by single spaces.
enum LogDots {
  static func text(_ dots: [Dot]) -> String {
    // Most operations name no dot or one.
    switch dots.count {
    case 0: ""
    case 1: dots[0].description
    default: dots.map(\.description).joined(separator: " ")
    }
  }

  static func dots(_ text: String) -> [Dot] { text.split(separator: " ").compactMap(Dot.init) }
}
