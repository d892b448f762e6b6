import Foundation
import GlossCore

/// Compiles a `QueryExpression` to SQL over `record`. Every value the person typed becomes
/// an argument; only fixed SQL text is concatenated.
public struct QueryCompiler {
  /// The person whose status `status:` means.
  public let person: String

  public init(person: String) {
    self.person = person
  }

  /// Parses and compiles. A query of words alone ranks by relevance (`ranked`); anything
  /// else lists newest first.
  public func compile(_ text: String, ranked: Bool) throws(QuerySyntaxError) -> CompiledQuery {
    guard let expression = try QueryParser.parse(text) else { return .all }
    if ranked, case .text(let terms) = expression {
      return CompiledQuery(rankedMatch: try ftsString(terms, column: 1, query: text))
    }
    var arguments: [String] = []
    var references: [CompiledQuery.Reference] = []
    let conditions = try sql(expression, &arguments, &references, negated: false, query: text)
    var compiled = CompiledQuery(conditions: conditions, arguments: arguments)
    compiled.references = references
    compiled.source = text
    return compiled
  }

  /// `references` gathers the tags and persons asked for outside any negation (`-tag:x`
  /// on a store without x is vacuous, not a typo worth stopping for).
  private func sql(
    _ expression: QueryExpression, _ arguments: inout [String], _ references: inout [CompiledQuery.Reference],
    negated: Bool, query: String
  ) throws(QuerySyntaxError) -> String {
    switch expression {
    case .text(let terms):
      let match = try ftsString(terms, column: 1, query: query)
      arguments += [match, match]
      return """
        record.num IN (\(Self.groupsMatching) UNION SELECT \(NoteHits.record) FROM \(NoteHits.source) \
        WHERE note_fts MATCH ? AND \(NoteHits.isShown))
        """
    case .not(let inner): return "NOT (\(try sql(inner, &arguments, &references, negated: !negated, query: query)))"
    case .and(let parts):
      var pieces: [String] = []
      for part in parts {
        pieces.append("(\(try sql(part, &arguments, &references, negated: negated, query: query)))")
      }
      return pieces.joined(separator: " AND ")
    case .or(let parts):
      var pieces: [String] = []
      for part in parts {
        pieces.append("(\(try sql(part, &arguments, &references, negated: negated, query: query)))")
      }
      return pieces.joined(separator: " OR ")
    case .field(let name, let value, let column):
      if !negated, name == "tag" { references.append(.init(kind: .tag, value: value, column: column)) }
      if !negated, name == "read-by" { references.append(.init(kind: .person, value: value, column: column)) }
      return try field(name, value, column: column, &arguments, query: query)
    }
  }

  private func field(_ name: String, _ value: String, column: Int, _ arguments: inout [String], query: String)
    throws(QuerySyntaxError) -> String
  {
    func fail(_ message: String) -> QuerySyntaxError {
      QuerySyntaxError(column: column, message: message, query: query)
    }
    switch name {
    case "tag":
      arguments.append(TagName.key(value))
      return "record.num IN (SELECT tag_entry.record FROM tag_entry WHERE tag_entry.key = ?)"
    case "status":
      guard let status = ReadingStatus(rawValue: value.lowercased()) else {
        throw fail("status: takes one of \(ReadingStatus.allCases.map(\.rawValue).joined(separator: ", "))")
      }
      arguments.append(person)
      if status == .unread {
        return
          "NOT EXISTS (SELECT 1 FROM status WHERE status.record = record.num AND status.person = ? AND status.status <> 'unread')"
      }
      arguments.append(status.rawValue)
      return
        "EXISTS (SELECT 1 FROM status WHERE status.record = record.num AND status.person = ? AND status.status = ?)"
    case "read-by":
      arguments.append(value)
      return
        "EXISTS (SELECT 1 FROM status WHERE status.record = record.num AND status.person = ? AND status.status = 'read')"
    case "author", "journal", "title", "abstract":
      let column = name == "author" ? "authors" : name
      arguments.append("\(column) : \(try ftsString([.phrase(value)], column: column, query: query))")
      return "record.num IN (\(Self.groupsMatching))"
    case "doi":
      guard let doi = Identifiers.doi(value) else {
        throw fail("doi: takes a DOI, like doi:10.1016/s0140-6736(16)32453-9")
      }
      arguments.append(doi)
      return "record.num IN (\(Self.groupsHaving("doi")))"
    case "pmid":
      guard let pmid = Identifiers.pmid(value) else { throw fail("pmid: takes a PubMed number, like pmid:27932229") }
      arguments.append(pmid)
      return "record.num IN (\(Self.groupsHaving("pmid")))"
    case "type":
      guard CSLType.all.contains(value.lowercased()) else {
        throw fail("type: takes a CSL type, like type:article-journal, type:book or type:chapter")
      }
      arguments.append(value.lowercased())
      return "json_extract(record.library, '$.type') = ?"
    case "keyword":
      arguments.append(value)
      return
        "EXISTS (SELECT 1 FROM json_each(record.library, '$.keywords') WHERE json_each.value = ? COLLATE NOCASE)"
    case "year":
      let parts = value.split(separator: ".", omittingEmptySubsequences: false)
      if parts.count == 1, let year = Int(value) {
        arguments.append(String(year))
        return "record.year = CAST(? AS INTEGER)"
      }
      if parts.count == 3, parts[1].isEmpty {
        let low = parts[0].isEmpty ? Int.min : Int(parts[0])
        let high = parts[2].isEmpty ? Int.max : Int(parts[2])
        if let low, let high, low <= high {
          arguments += [String(low), String(high)]
          return "record.year BETWEEN CAST(? AS INTEGER) AND CAST(? AS INTEGER)"
        }
      }
      throw fail("year: takes a year or a range, like year:2016 or year:2015..2017")
    case "has":
      switch value.lowercased() {
      case "note", "notes":
        return "EXISTS (SELECT 1 FROM note WHERE note.record = record.num AND note.state <> 'deleted')"
      case "conflict", "conflicts":
        return """
          (EXISTS (SELECT 1 FROM field_entry WHERE field_entry.record = record.num GROUP BY field_entry.field \
          HAVING count(DISTINCT field_entry.value) > 1) OR EXISTS (SELECT 1 FROM note WHERE note.record = record.num \
          AND note.state IN ('conflict', 'deleted-concurrently')))
          """
      case "tag", "tags": return "EXISTS (SELECT 1 FROM tag_entry WHERE tag_entry.record = record.num)"
      case "abstract": return "record.abstract <> ''"
      default: throw fail("has: takes note, conflict, tag or abstract")
      }
    default: throw fail("unknown field \(name):")
    }
  }

  /// The groups (`RecordGroups`) with a record whose words match an FTS5 string, as the
  /// survivors' nums: a merged record's title still finds the paper.
  static let groupsMatching = """
    SELECT coalesce(m.merged_into, m.num) FROM record_fts JOIN record m ON m.num = record_fts.rowid \
    WHERE record_fts MATCH ?
    """

  /// The groups with a record whose library field `field` (a fixed name) equals an argument,
  /// written as the field's index is, so that SQLite uses it.
  static func groupsHaving(_ field: StaticString) -> String {
    "SELECT coalesce(m.merged_into, m.num) FROM record m WHERE json_extract(m.library, '$.\(field)') = ?"
  }

  /// Each term becomes an FTS5 string (`"word"`, `"word"*`, `"a phrase"`), so nothing
  /// typed is read as FTS5 syntax. Terms with no letter or digit match nothing and are
  /// dropped; a query of only such terms is an error rather than a silent "no results".
  func ftsString(_ terms: [QueryExpression.TextTerm], column: Int, query: String) throws(QuerySyntaxError)
    -> String
  {
    var parts: [String] = []
    for term in terms {
      switch term {
      case .word(let word, let prefix):
        guard word.contains(where: { $0.isLetter || $0.isNumber }) else { continue }
        parts.append(Self.quoted(word) + (prefix ? "*" : ""))
      case .phrase(let phrase):
        guard phrase.contains(where: { $0.isLetter || $0.isNumber }) else { continue }
        parts.append(Self.quoted(phrase))
      }
    }
    guard !parts.isEmpty else {
      throw QuerySyntaxError(column: column, message: "nothing to search for: use letters or digits", query: query)
    }
    return parts.joined(separator: " ")
  }

  private func ftsString(_ terms: [QueryExpression.TextTerm], column: String, query: String) throws(QuerySyntaxError)
    -> String
  {
    try ftsString(terms, column: 1, query: query)
  }

  /// An FTS5 string, built scalar by scalar because FTS5 reads bytes: a `"` that begins a
  /// grapheme cluster (`"` + a combining mark is one Swift `Character`, so `String`'s own
  /// replacing skips it) must still be doubled, and a NUL, which ends FTS5's parsing of the
  /// query, becomes a space, as the tokenizer would treat it. Both found by the query fuzz
  /// target.
  static func quoted(_ text: String) -> String {
    var result = String.UnicodeScalarView()
    result.append("\"")
    for scalar in text.unicodeScalars {
      switch scalar {
      case "\"": result.append(contentsOf: ["\"", "\""] as [Unicode.Scalar])
      case "\u{0}": result.append(" ")
      default: result.append(scalar)
      }
    }
    result.append("\"")
    return String(result)
  }
}
