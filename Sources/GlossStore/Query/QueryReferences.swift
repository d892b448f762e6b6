import GRDB
import GlossCore

extension StoreReader {
  /// Refuses a query asking for a tag no record has or a person the store has never heard
  /// of: `tag:hcc;` and `read-by:nobody` are typos, and an empty table would hide them.
  func checkReferences(_ query: CompiledQuery) throws {
    for reference in query.references {
      switch reference.kind {
      case .tag:
        let key = TagName.key(reference.value)
        if try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM tag_entry WHERE key = ?)", arguments: [key])
          ?? false
        {
          continue
        }
        let tags = try String.fetchAll(db, sql: "SELECT display FROM tag ORDER BY display")
        let hint = Suggestion.near(reference.value, in: tags).map { "tag:" + $0 }
        throw QuerySyntaxError(
          column: reference.column,
          message: "no record has the tag '\(SafeText.escaped(reference.value))'"
            + (hint.isEmpty
              ? "; gloss tags lists the tags in use" : "; did you mean \(hint.joined(separator: " or "))?"),
          query: query.source)
      case .person:
        let persons = try String.fetchAll(db, sql: "SELECT DISTINCT person FROM replica ORDER BY person")
        if persons.contains(reference.value) { continue }
        let hint = Suggestion.near(reference.value, in: persons)
        throw QuerySyntaxError(
          column: reference.column,
          message: "nobody called '\(SafeText.escaped(reference.value))' shares this store"
            + (hint.isEmpty ? "" : "; did you mean read-by:\(hint[0])?")
            + " (persons: \(persons.joined(separator: ", ")))",
          query: query.source)
      }
    }
  }
}
