import GlossCore
import Testing

@testable import GlossBundle

/// Decoding ahead on another thread (`forEachOperationDecodedAhead`) must visit exactly
/// what the plain visit does, in the same order, and stop cleanly when the visit fails.
@Suite struct OperationPrefetchTests {
  /// A signed bundle of `count` tag and status operations of one replica, over two ranges.
  static func bundle(count: Int) throws -> VerifiedBundle {
    let identity = SigningIdentity()
    let replica = ReplicaID(high: 7, low: 9)
    var operations: [Op] = []
    var heads: [[UInt8]] = [ChainHash.zero]
    // Varied like real operations: a body that compresses far better than real ones is
    // refused as a likely decompression bomb.
    var random = SplitMix64(seed: UInt64(count))
    var milliseconds: UInt64 = 1_700_000_000_000
    for counter in 1...UInt64(count) {
      milliseconds += random.next() % 100_000
      let body: OperationBody =
        counter % 3 == 0 ? .setStatus(.read) : .addTag("topic-\(String(random.next() % 1_000_000, radix: 36))")
      let op = Op(
        dot: Dot(replica: replica, counter: counter), timestamp: HLCTimestamp(milliseconds: milliseconds),
        person: "alice", target: String(random.next(), radix: 36), body: body)
      operations.append(op)
      heads.append(ChainHash.next(heads.last!, op))
    }
    let split = UInt64(count / 3)
    let ranges = try [(1, split), (split + 1, UInt64(count))].map { from, to in
      BundleRange(
        replica: replica, person: "alice", publicKey: identity.publicKey, from: from, to: to,
        previous: heads[Int(from) - 1], head: heads[Int(to)],
        signature: try identity.sign(ChainHash.signedMessage(replica: replica, counter: to, head: heads[Int(to)])))
    }
    let bytes = try BundleFormat.encode(
      sender: BundleSender(replica: replica, person: "alice", publicKey: identity.publicKey), signer: identity,
      clock: VectorClock([replica: UInt64(count)]), prerequisites: VectorClock(), ranges: ranges,
      operations: operations, created: 0)
    return try BundleFormat.decode(bytes, file: "many.gloss")
  }

  @Test(arguments: [10, 1_024, 1_025, 9_000])
  func visitsWhatThePlainVisitVisitsInOrder(count: Int) throws {
    let bundle = try Self.bundle(count: count)
    var plain: [(Op, ChainLink, String)] = []
    bundle.forEachOperation { plain.append(($0, $1, $2)) }
    var ahead: [(Op, ChainLink, String)] = []
    try bundle.forEachOperationDecodedAhead { ahead.append(($0, $1, $2)) }
    #expect(ahead.count == count)
    #expect(ahead.map(\.0) == plain.map(\.0))
    #expect(ahead.map(\.1) == plain.map(\.1))
    #expect(ahead.map(\.2) == plain.map(\.2))
  }

  struct Refused: Error {}

  @Test func aFailingVisitStopsTheDecodingAndIsThrown() throws {
    let bundle = try Self.bundle(count: 20_000)
    var visited = 0
    #expect(throws: Refused.self) {
      try bundle.forEachOperationDecodedAhead { _, _, _ in
        visited += 1
        if visited == 3_000 { throw Refused() }
      }
    }
    #expect(visited == 3_000)
    // The bundle is whole after the thread let go of it: it visits again from the start.
    var again = 0
    try bundle.forEachOperationDecodedAhead { op, _, _ in
      again += 1
      #expect(op.dot.counter == UInt64(again))
    }
    #expect(again == 20_000)
  }
}
