import GRDB
import GlossCore

/// What the REPL offers on Tab: small, prefix-bounded queries that stay fast on a large store.
extension StoreReader {
  /// Record ids and citekeys starting with `prefix`.
  public func recordNames(prefix: String, limit: Int = 200) throws -> [String] {
    let key = prefix.lowercased()
    let ids = try db.rows(
      sql: "SELECT id FROM record WHERE id >= ? AND id < ? ORDER BY id LIMIT ?", arguments: [key, key + "~", limit]
    ).map { $0[0] as String }
    let citekeys = try db.rows(
      sql: "SELECT DISTINCT citekey FROM record WHERE citekey >= ? AND citekey < ? ORDER BY citekey LIMIT ?",
      arguments: [key, key + "~", limit]
    ).map { $0[0] as String }
    return ids + citekeys
  }

  public func noteIDs(prefix: String, limit: Int = 200) throws -> [String] {
    try db.rows(
      sql: "SELECT id FROM note WHERE id >= ? AND id < ? AND state <> 'deleted' ORDER BY id LIMIT ?",
      arguments: [prefix.lowercased(), prefix.lowercased() + "~", limit]
    ).map { $0[0] as String }
  }

  /// Everyone this store has heard of.
  public func persons() throws -> [String] {
    try db.rows(sql: "SELECT DISTINCT person FROM replica ORDER BY person").map { $0[0] as String }
  }
}
