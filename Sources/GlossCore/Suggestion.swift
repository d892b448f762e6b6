/// "did you mean …" for a word that names no command, field or table: the names within a
/// few edits of it, then those it begins.
public enum Suggestion {
  /// Up to three of `names` close to `word`, nearest first.
  public static func near(_ word: String, in names: [String]) -> [String] {
    let lowered = word.lowercased()
    let scored = names.map { ($0, distance(lowered, $0.lowercased())) }.filter { $0.1 <= max(2, word.count / 3) }
    let best = scored.sorted { ($0.1, $0.0) < ($1.1, $1.0) }.prefix(3).map(\.0)
    let prefixed = lowered.isEmpty ? [] : names.filter { $0.lowercased().hasPrefix(lowered) && !best.contains($0) }
    return Array((best + prefixed).prefix(3))
  }

  /// "; did you mean a or b?", or "" when nothing is close.
  public static func didYouMean(_ word: String, in names: [String]) -> String {
    let suggestions = near(word, in: names)
    return suggestions.isEmpty ? "" : "; did you mean \(suggestions.joined(separator: " or "))?"
  }

  /// Levenshtein distance over characters.
  public static func distance(_ a: String, _ b: String) -> Int { distance(Array(a), Array(b)) }

  public static func distance(_ a: [Character], _ b: [Character]) -> Int {
    var previous = Array(0...b.count)
    for (i, x) in a.enumerated() {
      var row = [i + 1]
      for (j, y) in b.enumerated() {
        row.append(min(previous[j + 1] + 1, row[j] + 1, previous[j] + (x == y ? 0 : 1)))
      }
      previous = row
    }
    return previous[b.count]
  }
}
