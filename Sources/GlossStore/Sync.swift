import Foundation
import GRDB
import GlossBundle
import GlossCore

/// A peer this store has heard of: a replica whose key it knows.
public struct PeerInfo: Sendable, Equatable {
  public let replica: ReplicaID
  public let person: String
  public let fingerprint: String
  /// The peer's vector clock as its last bundle told it, if it ever sent one directly.
  public let lastClock: VectorClock?
  public let lastSeen: UInt64?
}

/// What one imported bundle did.
public struct BundleImport: Sendable {
  public let file: String
  public let sender: BundleSender
  public let receive: ReceiveSummary
}

/// What an export wrote.
public struct BundleExport: Sendable {
  public let operations: Int
  public let bytes: Int
  public let ranges: [BundleRange]
  /// The peer whose last known clock was subtracted, if any.
  public let peer: PeerInfo?
}

extension Store {
  /// This store's Ed25519 identity, made on first use and kept in `meta`.
  public func signingIdentity() throws -> SigningIdentity {
    if let existing = try queue.read({ db in try Self.existingSigningKey(db) }) { return existing }
    return try queue.write { db in try Self.signingIdentity(db, local: try currentIdentity(db)) }
  }

  /// The identity, if this store has made one: reading must not make it.
  static func existingSigningKey(_ db: Database) throws -> SigningIdentity? {
    guard let hex: String = try db.row(sql: "SELECT value FROM meta WHERE key = 'signing_key'")?[0],
      let raw = Hex.decode(hex)
    else { return nil }
    return try SigningIdentity(rawRepresentation: raw)
  }

  /// The identity, made inside the caller's transaction when missing.
  static func signingIdentity(_ db: Database, local: LocalReplica) throws -> SigningIdentity {
    if let existing = try existingSigningKey(db) { return existing }
    let identity = SigningIdentity()
    // Statements run once per store, so not cached: a cached statement keeps its last
    // arguments, here the private key, alive for as long as the connection.
    try db.execute(
      sql: "INSERT INTO meta (key, value) VALUES ('signing_key', ?)",
      arguments: [Hex.encode(identity.rawRepresentation)])
    try db.execute(sql: "UPDATE replica SET public_key = ? WHERE is_local = 1", arguments: [Data(identity.publicKey)])
    return identity
  }

  public var fingerprint: String {
    get throws { Signature.fingerprint(of: try signingIdentity().publicKey) }
  }

  // MARK: Peers

  public func peers() throws -> [PeerInfo] {
    try read { reader in
      try reader.db.rows(
        sql:
          "SELECT id, person, public_key, last_clock, last_seen FROM replica WHERE is_local = 0 AND public_key IS NOT NULL ORDER BY person, id"
      ).map(Self.peer)
    }
  }

  static func peer(_ row: Row) -> PeerInfo {
    let key: Data = row["public_key"]
    let clockText: String? = row["last_clock"]
    return PeerInfo(
      replica: ReplicaID(hex: row["id"])!, person: row["person"], fingerprint: Signature.fingerprint(of: [UInt8](key)),
      lastClock: VectorClock(json: clockText.flatMap { try? JSONValue(parsing: $0) }),
      lastSeen: (row["last_seen"] as Int64?).map(UInt64.init))
  }

  /// Finds a peer by person name or replica id prefix.
  public func peer(named name: String) throws -> PeerInfo? {
    let matches = try peers().filter { $0.person == name || $0.replica.hex.hasPrefix(name.lowercased()) }
    guard matches.count <= 1 else {
      throw StoreError(
        "'\(name)' names \(matches.count) peers (\(matches.map { "\($0.person) \($0.replica.short)" }.joined(separator: ", "))); use a replica id prefix"
      )
    }
    return matches.first
  }

  /// Trusts `person`'s key with this fingerprint before any bundle of theirs arrives.
  public func trust(person: String, fingerprint: String) throws {
    let normalised = fingerprint.lowercased()
    let pattern = normalised.split(separator: "-")
    guard pattern.count == 4, pattern.allSatisfy({ $0.count == 4 && Base32Text.isValid($0) }) else {
      throw StoreError(
        "'\(fingerprint)' is not a fingerprint; they look like abcd-efgh-ijkl-mnop (gloss peers shows yours)")
    }
    try queue.write { db in
      try db.exec(
        sql: "INSERT OR IGNORE INTO trusted_key (person, fingerprint) VALUES (?, ?)",
        arguments: [person.nfc, normalised])
    }
  }

  // MARK: Export

  /// Writes a bundle of what `peer` lacks (everything when `peer` is nil) to `path`,
  /// through a temporary file renamed into place so a reader never sees half of it.
  @discardableResult
  public func exportBundle(to path: String, peer: PeerInfo?, progress: (Int, Double) -> Void = { _, _ in }) throws
    -> BundleExport
  {
    let (bytes, result) = try exportBundleBytes(peer: peer, progress: progress)
    try BundleFile.writeAtomically(bytes, to: path)
    return result
  }

  /// The bundle of what `peer` lacks, as bytes.
  /// `progress` gets the operations read so far and the fraction of what the peer lacks.
  public func exportBundleBytes(peer: PeerInfo?, progress: (Int, Double) -> Void = { _, _ in }) throws
    -> ([UInt8], BundleExport)
  {
    let base = peer?.lastClock ?? VectorClock()
    let now = wallClock()
    let (bytes, count, ranges) = try queue.write { db -> ([UInt8], Int, [BundleRange]) in
      let local = try currentIdentity(db)
      let identity = try Self.signingIdentity(db, local: local)
      let reader = StoreReader(db: db)
      let clock = try reader.vectorClock()
      let lacking = max(1, clock.missing(from: base).values.reduce(0) { $0 + Int($1.upperBound - $1.lowerBound + 1) })
      var ranges: [BundleRange] = []
      var operations: [Op] = []
      for (replica, counter) in clock.sortedEntries where counter > base[replica] {
        let from = base[replica] + 1
        let row = try db.row(
          sql: "SELECT num, person, public_key FROM replica WHERE id = ?", arguments: [replica.hex])!
        let num: Int64 = row["num"]
        let person: String = row["person"]
        var to = counter
        var signature: [UInt8]
        var publicKey: [UInt8]
        if replica == local.id {
          publicKey = identity.publicKey
          signature = try Self.signOwnHead(db, identity: identity, replica: replica, replicaNum: num, counter: to)
            .signature
        } else {
          // Only up to the latest head its own replica signed: a relay cannot vouch.
          guard let key = row["public_key"] as Data?,
            let signed = try db.row(
              sql:
                "SELECT counter, signature FROM chain_signature WHERE replica = ? AND counter <= ? ORDER BY counter DESC LIMIT 1",
              arguments: [replica.hex, Int64(counter)]),
            UInt64(signed["counter"] as Int64) >= from
          else { continue }
          publicKey = [UInt8](key)
          to = UInt64(signed["counter"] as Int64)
          signature = [UInt8](signed["signature"] as Data)
        }
        let previous = from == 1 ? ChainHash.zero : try Self.chain(db, replicaNum: num, counter: from - 1)
        let head = try Self.chain(db, replicaNum: num, counter: to)
        ranges.append(
          BundleRange(
            replica: replica, person: person, publicKey: publicKey, from: from, to: to, previous: previous, head: head,
            signature: signature))
        try Self.eachOperation(db, replicaNum: num, from: from, to: to) { operation in
          operations.append(operation)
          if operations.count % 1_000 == 0 { progress(operations.count, Double(operations.count) / Double(lacking)) }
        }
      }
      // Every introduction travels in every bundle (one small statement per device), so a
      // new device is known to a peer before, or together with, its first operations.
      let introductions = try PersonKeys.storedIntroductions(db)
      let bytes = try BundleFormat.encode(
        sender: BundleSender(replica: local.id, person: local.person, publicKey: identity.publicKey), signer: identity,
        clock: clock, prerequisites: base, ranges: ranges, operations: operations, introductions: introductions,
        created: now)
      return (bytes, operations.count, ranges)
    }
    return (bytes, BundleExport(operations: count, bytes: bytes.count, ranges: ranges, peer: peer))
  }

  /// Signs this store's own chain head at `counter`, and keeps the signature so that the
  /// operations up to there can be relayed later under it.
  static func signOwnHead(
    _ db: Database, identity: SigningIdentity, replica: ReplicaID, replicaNum: Int64, counter: UInt64
  ) throws -> (head: [UInt8], signature: [UInt8]) {
    let head = try chain(db, replicaNum: replicaNum, counter: counter)
    let signature = try identity.sign(ChainHash.signedMessage(replica: replica, counter: counter, head: head))
    try db.exec(
      sql: "INSERT OR REPLACE INTO chain_signature (replica, counter, head, signature) VALUES (?, ?, ?, ?)",
      arguments: [replica.hex, Int64(counter), Data(head), Data(signature)])
    return (head, signature)
  }

  /// A replica's operations `from…to`, in counter order.
  static func eachOperation(
    _ db: Database, replicaNum: Int64, from: UInt64, to: UInt64, _ body: (Op) throws -> Void
  ) throws {
    for row in try db.rows(
      sql: """
        SELECT r.id AS replica, o.counter, o.hlc, o.person, o.kind, o.target, o.payload, o.supersedes, o.requires
        FROM operation o JOIN replica r ON r.num = o.replica
        WHERE o.replica = ? AND o.counter BETWEEN ? AND ? ORDER BY o.counter
        """, arguments: [replicaNum, Int64(from), Int64(to)])
    {
      try body(try StoreReader.operation(row))
    }
  }

  static func chain(_ db: Database, replicaNum: Int64, counter: UInt64) throws -> [UInt8] {
    guard
      let data: Data = try db.row(
        sql: "SELECT chain FROM operation WHERE replica = ? AND counter = ?", arguments: [replicaNum, Int64(counter)])?[
          0]
    else { throw StoreError("the log has no operation \(counter) of replica \(replicaNum)") }
    return [UInt8](data)
  }
}

/// Where this store stands with one peer.
public struct PeerSyncStatus: Sendable {
  public let peer: PeerInfo
  /// Operations this store has that the peer did not have when it last wrote to us.
  public let theyLack: UInt64
  /// Operations the peer had then that this store still lacks.
  public let weLack: UInt64
}

extension Store {
  public func syncStatus() throws -> (peers: [PeerSyncStatus], pending: Int, missing: [ReplicaID: ClosedRange<UInt64>])
  {
    let peers = try peers()
    return try read { reader in
      let ours = try reader.vectorClock()
      let statuses = peers.map { peer -> PeerSyncStatus in
        let theirs = peer.lastClock ?? VectorClock()
        let theyLack = ours.missing(from: theirs).values.reduce(0) { $0 + $1.upperBound - $1.lowerBound + 1 }
        let weLack = theirs.missing(from: ours).values.reduce(0) { $0 + $1.upperBound - $1.lowerBound + 1 }
        return PeerSyncStatus(peer: peer, theyLack: theyLack, weLack: weLack)
      }
      let waiting = try reader.db.rows(sql: "SELECT operation FROM pending").map {
        try Op(json: try JSONValue(parsing: $0[0]))
      }
      return (statuses, waiting.count, IncomingOperations.missingRanges(waiting, clock: ours))
    }
  }

  /// The person of each replica this store has heard of, for messages like "needs carol 12..40".
  public func personNames() throws -> [ReplicaID: String] {
    try read { reader in
      Dictionary(
        uniqueKeysWithValues: try reader.db.rows(sql: "SELECT id, person FROM replica").map {
          (ReplicaID(hex: $0[0])!, $0[1] as String)
        })
    }
  }
}
