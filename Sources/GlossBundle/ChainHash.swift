import Crypto
import GlossCore

/// Each replica's operations form a hash chain: `chain(0)` is 32 zero bytes and
/// `chain(n) = SHA-256(chain(n-1) ‖ canonical JSON of operation n)`. A replica signs the
/// head of its chain, so one 64-byte signature vouches for every operation up to it, and a
/// relay can pass a replica's operations on without being able to change any of them.
public enum ChainHash {
  public static let zero = [UInt8](repeating: 0, count: 32)

  public static func next(_ previous: [UInt8], _ op: Op) -> [UInt8] {
    next(previous, canonical: op.canonicalBytes(payload: op.body.canonicalPayload))
  }

  /// The next link from the operation's canonical JSON text (`Op.canonicalBytes`).
  public static func next(_ previous: [UInt8], canonical: [UInt8]) -> [UInt8] {
    var hasher = SHA256()
    hasher.update(data: previous)
    hasher.update(data: canonical)
    return Array(hasher.finalize())
  }

  /// What a replica signs to vouch for its chain up to `counter`.
  public static func signedMessage(replica: ReplicaID, counter: UInt64, head: [UInt8]) -> [UInt8] {
    Array("gloss-chain/1".utf8) + replica.bytes + (0..<8).map { UInt8(truncatingIfNeeded: counter >> (56 - 8 * $0)) }
      + head
  }
}

/// An operation's place in its replica's hash chain, as a verified bundle gives it.
public struct ChainLink: Sendable, Equatable {
  public let previous: [UInt8]
  public let chain: [UInt8]

  public init(previous: [UInt8], chain: [UInt8]) {
    self.previous = previous
    self.chain = chain
  }
}
