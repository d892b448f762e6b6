import Foundation
import GlossCore
import Testing

@_spi(Fuzzing) @testable import GlossBundle

/// A small signed bundle: alice's five operations of every kind.
struct SampleBundle {
  let alice: SigningIdentity
  let aliceID: ReplicaID
  let operations: [Op]
  let ranges: [BundleRange]
  let bytes: [UInt8]

  init() throws {
    let alice = SigningIdentity()
    let aliceID = ReplicaID(high: 0x1111, low: 0x2222)
    self.alice = alice
    self.aliceID = aliceID
    let publication = Publication(
      authors: ["Bruix J"], etAl: true, title: "Regorafenib après sorafenib", journal: "Lancet", year: 2017,
      date: "2017", abstract: [AbstractSection(label: "FINDINGS", text: "Hazard ratio 0·63; IĸBα ≥ 2 μg")],
      topics: ["Sorafenib"], sources: ["page.txt"])
    let id = publication.id.text
    func dot(_ counter: UInt64) -> Dot { Dot(replica: aliceID, counter: counter) }
    func stamp(_ ms: UInt64) -> HLCTimestamp { HLCTimestamp(milliseconds: 1_700_000_000_000 + ms) }
    let note = NoteID.make(for: dot(3))
    let operations: [Op] = [
      Op(dot: dot(1), timestamp: stamp(0), person: "alice", target: id, body: .createRecord(publication)),
      Op(dot: dot(2), timestamp: stamp(5), person: "alice", target: id, body: .addTag("HCC"), requires: [dot(1)]),
      Op(
        dot: dot(3), timestamp: stamp(9), person: "alice", target: note,
        body: .createNote(
          record: publication.id, text: "see \"figure 2\"",
          anchor: TextAnchor.locate("0·63", in: publication)), requires: [dot(1)]),
      Op(
        dot: dot(4), timestamp: stamp(9), person: "alice", target: note, body: .editNote("see figure 3"),
        supersedes: [dot(3)], requires: [dot(3)]),
      Op(dot: dot(5), timestamp: stamp(3), person: "alice", target: id, body: .setStatus(.reading), requires: [dot(1)]),
      Op(
        dot: dot(6), timestamp: stamp(12), person: "alice", target: id, body: .setField(.pages, .string("56-67")),
        supersedes: [dot(1)], requires: [dot(1)]),
      Op(
        dot: dot(7), timestamp: stamp(13), person: "alice", target: id, body: .removeTag("hcc"), supersedes: [dot(2)],
        requires: [dot(1)]),
      Op(
        dot: dot(8), timestamp: stamp(14), person: "alice", target: note, body: .deleteNote, supersedes: [dot(4)],
        requires: [dot(3)]),
      Op(
        dot: dot(9), timestamp: stamp(15), person: "alice", target: id,
        body: .saySource(source: "library.bib", fields: [.title: .string("Another title"), .doi: .string("10.1/x")]),
        requires: [dot(1)]),
      Op(
        dot: dot(10), timestamp: stamp(16), person: "alice", target: id,
        body: .mergeRecord(into: Publication(title: "The same paper, from PubMed").id), requires: [dot(1)]),
      Op(
        dot: dot(11), timestamp: stamp(17), person: "alice", target: id,
        body: .unmergeRecord(from: Publication(title: "The same paper, from PubMed").id), supersedes: [dot(10)],
        requires: [dot(1)]),
    ]
    self.operations = operations
    var head = ChainHash.zero
    for op in operations { head = ChainHash.next(head, op) }
    let range = BundleRange(
      replica: aliceID, person: "alice", publicKey: alice.publicKey, from: 1, to: UInt64(operations.count),
      previous: ChainHash.zero, head: head,
      signature: try alice.sign(
        ChainHash.signedMessage(replica: aliceID, counter: UInt64(operations.count), head: head)))
    ranges = [range]
    bytes = try BundleFormat.encode(
      sender: BundleSender(replica: aliceID, person: "alice", publicKey: alice.publicKey), signer: alice,
      clock: VectorClock([aliceID: UInt64(operations.count)]), prerequisites: VectorClock(), ranges: ranges,
      operations: operations, created: 1_700_000_000_000)
  }

  /// The same bundle with its header (and magic line) changed and everything re-signed.
  func withHeader(magic: [UInt8] = BundleFormat.magic, _ change: (inout [String: JSONValue]) -> Void) throws
    -> [UInt8]
  {
    let headerStart = BundleFormat.magic.count + 32 + 4 + 8
    let headerLength = bytes[(headerStart - 12)..<(headerStart - 8)].reduce(0) { $0 << 8 | Int($1) }
    guard
      case .object(var header) = try JSONValue(
        parsing: String(decoding: bytes[headerStart..<headerStart + headerLength], as: UTF8.self))
    else { throw BundleError(file: "", problem: "", remedy: "") }
    change(&header)
    let body = bytes[(headerStart + headerLength)..<(bytes.count - 96)]
    return try BundleFormat.frame(
      header: Array(JSONValue.object(header).canonical.utf8), body: Array(body), signer: alice, magic: magic)
  }
}

@Suite struct BundleFormatTests {
  let sample: SampleBundle

  init() throws { sample = try SampleBundle() }

  @Test func roundTripsEveryOperationKind() throws {
    let bundle = try BundleFormat.decode(sample.bytes, file: "sample.gloss")
    #expect(bundle.operations == sample.operations)
    #expect(bundle.ranges == sample.ranges)
    #expect(bundle.sender.person == "alice")
    var links: [ChainLink] = []
    try bundle.forEachOperation { _, link, _ in links.append(link) }
    #expect(links.first?.previous == ChainHash.zero)
    #expect(zip(links, links.dropFirst()).allSatisfy { $0.chain == $1.previous }, "each link continues the last")
    #expect(links.last?.chain == sample.ranges[0].head)
    #expect(Set(sample.operations.map(\.kind)) == Set(OperationBody.kinds))
  }

  @Test func everyTruncationIsRefused() {
    for length in 0..<sample.bytes.count {
      #expect(throws: BundleError.self, "cut at \(length)") {
        _ = try BundleFormat.decode(Array(sample.bytes.prefix(length)), file: "cut.gloss")
      }
    }
  }

  @Test func everySingleBitFlipIsRefused() {
    var bytes = sample.bytes
    for index in bytes.indices {
      for bit in 0..<8 {
        bytes[index] ^= 1 << bit
        #expect(throws: BundleError.self, "bit \(bit) of byte \(index)") {
          _ = try BundleFormat.decode(bytes, file: "flipped.gloss")
        }
        bytes[index] ^= 1 << bit
      }
    }
    #expect(bytes == sample.bytes)
  }

  @Test func truncationMessagesNameTheFileAndOffset() {
    let cut = Array(sample.bytes.dropLast(10))
    do {
      _ = try BundleFormat.decode(cut, file: "cut.gloss")
      Issue.record("accepted")
    } catch {
      #expect(
        error.description.hasPrefix(
          "cut.gloss (byte \(cut.count)): is truncated: \(cut.count) bytes of the \(sample.bytes.count)"))
    }
  }

  @Test func anUnknownMajorVersionIsRefused() {
    var bytes = sample.bytes
    bytes[BundleFormat.magicPrefix.count] = UInt8(ascii: "3")
    do {
      _ = try BundleFormat.decode(bytes, file: "future.gloss")
      Issue.record("accepted")
    } catch {
      #expect(error.problem.contains("version 3.\(BundleFormat.minor), which this Gloss cannot read"))
    }
  }

  @Test func anOlderMajorVersionSaysWhoMustUpdate() {
    var bytes = sample.bytes
    bytes[BundleFormat.magicPrefix.count] = UInt8(ascii: "1")
    do {
      _ = try BundleFormat.decode(bytes, file: "old.gloss")
      Issue.record("accepted")
    } catch {
      #expect(error.problem.contains("version 1.\(BundleFormat.minor), written by an older Gloss"))
      #expect(error.remedy.contains("ask the sender to update"))
    }
  }

  @Test func aNewerMinorVersionIsRead() throws {
    // The magic line and header are covered by the signature: only a re-signed file says 2.7.
    let bytes = try sample.withHeader(magic: Array("GLOSS BUNDLE 2.7\n".utf8)) { $0["version"] = .string("2.7") }
    #expect(try BundleFormat.decode(bytes, file: "minor.gloss").operations.count == sample.operations.count)
    let mismatched = try sample.withHeader(magic: Array("GLOSS BUNDLE 2.7\n".utf8)) { _ in }
    #expect(throws: BundleError.self) { _ = try BundleFormat.decode(mismatched, file: "mismatch.gloss") }
  }

  @Test func aCountThatDoesNotMatchIsRefused() throws {
    let bytes = try sample.withHeader { $0["operations"] = .int(7) }
    do {
      _ = try BundleFormat.decode(bytes, file: "count.gloss")
      Issue.record("accepted")
    } catch {
      #expect(error.problem.contains("announces 7 operations but its ranges hold \(sample.operations.count)"))
    }
  }

  @Test func aSignatureByAnotherKeyIsRefused() throws {
    let mallory = SigningIdentity()
    let forged = try BundleFormat.encode(
      sender: BundleSender(replica: sample.aliceID, person: "alice", publicKey: sample.alice.publicKey),
      signer: mallory,
      clock: VectorClock(), prerequisites: VectorClock(), ranges: sample.ranges, operations: sample.operations,
      created: 0)
    #expect(throws: BundleError.self) { _ = try BundleFormat.decode(forged, file: "forged.gloss") }
  }

  @Test func changedOperationsUnderTheAuthorsSignatureAreRefused() throws {
    // mallory relays alice's range with one operation changed, signing the bundle herself.
    let mallory = SigningIdentity()
    var changed = sample.operations
    changed[4] = Op(
      dot: changed[4].dot, timestamp: changed[4].timestamp, person: "alice", target: changed[4].target,
      body: .setStatus(.read), requires: changed[4].requires)
    let relay = try BundleFormat.encode(
      sender: BundleSender(replica: ReplicaID(high: 9, low: 9), person: "mallory", publicKey: mallory.publicKey),
      signer: mallory, clock: VectorClock(), prerequisites: VectorClock(), ranges: sample.ranges, operations: changed,
      created: 0)
    do {
      _ = try BundleFormat.decode(relay, file: "relay.gloss")
      Issue.record("a changed relay was accepted")
    } catch {
      #expect(error.problem.contains("that alice's key did not sign"))
    }
  }

  @Test func fingerprintsAreStableAndReadable() {
    let key = [UInt8](repeating: 7, count: 32)
    let fingerprint = Signature.fingerprint(of: key)
    #expect(fingerprint == Signature.fingerprint(of: key))
    #expect(fingerprint.split(separator: "-").map(\.count) == [4, 4, 4, 4])
  }

  @Test func compactEncoding() throws {
    // A mixed tag/status workload: the encoded body stays small per operation.
    let replica = ReplicaID(high: 5, low: 5)
    var operations: [Op] = []
    let origin = Dot(replica: replica, counter: 1)
    for counter in 2...2_001 {
      let dot = Dot(replica: replica, counter: UInt64(counter))
      let target = "record\(counter % 300)".padding(toLength: 12, withPad: "x", startingAt: 0)
      let body: OperationBody = counter % 2 == 0 ? .addTag("topic-\(counter % 20)") : .setStatus(.read)
      operations.append(
        Op(
          dot: dot, timestamp: HLCTimestamp(milliseconds: 1_700_000_000_000 + UInt64(counter) * 37), person: "alice",
          target: target, body: body, requires: [origin]))
    }
    let compressed = try Deflate.compress(OperationCodec.encode(operations))
    #expect(compressed.count / operations.count < 12, "\(compressed.count) bytes for \(operations.count) operations")
  }
}
