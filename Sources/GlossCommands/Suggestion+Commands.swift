import GlossCore

extension Suggestion {
  /// The message for a word that is no command.
  /// `extra`: other words valid where the command was typed; `listing`: how to see them all.
  public static func unknownCommand(
    _ word: String, extra: [String] = [], listing: String = "gloss --help lists them"
  ) -> String {
    let hint = didYouMean(word, in: GlossCommand.commandNames + extra)
    return "unknown command '\(SafeText.escaped(word))'" + (hint.isEmpty ? "; \(listing)" : hint)
  }
}
