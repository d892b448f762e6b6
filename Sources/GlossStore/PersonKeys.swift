import Foundation
import GRDB
import GlossBundle
import GlossCore

/// Which keys speak for which person, as this store knows it. A person is bound to the
/// keys first seen for them; a new key claiming a known person is accepted only when the
/// user trusted it by fingerprint (`gloss peers trust NAME FINGERPRINT`) or when one of
/// that person's keys introduced it (`Introduction`, possibly through a chain of them).
/// Everything else claiming a known person is an impersonation, whoever relays it.
struct PersonKeys {
  let db: Database
  let local: LocalReplica
  let ownKey: [UInt8]?
  /// Introductions the bundle being checked carries, already verified as signed.
  let carried: [Introduction]

  /// The key this store holds for `replica`, if any. The local replica's key is its own,
  /// or none while it has never signed anything.
  func key(of replica: ReplicaID) throws -> [UInt8]? {
    if replica == local.id { return ownKey }
    return (try Data.fetchOne(db, sql: "SELECT public_key FROM replica WHERE id = ?", arguments: [replica.hex]))
      .map { [UInt8]($0) }
  }

  func person(of replica: ReplicaID) throws -> String? {
    try String.fetchOne(db, sql: "SELECT person FROM replica WHERE id = ?", arguments: [replica.hex])
  }

  /// True when this store already binds `person` to a key, or `person` is who writes here.
  func isKnown(_ person: String) throws -> Bool {
    if person == local.person { return true }
    return try Bool.fetchOne(
      db, sql: "SELECT EXISTS (SELECT 1 FROM replica WHERE person = ? AND public_key IS NOT NULL)", arguments: [person])
      ?? false
  }

  /// Every key that speaks for `person`: bound ones, then those introduced by them.
  func keys(of person: String) throws -> Set<[UInt8]> {
    var keys = Set(
      try Data.fetchAll(
        db, sql: "SELECT public_key FROM replica WHERE person = ? AND public_key IS NOT NULL AND is_local = 0",
        arguments: [person]
      ).map { [UInt8]($0) })
    if person == local.person, let ownKey { keys.insert(ownKey) }
    let introductions =
      try Self.storedIntroductions(db).filter { $0.person == person }
      + carried.filter {
        $0.person == person
      }
    var grew = true
    while grew {
      grew = false
      for introduction in introductions where keys.contains(introduction.introducer) && !keys.contains(introduction.key)
      {
        keys.insert(introduction.key)
        grew = true
      }
    }
    return keys
  }

  func isPreTrusted(_ person: String, _ key: [UInt8]) throws -> Bool {
    try Bool.fetchOne(
      db, sql: "SELECT EXISTS (SELECT 1 FROM trusted_key WHERE person = ? AND fingerprint = ?)",
      arguments: [person, Signature.fingerprint(of: key)]) ?? false
  }

  /// Whether a key this store has not bound yet may speak for `person`, and why.
  enum Verdict {
    /// One of the person's keys introduced it.
    case introduced
    /// The user trusted it by fingerprint (`gloss peers trust`).
    case trustedByFingerprint
    /// `person` is known and nothing vouches for this key.
    case impersonation(knownFingerprints: [String])
    /// `person` is new to this store.
    case unknownPerson
  }

  func verdict(newKey key: [UInt8], claiming person: String) throws -> Verdict {
    guard try isKnown(person) else { return try isPreTrusted(person, key) ? .trustedByFingerprint : .unknownPerson }
    let known = try keys(of: person)
    if known.contains(key) { return .introduced }
    if try isPreTrusted(person, key) { return .trustedByFingerprint }
    return .impersonation(knownFingerprints: known.map(Signature.fingerprint(of:)).sorted())
  }

  static func storedIntroductions(_ db: Database) throws -> [Introduction] {
    try Row.fetchAll(
      db, sql: "SELECT person, key, introducer, signature FROM introduction ORDER BY key, introducer"
    ).map { row in
      Introduction(
        person: row["person"], key: [UInt8](row["key"] as Data), introducer: [UInt8](row["introducer"] as Data),
        signature: [UInt8](row["signature"] as Data))
    }
  }

  static func store(_ introduction: Introduction, db: Database) throws {
    try db.execute(
      sql: "INSERT OR IGNORE INTO introduction (person, key, introducer, signature) VALUES (?, ?, ?, ?)",
      arguments: [
        introduction.person, Data(introduction.key), Data(introduction.introducer), Data(introduction.signature),
      ])
  }
}
