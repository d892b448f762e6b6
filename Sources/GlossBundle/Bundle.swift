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
///
/// The operations stay in their compact encoding and are decoded again, one at a time,
/// each time they are visited: a million of them take 40 MB encoded and gigabytes as
/// values. Decoding is deterministic and the reader decoded every one of them to verify
/// the chain, so visiting cannot fail.
public struct VerifiedBundle: Sendable {
  public let sender: BundleSender
  /// Everything the sender had when it wrote the bundle.
  public let clock: VectorClock
  /// What the sender assumed the reader has: each range starts just after it.
  public let prerequisites: VectorClock
  public let ranges: [BundleRange]
  /// Statements, each signed by its introducer, that a key speaks for a person.
  public let introductions: [Introduction]
  public let created: UInt64
  /// The decompressed body, verified.
  let body: [UInt8]
  let textLimit: Int

  init(
    sender: BundleSender, clock: VectorClock, prerequisites: VectorClock, ranges: [BundleRange],
    introductions: [Introduction], created: UInt64, body: [UInt8], textLimit: Int
  ) {
    self.sender = sender
    self.clock = clock
    self.prerequisites = prerequisites
    self.ranges = ranges
    self.introductions = introductions
    self.created = created
    self.body = body
    self.textLimit = textLimit
  }

  /// How many operations the ranges hold.
  public var operationCount: Int { ranges.reduce(0) { $0 + Int($1.count) } }

  /// Visits each operation in range order with its place in its replica's chain, which
  /// the ranges' signatures vouch for, and its canonical payload text (written once here,
  /// for the chain hash, and again by nobody: the store logs this text).
  public func forEachOperation(_ visit: (Op, ChainLink, _ payload: String) throws -> Void) rethrows {
    var decoder: OperationDecoder
    do {
      decoder = try OperationDecoder(body, ranges: ranges, textLimit: textLimit)
    } catch {
      preconditionFailure("a verified body no longer decodes: \(error.reason)")
    }
    for range in ranges {
      var previous = range.previous
      for _ in range.from...range.to {
        let op: Op
        let payload: String
        do {
          (op, payload) = try decoder.next()!
        } catch {
          preconditionFailure("a verified body no longer decodes: \(error.reason)")
        }
        let chain = ChainHash.next(previous, canonical: op.canonicalBytes(payload: payload))
        try visit(op, ChainLink(previous: previous, chain: chain), payload)
        previous = chain
      }
    }
  }

  /// Every operation at once, for small bundles and tests.
  public var operations: [Op] {
    var all: [Op] = []
    all.reserveCapacity(operationCount)
    forEachOperation { op, _, _ in all.append(op) }
    return all
  }
}

/// Why a bundle was refused. Nothing is written when this is thrown.
public struct BundleError: Error, Equatable, CustomStringConvertible {
  public let file: String
  public let offset: Int?
  public let problem: String
  public let remedy: String
  /// Whether the file shows another copy of the reading store writing under its replica
  /// id: the reader must then publish none of its own operations until it has taken a new
  /// identity, or two histories under one id would spread.
  public let showsCopiedReader: Bool

  public init(file: String, offset: Int? = nil, problem: String, remedy: String, showsCopiedReader: Bool = false) {
    self.file = file
    self.offset = offset
    self.problem = problem
    self.remedy = remedy
    self.showsCopiedReader = showsCopiedReader
  }

  public var description: String {
    "\(file)\(offset.map { " (byte \($0))" } ?? ""): \(problem); \(remedy)"
  }
}
