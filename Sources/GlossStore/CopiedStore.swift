import Foundation
import GRDB
import GlossBundle
import GlossCore

#if canImport(Glibc)
  import Glibc
#endif

/// What happened when a store found it had become a copy.
public struct Reidentification: Sendable, Equatable {
  public let previous: ReplicaID
  public let current: ReplicaID
  /// Whether the old key signed an introduction of the new one (a store that never made
  /// a key has none to sign with: teammates must then trust the new key by hand).
  public let introduced: Bool
}

/// A store file copied (a restored backup, a cloned laptop, `cp store.sqlite`) carries its
/// replica id and signing key with it. If both copies went on writing under that id, each
/// would number different operations the same, every peer would refuse the second history
/// it saw, and one copy's edits would never reach anyone. So a store remembers where its
/// file lives (`FileLocation`), and a store that opens somewhere else takes a new replica
/// id and key before it writes anything: the operations it holds stay the old replica's
/// (the same in both copies), and its own new ones are the new replica's. The old key
/// signs an introduction of the new one, so peers accept it as the same person's new
/// device (BUNDLE.md §8.1).
///
/// A file moved within its file system keeps its inode and its identity; a copy made
/// block for block on the same machine (a disk image restored) cannot be told from the
/// original when it opens, and heals when it first reads the other copy's operations
/// (`healCopiedReplica`).
extension Store {
  /// Compares where the store's file is with where it was; writes only when they differ
  /// (or on the first open that records it), so that opening to read takes no write lock.
  static func checkLocation(_ queue: DatabaseQueue, path: String, local: LocalReplica) throws -> (
    LocalReplica, Reidentification?
  ) {
    guard let here = FileLocation.current(of: path) else { return (local, nil) }
    let recorded = try queue.read { db in
      try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'location'")
    }
    if recorded == here.recorded { return (local, nil) }
    return try queue.write { db in
      let recorded = try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'location'")
      try db.execute(
        sql:
          "INSERT INTO meta (key, value) VALUES ('location', ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
        arguments: [here.recorded])
      // First open since locations were recorded, another process got here first, or the
      // same file on the same machine with some of its network hardware changed.
      guard let before = recorded.flatMap(FileLocation.init(recorded:)), !before.isSameFile(as: here) else {
        return (try loadIdentity(db) ?? local, nil)
      }
      return try reidentify(db, local: local)
    }
  }

  /// Takes a new replica id and key; the old key, if there was one, introduces the new.
  /// Its statements run once, so they are not cached (a cached statement keeps its last
  /// arguments, here the private key, alive).
  static func reidentify(_ db: Database, local: LocalReplica, as id: ReplicaID = .random()) throws -> (
    LocalReplica, Reidentification
  ) {
    let old = try existingSigningKey(db)
    let replacement = LocalReplica(id: id, person: local.person)
    let identity = SigningIdentity()
    try db.execute(sql: "UPDATE replica SET is_local = 0 WHERE is_local = 1")
    try db.execute(
      sql: "INSERT INTO replica (id, person, is_local, public_key) VALUES (?, ?, 1, ?)",
      arguments: [replacement.id.hex, replacement.person, Data(identity.publicKey)])
    try db.execute(
      sql:
        "INSERT INTO meta (key, value) VALUES ('signing_key', ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
      arguments: [Hex.encode(identity.rawRepresentation)])
    if let old {
      try PersonKeys.store(try Introduction.make(person: local.person, key: identity.publicKey, by: old), db: db)
      // And the other way: a teammate who meets this copy's key first (the old one may
      // never have published) then accepts the other copy's operations under the old key.
      try PersonKeys.store(try Introduction.make(person: local.person, key: old.publicKey, by: identity), db: db)
      // The old key signs nothing more: this store publishes that introduction itself.
      try db.execute(
        sql:
          "INSERT INTO meta (key, value) VALUES ('previous_key', ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
        arguments: [Hex.encode(old.publicKey)])
    }
    return (replacement, Reidentification(previous: local.id, current: replacement.id, introduced: old != nil))
  }
}
