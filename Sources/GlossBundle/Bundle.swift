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

/// A bundle that passed every check of `Protocol/BUNDLE.md` §4 that needs no store, its
/// operations included (`SignedBundle.verified()`): its header facts are the signed
/// bundle's. (Not `Bundle`: Foundation has one.)
///
/// The operations stay in their compact encoding and are decoded again, one at a time,
/// each time they are visited: a million of them take 40 MB encoded and gigabytes as
/// values. Decoding is deterministic and every one of them was decoded to verify the
/// chains, so visiting cannot fail but for the visitor's own error.
@dynamicMemberLookup
public struct VerifiedBundle: Sendable {
  public let signed: SignedBundle

  public subscript<Value>(dynamicMember fact: KeyPath<SignedBundle, Value>) -> Value { signed[keyPath: fact] }

  /// Visits each operation in range order with its place in its replica's chain, which
  /// the ranges' signatures vouch for, and its canonical payload text.
  public func forEachOperation(_ visit: (Op, ChainLink, _ payload: String) throws -> Void) throws {
    try signed.forEachOperation(visit)
  }

  /// Every operation at once, for small bundles and tests.
  public var operations: [Op] {
    var all: [Op] = []
    all.reserveCapacity(signed.operationCount)
    do {
      try signed.forEachOperation { op, _, _ in all.append(op) }
    } catch {
      preconditionFailure("a verified body no longer decodes: \(error)")
    }
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
