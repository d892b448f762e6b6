import Crypto
import Foundation
import GlossCore

/// One replica's consecutive operations in a bundle, vouched for by that replica.
public struct BundleRange: Sendable, Equatable {
  public let replica: ReplicaID
  public let person: String
  public let publicKey: [UInt8]
  public let from: UInt64
  public let to: UInt64
  /// The chain hash at `from - 1`; zero when `from` is 1.
  public let previous: [UInt8]
  /// The chain hash at `to`, which `signature` signs.
  public let head: [UInt8]
  public let signature: [UInt8]

  public init(
    replica: ReplicaID, person: String, publicKey: [UInt8], from: UInt64, to: UInt64, previous: [UInt8],
    head: [UInt8], signature: [UInt8]
  ) {
    self.replica = replica
    self.person = person
    self.publicKey = publicKey
    self.from = from
    self.to = to
    self.previous = previous
    self.head = head
    self.signature = signature
  }

  public var count: UInt64 { to - from + 1 }
}

/// Who wrote a bundle.
public struct BundleSender: Sendable, Equatable {
  public let replica: ReplicaID
  public let person: String
  public let publicKey: [UInt8]

  public init(replica: ReplicaID, person: String, publicKey: [UInt8]) {
    self.replica = replica
    self.person = person
    self.publicKey = publicKey
  }

  public var fingerprint: String { Signature.fingerprint(of: publicKey) }
}

/// A bundle that passed every check of `BundleFormat.decode`: its header facts and its
/// operations, in range order. (Not `Bundle`: Foundation has one.)
public struct VerifiedBundle: Sendable {
  public let sender: BundleSender
  /// Everything the sender had when it wrote the bundle.
  public let clock: VectorClock
  /// What the sender assumed the reader has: each range starts just after it.
  public let prerequisites: VectorClock
  public let ranges: [BundleRange]
  public let operations: [Op]
  /// The chain hash of each operation, as verified against its range's signature.
  public let chains: [[UInt8]]
  /// Statements, each signed by its introducer, that a key speaks for a person.
  public let introductions: [Introduction]
  public let created: UInt64

  public init(
    sender: BundleSender, clock: VectorClock, prerequisites: VectorClock, ranges: [BundleRange], operations: [Op],
    chains: [[UInt8]], introductions: [Introduction] = [], created: UInt64
  ) {
    self.introductions = introductions
    self.sender = sender
    self.clock = clock
    self.prerequisites = prerequisites
    self.ranges = ranges
    self.operations = operations
    self.chains = chains
    self.created = created
  }
}

/// Why a bundle was refused. Nothing is written when this is thrown.
public struct BundleError: Error, Equatable, CustomStringConvertible {
  public let file: String
  public let offset: Int?
  public let problem: String
  public let remedy: String

  public init(file: String, offset: Int? = nil, problem: String, remedy: String) {
    self.file = file
    self.offset = offset
    self.problem = problem
    self.remedy = remedy
  }

  public var description: String {
    "\(file)\(offset.map { " (byte \($0))" } ?? ""): \(problem); \(remedy)"
  }
}
