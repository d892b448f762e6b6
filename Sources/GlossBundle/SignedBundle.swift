import Crypto
import GlossCore

/// A bundle whose framing, checksum, signature and header checked out (`Protocol/BUNDLE.md`
/// §4, steps 1–7) and whose body decompressed to exactly the size its header announced:
/// every byte of it is the sender's. Its operations are not decoded yet, so steps 8 and 9
/// (each operation well formed and canonical, each range's chain ending at the head its
/// key signed) are still to come.
///
/// They come in one of two ways. `verified()` runs them all before anything acts on the
/// bundle, for a reader that must know first (a shared folder's files, any of which may be
/// hostile; a refusal that must name the first check that fails). The visits run them on
/// the way: a store applies the operations in a transaction that commits only if the
/// visit ends without error, so a million operations are decoded and hashed once, not once
/// to verify and again to apply. The ranges' heads are compared after the last operation,
/// so a visitor keeps nothing it did unless the visit returns.
public struct SignedBundle: Sendable {
  /// The file's name as messages show it.
  public let file: String
  public let sender: BundleSender
  /// Everything the sender had when it wrote the bundle.
  public let clock: VectorClock
  /// What the sender assumed the reader has: each range starts just after it.
  public let prerequisites: VectorClock
  public let ranges: [BundleRange]
  /// Statements, each signed by its introducer, that a key speaks for a person.
  public let introductions: [Introduction]
  public let created: UInt64
  /// The decompressed body.
  let body: [UInt8]
  /// How much text the operations may refer to in all (`OperationDecoder`).
  let textLimit: Int
  /// Where the header and the body start in the file, for messages.
  let headerOffset: Int
  let bodyOffset: Int

  /// How many operations the ranges hold.
  public var operationCount: Int { ranges.reduce(0) { $0 + Int($1.count) } }

  /// Checks steps 8 and 9 over the whole body before anything acts on it. Above a thousand
  /// operations, one core decodes while the other writes each canonical text and hashes
  /// the chain (`DecodedOperations`).
  public func verified() throws(BundleError) -> VerifiedBundle {
    var operations: DecodedOperations
    do {
      operations = DecodedOperations(try decoder(), count: operationCount)
    } catch {
      throw malformed(error)
    }
    defer { operations.stop() }
    var chains = ChainCheck(ranges)
    do throws(ByteReader.Malformed) {
      while let decoded = try operations.next() {
        _ = try chains.link(decoded.op, payload: decoded.payload, offset: decoded.offset)
      }
    } catch {
      throw malformed(error)
    }
    try checkHeads(chains)
    return VerifiedBundle(signed: self)
  }

  /// Visits each operation in range order with its place in its replica's chain and its
  /// canonical payload text (written once here, for the chain hash; the store logs it),
  /// checking steps 8 and 9 on the way. A fault of the body is thrown as the
  /// `BundleError` that `verified()` throws, after the operations before it were visited;
  /// a forged range, after the last. A visitor's own error ends the visit as it is.
  public func forEachOperation(_ visit: (Op, ChainLink, _ payload: String) throws -> Void) throws {
    var decoder: OperationDecoder
    do {
      decoder = try self.decoder()
    } catch {
      throw malformed(error)
    }
    var chains = ChainCheck(ranges)
    while true {
      let op: Op
      let payload: String
      let link: ChainLink
      do throws(ByteReader.Malformed) {
        let offset = decoder.offset
        guard let next = try decoder.next() else { break }
        (op, payload) = next
        link = try chains.link(op, payload: payload, offset: offset)
      } catch {
        throw malformed(error)
      }
      try visit(op, link, payload)
    }
    try checkHeads(chains)
  }

  func decoder() throws(ByteReader.Malformed) -> OperationDecoder {
    try OperationDecoder(body, ranges: ranges, textLimit: textLimit)
  }

  func malformed(_ error: ByteReader.Malformed) -> BundleError {
    let problem = "has a malformed body at byte \(error.offset) of the decompressed operations: \(error.reason)"
    return BundleError(
      file: file, offset: bodyOffset, problem: problem, remedy: error.remedy ?? "ask the sender to export it again")
  }

  /// Step 9 once the body has ended: each range's chain ends at its head, whose signature
  /// verifies under the range's key.
  func checkHeads(_ chains: ChainCheck) throws(BundleError) {
    for (range, head) in zip(ranges, chains.heads) {
      guard head == range.head,
        Signature.isValid(
          range.signature, of: ChainHash.signedMessage(replica: range.replica, counter: range.to, head: range.head),
          publicKey: range.publicKey)
      else {
        throw BundleError(
          file: file, offset: headerOffset,
          problem:
            "carries operations \(range.from)...\(range.to) of \(SafeText.escaped(range.person)) (\(range.replica.short)) that \(SafeText.escaped(range.person))'s key did not sign",
          remedy: "do not trust this file: someone changed or forged those operations")
      }
    }
  }
}

/// Each range's chain over the operations in the order a decoder yields them (range order):
/// the canonical text of each, refused if it holds U+0000, hashed onto the one before.
struct ChainCheck {
  private let ranges: [BundleRange]
  private var range = 0
  private var left: UInt64
  private var previous: [UInt8]
  /// The chain at the end of each range finished so far.
  private(set) var heads: [[UInt8]] = []

  init(_ ranges: [BundleRange]) {
    self.ranges = ranges
    left = ranges.first?.count ?? 0
    previous = ranges.first?.previous ?? ChainHash.zero
    heads.reserveCapacity(ranges.count)
  }

  /// The next operation's link; `offset` is where it starts in the body.
  mutating func link(_ op: Op, payload: String, offset: Int) throws(ByteReader.Malformed) -> ChainLink {
    let text = op.canonicalBytes(payload: payload)
    guard !JSONValue.holdsNUL(canonical: text) else {
      throw ByteReader.Malformed(
        offset: offset,
        reason:
          "operation \(op.dot.counter) of \(SafeText.escaped(op.person)) (\(op.kind)) holds the character U+0000, which no string may hold (MERGE.md §1)"
      )
    }
    let chain = ChainHash.next(previous, canonical: text)
    let link = ChainLink(previous: previous, chain: chain)
    previous = chain
    left -= 1
    if left == 0 {
      heads.append(chain)
      range += 1
      if range < ranges.count {
        left = ranges[range].count
        previous = ranges[range].previous
      }
    }
    return link
  }
}
