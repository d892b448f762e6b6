import GlossCore
import Testing

@_spi(Fuzzing) @testable import GlossBundle

/// Operations decoded on another thread (`ChunkPipe`), when verifying a bundle
/// (`DecodedOperations`) and when visiting it (`forEachOperationDecodedAhead`), must be
/// exactly what one thread decodes, in the same order; a refusal must be the same one,
/// and a visit that fails must end there with its error.
@Suite struct DecodingAheadTests {
  /// A signed bundle of `count` tag and status operations of one replica, over two ranges.
  static func bundle(count: Int) throws -> VerifiedBundle {
    try BundleFormat.decode(try signed(count: count).bytes, file: "many.gloss")
  }

  /// The bytes of `bundle(count:)`, its operations and its signer.
  static func signed(count: Int) throws -> (bytes: [UInt8], operations: [Op], signer: SigningIdentity) {
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
    return (bytes, operations, identity)
  }

  /// `bytes` framed again around another decompressed body `raw`, signed by `signer`:
  /// the framing checks out, so what is refused is refused by the body's reader.
  static func reframed(_ bytes: [UInt8], raw: [UInt8], signer: SigningIdentity) throws -> [UInt8] {
    let headerStart = BundleFormat.magic.count + 32 + 4 + 8
    let headerLength = bytes[(headerStart - 12)..<(headerStart - 8)].reduce(0) { $0 << 8 | Int($1) }
    let text = String(decoding: bytes[headerStart..<headerStart + headerLength], as: UTF8.self)
    guard case .object(var header) = try JSONValue(parsing: text) else { throw CancellationError() }
    header["rawBytes"] = .int(Int64(raw.count))
    return try BundleFormat.frame(
      header: Array(JSONValue.object(header).canonical.utf8), body: try Deflate.compress(raw), signer: signer)
  }

  func refusal(_ bytes: [UInt8]) -> String? {
    do throws(BundleError) {
      _ = try BundleFormat.decode(bytes, file: "many.gloss")
      return nil
    } catch {
      return error.description
    }
  }

  @Test(arguments: [1_000, 1_025, 9_000])
  func verifyingFindsTheSameOperationsAsOneThread(count: Int) throws {
    let (bytes, operations, _) = try Self.signed(count: count)
    #expect(try BundleFormat.decode(bytes, file: "many.gloss").operations == operations)
    let raw = OperationCodec.encode(operations)
    #expect(try BundleFormat.decodeOperations(raw, ranges: try Self.bundle(count: count).ranges) == operations)
  }

  @Test func bytesAfterTheLastOperationAreRefusedAtTheirOffset() throws {
    let (bytes, operations, signer) = try Self.signed(count: 9_000)
    let raw = OperationCodec.encode(operations)
    let message = try #require(refusal(try Self.reframed(bytes, raw: raw + [7, 7], signer: signer)))
    #expect(
      message.contains(
        "malformed body at byte \(raw.count) of the decompressed operations: bytes after the last operation"))
  }

  @Test func aBodyCutShortDeepInsideIsRefused() throws {
    let (bytes, operations, signer) = try Self.signed(count: 9_000)
    let raw = OperationCodec.encode(operations)
    let message = try #require(
      refusal(try Self.reframed(bytes, raw: Array(raw.prefix(raw.count - 500)), signer: signer)))
    #expect(message.contains("malformed body at byte"), "\(message)")
  }

  @Test func anOperationChangedDeepInsideBreaksItsRangesSignature() throws {
    let (bytes, operations, signer) = try Self.signed(count: 9_000)
    var changed = operations
    let original = changed[7_000]
    changed[7_000] = Op(
      dot: original.dot, timestamp: original.timestamp, person: original.person, target: original.target,
      body: .setStatus(.skimmed), supersedes: original.supersedes, requires: original.requires)
    let message = try #require(
      refusal(try Self.reframed(bytes, raw: OperationCodec.encode(changed), signer: signer)))
    #expect(message.contains("carries operations 3001...9000 of alice"), "\(message)")
    #expect(message.contains("did not sign"))
  }

  @Test(arguments: [10, 1_024, 1_025, 9_000])
  func visitsWhatThePlainVisitVisitsInOrder(count: Int) throws {
    let bundle = try Self.bundle(count: count)
    var plain: [(Op, ChainLink, String)] = []
    try bundle.forEachOperation { plain.append(($0, $1, $2)) }
    var ahead: [(Op, ChainLink, String)] = []
    try bundle.forEachOperationDecodedAhead { ahead.append(($0, $1, $2)) }
    #expect(ahead.count == count)
    #expect(ahead.map(\.0) == plain.map(\.0))
    #expect(ahead.map(\.1) == plain.map(\.1))
    #expect(ahead.map(\.2) == plain.map(\.2))
  }

  /// A signed bundle is verified as it is visited: what comes before a fault is visited,
  /// and then the fault is thrown as `verified()` would throw it.
  @Test func aSignedBundleVisitsUpToItsFaultAndThrowsWhatVerifyingThrows() throws {
    let (bytes, operations, signer) = try Self.signed(count: 9_000)
    var changed = operations
    changed[7_000] = Op(
      dot: operations[7_000].dot, timestamp: operations[7_000].timestamp, person: "alice",
      target: operations[7_000].target, body: .setStatus(.skimmed))
    let raw = OperationCodec.encode(operations)
    let faults: [(bytes: [UInt8], visitedAtLeast: Int, visitedAtMost: Int)] = [
      // A changed operation: every one is visited, its range's head is compared after.
      (try Self.reframed(bytes, raw: OperationCodec.encode(changed), signer: signer), 9_000, 9_000),
      // A body cut short: what decodes before the cut is visited.
      (try Self.reframed(bytes, raw: Array(raw.prefix(raw.count - 500)), signer: signer), 8_500, 8_999),
      (try Self.reframed(bytes, raw: raw + [7, 7], signer: signer), 9_000, 9_000),
    ]
    for (faulty, least, most) in faults {
      // Bound first: a failed expectation would print the bytes it was given.
      let refused = refusal(faulty)
      let expected = try #require(refused)
      let signed = try BundleFormat.open(faulty, file: "many.gloss")
      var counts: [Int] = []
      for decodedAhead in [false, true] {
        var visited = 0
        do {
          let visit = { (_: Op, _: ChainLink, _: String) in visited += 1 }
          if decodedAhead {
            try signed.forEachOperationDecodedAhead(visit)
          } else {
            try signed.forEachOperation(visit)
          }
          Issue.record("a faulty body was visited without a refusal")
        } catch let error as BundleError {
          #expect(error.description == expected)
        }
        #expect((least...most).contains(visited), "\(visited) visited")
        counts.append(visited)
      }
      #expect(counts[0] == counts[1], "both visits reach the fault at the same operation")
    }
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
    // A stopped visit leaves nothing behind: the next one starts from the first operation.
    var again = 0
    try bundle.forEachOperationDecodedAhead { op, _, _ in
      again += 1
      #expect(op.dot.counter == UInt64(again))
    }
    #expect(again == 20_000)
  }
}
