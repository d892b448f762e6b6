import GlossCore
import Testing

@_spi(Fuzzing) @testable import GlossBundle

/// A reader refuses what a conforming writer never writes: ids that are not the ones the
/// operation derives, and operations not in the canonical form the chain hash is taken
/// over (BUNDLE.md §3.1). Each refusal names what is wrong, not "forged" for a mere
/// encoding difference.
@Suite struct CanonicalFormTests {
  let alice = SigningIdentity()
  let replica = ReplicaID(high: 0xa11ce, low: 1)
  let publication = Publication(authors: ["Bruix J"], title: "Regorafenib after sorafenib", year: 2017)

  func dot(_ counter: UInt64) -> Dot { Dot(replica: replica, counter: counter) }

  /// A correctly signed bundle of `operations`, counters from 1.
  func bundle(_ operations: [Op]) throws -> [UInt8] {
    var head = ChainHash.zero
    for op in operations { head = ChainHash.next(head, op) }
    let to = UInt64(operations.count)
    let range = BundleRange(
      replica: replica, person: "alice", publicKey: alice.publicKey, from: 1, to: to, previous: ChainHash.zero,
      head: head, signature: try alice.sign(ChainHash.signedMessage(replica: replica, counter: to, head: head)))
    return try BundleFormat.encode(
      sender: BundleSender(replica: replica, person: "alice", publicKey: alice.publicKey), signer: alice,
      clock: VectorClock([replica: to]), prerequisites: VectorClock(), ranges: [range], operations: operations,
      created: 0)
  }

  func refusal(_ bytes: [UInt8]) -> BundleError? { BundleFormat.refusal(of: bytes, file: "crafted.gloss") }

  func create(target: String? = nil) -> Op {
    Op(
      dot: dot(1), timestamp: HLCTimestamp(milliseconds: 1_000), person: "alice",
      target: target ?? publication.id.text, body: .createRecord(publication))
  }

  @Test func aRecordCreatedUnderAnotherIdIsRefused() throws {
    let forged = try #require(refusal(try bundle([create(target: "aaaaaaaaaaaa")])))
    #expect(
      forged.problem.contains("targets aaaaaaaaaaaa, but the id it derives is \(publication.id.text): a forged id"))
    #expect(refusal(try bundle([create()])) == nil, "the genuine id is accepted")
  }

  @Test func aNoteCreatedUnderAnotherIdIsRefused() throws {
    func note(_ id: String) -> Op {
      Op(
        dot: dot(2), timestamp: HLCTimestamp(milliseconds: 2_000), person: "alice", target: id,
        body: .createNote(record: publication.id, text: "see figure 2", anchor: nil), requires: [dot(1)])
    }
    let forged = try #require(refusal(try bundle([create(), note("bbbbbbbbbb")])))
    #expect(forged.problem.contains("(note.create) targets bbbbbbbbbb, but the id it derives is"))
    #expect(refusal(try bundle([create(), note(NoteID.make(for: dot(2)))])) == nil)
  }

  @Test func aPersonNamedOutsideNFCIsRefused() throws {
    let decomposed = "Jose\u{301}"
    #expect(decomposed == "Jos\u{E9}", "Swift's == cannot tell the spellings apart")
    var head = ChainHash.zero
    let op = Op(
      dot: dot(1), timestamp: HLCTimestamp(milliseconds: 1_000), person: decomposed, target: publication.id.text,
      body: .createRecord(publication))
    head = ChainHash.next(head, op)
    let range = BundleRange(
      replica: replica, person: decomposed, publicKey: alice.publicKey, from: 1, to: 1, previous: ChainHash.zero,
      head: head, signature: try alice.sign(ChainHash.signedMessage(replica: replica, counter: 1, head: head)))
    let bytes = try BundleFormat.encode(
      sender: BundleSender(replica: replica, person: decomposed, publicKey: alice.publicKey), signer: alice,
      clock: VectorClock([replica: 1]), prerequisites: VectorClock(), ranges: [range], operations: [op], created: 0)
    let refused = try #require(refusal(bytes))
    #expect(refused.problem.contains("in a form other than Unicode NFC"))
    #expect(refused.remedy.contains("do not trust this file"))
  }

  /// A body of one `status.set` of replica `replica` at counter 3, with the given raw dot
  /// lists (replica index 0, counters) and no normalisation: what another writer might send.
  func statusBody(supersedes: [UInt64], requires: [UInt64]) -> [UInt8] {
    var body = ByteWriter()
    body.varint(1)
    body.raw(replica.bytes)
    body.varint(1)
    body.string(publication.id.text)
    body.byte(UInt8(OperationCodec.kinds.firstIndex(of: "status.set")!))
    body.signed(5_000 << 16)
    body.varint(0)
    body.byte(UInt8(ReadingStatus.allCases.firstIndex(of: .read)!))
    for list in [supersedes, requires] {
      body.varint(UInt64(list.count))
      for counter in list {
        body.varint(0)
        body.varint(counter)
      }
    }
    return body.bytes
  }

  var rangeAtThree: [BundleRange] {
    [
      BundleRange(
        replica: replica, person: "alice", publicKey: alice.publicKey, from: 3, to: 3, previous: ChainHash.zero,
        head: ChainHash.zero, signature: [UInt8](repeating: 0, count: 64))
    ]
  }

  func bodyRefusal(_ body: [UInt8]) -> String? {
    do {
      _ = try BundleFormat.decodeOperations(body, ranges: rangeAtThree)
      return nil
    } catch {
      return (error as? ByteReader.Malformed)?.reason ?? "\(error)"
    }
  }

  @Test func dotListsMustBeSortedUniqueAndDisjoint() throws {
    #expect(bodyRefusal(statusBody(supersedes: [1, 2], requires: [])) == nil)
    let unsorted = try #require(bodyRefusal(statusBody(supersedes: [2, 1], requires: [])))
    #expect(unsorted.contains("dots that are not sorted or repeat"))
    let repeated = try #require(bodyRefusal(statusBody(supersedes: [1], requires: [2, 2])))
    #expect(repeated.contains("dots that are not sorted or repeat"))
    let overlapping = try #require(bodyRefusal(statusBody(supersedes: [1], requires: [1])))
    #expect(overlapping.contains("is not in canonical form (a dot both in supersedes and in requires)"))
  }

  /// A body of one operation of `kind` on the record, with no dots: its string table holds
  /// the record id and `text`, and its payload is `payload` (which refers to `text` as
  /// string 1).
  func body(_ kind: String, text: String, payload: [UInt8]) -> [UInt8] {
    var body = ByteWriter()
    body.varint(0)
    body.varint(2)
    body.string(publication.id.text)
    body.string(text)
    body.byte(UInt8(OperationCodec.kinds.firstIndex(of: kind)!))
    body.signed(5_000 << 16)
    body.varint(0)
    body.raw(payload)
    body.varint(0)
    body.varint(0)
    return body.bytes
  }

  /// One `record.set` of pages whose value is the given JSON text.
  func setBody(_ valueText: String) -> [UInt8] {
    body("record.set", text: valueText, payload: [UInt8(RecordField.allCases.firstIndex(of: .pages)!), 1])
  }

  @Test func aValueThatIsNotCanonicalJSONIsRefusedAsSuch() throws {
    #expect(bodyRefusal(setBody("\"56-67\"")) == nil)
    for text in [" \"56-67\"", "\"56\\u002d67\"", "\"56-67\"\n"] {
      let refusal = try #require(bodyRefusal(setBody(text)), "\(text) was accepted")
      #expect(refusal.contains("a record.set value that is not canonical JSON"))
    }
  }

  /// One `record.create` whose payload is the given JSON text.
  func createBody(_ payloadText: String) -> [UInt8] { body("record.create", text: payloadText, payload: [1]) }

  @Test func aCreationWithUnknownMembersOrUnsortedTopicsIsRefusedAsSuch() throws {
    let canonical = OperationBody.createRecord(publication).canonicalPayload
    #expect(bodyRefusal(createBody(canonical)) == nil)
    var withTopics = publication
    withTopics.topics = ["b", "a"]
    let unsorted = OperationBody.createRecord(withTopics).canonicalPayload.replacingOccurrences(
      of: "\"topics\":[\"a\",\"b\"]", with: "\"topics\":[\"b\",\"a\"]")
    #expect(unsorted != OperationBody.createRecord(withTopics).canonicalPayload)
    let extra = canonical.replacingOccurrences(of: "{", with: "{\"zzz\":1,")
    for text in [unsorted, extra] {
      let refusal = try #require(bodyRefusal(createBody(text)), "\(text) was accepted")
      #expect(refusal.contains("a record.create payload that is not in canonical form"))
    }
  }
}
