import Crypto
import GlossCore

/// Reads a bundle file in the order `Protocol/BUNDLE.md` §4 prescribes: the fixed-size
/// framing, then the checksum and the framing key's signature, and only then the header
/// (JSON, depth-bounded) and the body, which it decompresses; `SignedBundle` decodes the
/// operations. Every count, length, index and range is checked
/// against `BundleLimits` and against the bytes actually present before anything is
/// allocated for it, so a hostile file costs a bounded amount of memory and time and ends
/// in one `BundleError`.
struct BundleReader {
  let bytes: [UInt8]
  let file: String

  func fail(_ offset: Int?, _ problem: String, _ remedy: String = "ask the sender to export it again") -> BundleError {
    BundleError(file: file, offset: offset, problem: problem, remedy: remedy)
  }

  func read() throws(BundleError) -> SignedBundle {
    let framing = try readFraming()
    let header = try readHeader(framing)
    let body = try readBody(framing, header)
    return SignedBundle(
      file: file, sender: header.sender, clock: header.clock, prerequisites: header.prerequisites,
      ranges: header.ranges, introductions: header.introductions, created: header.created, body: body,
      textLimit: textLimit(framing), headerOffset: framing.headerStart, bodyOffset: framing.headerEnd)
  }

  /// How much text the operations may refer to in all (`OperationDecoder`).
  func textLimit(_ framing: Framing) -> Int {
    BundleLimits.maximumRawBytes(bodyBytes: framing.bodyEnd - framing.headerEnd)
  }

  /// Where the parts of the file are, once its length, checksum and signature check out.
  struct Framing {
    let key: [UInt8]
    let headerStart: Int
    let headerEnd: Int
    let bodyEnd: Int
    let version: String
  }

  func readFraming() throws(BundleError) -> Framing {
    guard bytes.count <= BundleLimits.maximumFileBytes else {
      throw fail(
        nil, "is \(bytes.count) bytes, more than the \(BundleLimits.maximumFileBytes >> 20) MiB a bundle may have",
        "do not import it; a real bundle is far smaller")
    }
    let magic = BundleFormat.magicPrefix
    guard bytes.starts(with: magic) else {
      if bytes.isEmpty { throw fail(nil, "is empty, not a Gloss bundle") }
      if magic.starts(with: bytes) { throw fail(bytes.count, "is truncated (it ends inside the magic line)") }
      throw fail(0, "is not a Gloss bundle (no 'GLOSS BUNDLE' magic line)", "check that you picked the right file")
    }
    guard let newline = bytes.prefix(32).firstIndex(of: 0x0A) else {
      throw fail(
        bytes.count < 32 ? bytes.count : magic.count,
        bytes.count < 32 ? "is truncated (it ends inside the magic line)" : "has a malformed version line")
    }
    let version = String(decoding: bytes[magic.count..<newline], as: UTF8.self)
    let parts = version.split(separator: ".", omittingEmptySubsequences: false)
    guard parts.count == 2,
      parts.allSatisfy({ !$0.isEmpty && $0.count <= 4 && $0.allSatisfy({ ("0"..."9").contains($0) }) }),
      let fileMajor = Int(parts[0])
    else {
      throw fail(magic.count, "has a malformed version '\(SafeText.escaped(version))'")
    }
    guard fileMajor == BundleFormat.major else {
      if fileMajor < BundleFormat.major {
        throw fail(
          magic.count, "is bundle format version \(version), written by an older Gloss",
          "ask the sender to update Gloss and sync again (a shared folder heals by itself once they do)")
      }
      throw fail(
        magic.count,
        "is bundle format version \(version), which this Gloss cannot read (it reads \(BundleFormat.major).x)",
        "update Gloss, or ask the sender to export with a matching version")
    }
    let keyStart = newline + 1
    let headerStart = keyStart + 32 + 4 + 8
    guard bytes.count >= headerStart else { throw fail(bytes.count, "is truncated (it ends inside its framing)") }
    let headerLength = bytes[(keyStart + 32)..<(keyStart + 36)].reduce(0) { $0 << 8 | Int($1) }
    let bodyLength = bytes[(keyStart + 36)..<headerStart].reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
    guard headerLength <= BundleLimits.maximumHeaderBytes else {
      throw fail(
        keyStart + 32,
        "announces a header of \(headerLength) bytes, more than the \(BundleLimits.maximumHeaderBytes >> 20) MiB allowed"
      )
    }
    guard bodyLength <= UInt64(BundleLimits.maximumFileBytes) else {
      throw fail(keyStart + 36, "announces a body of \(bodyLength) bytes, more than a bundle may have")
    }
    let expected = headerStart + headerLength + Int(bodyLength) + BundleFormat.trailerBytes
    guard bytes.count >= expected else {
      throw fail(
        bytes.count,
        "is truncated: \(bytes.count) bytes of the \(expected) its framing announces (a copy still arriving?)",
        "wait for the copy to finish, or ask the sender to export it again")
    }
    guard bytes.count == expected else {
      throw fail(expected, "has \(bytes.count - expected) unexpected bytes after its signature")
    }
    let bodyEnd = bytes.count - BundleFormat.trailerBytes
    let checksum = Array(SHA256.hash(data: bytes[0..<bodyEnd]))
    guard checksum.elementsEqual(bytes[bodyEnd..<bodyEnd + 32]) else {
      throw fail(bodyEnd, "fails its SHA-256 checksum: the file is damaged or was cut short")
    }
    let key = Array(bytes[keyStart..<keyStart + 32])
    guard Signature.isValid(bytes[(bodyEnd + 32)...], of: BundleFormat.signatureContext + checksum, publicKey: key)
    else {
      throw fail(bodyEnd + 32, "has a bad signature: it was not signed by the key it names", "do not trust this file")
    }
    return Framing(
      key: key, headerStart: headerStart, headerEnd: headerStart + headerLength, bodyEnd: bodyEnd, version: version)
  }

  /// The header's facts, each checked.
  struct Header {
    let sender: BundleSender
    let clock: VectorClock
    let prerequisites: VectorClock
    let ranges: [BundleRange]
    let introductions: [Introduction]
    let operations: Int
    let rawBytes: Int
    let created: UInt64
  }

  func readHeader(_ framing: Framing) throws(BundleError) -> Header {
    let start = framing.headerStart
    guard let text = String(validating: bytes[start..<framing.headerEnd], as: UTF8.self) else {
      throw fail(start, "has a header that is not UTF-8")
    }
    let header: JSONValue
    do {
      header = try JSONValue(parsing: text)
    } catch {
      throw fail(start + error.offset, "has a damaged header (\(error.reason))")
    }
    guard header["format"]?.stringValue == "gloss-bundle", header["version"]?.stringValue == framing.version else {
      throw fail(start, "has a header whose format and version do not match its magic line")
    }
    guard let sender = Self.senderOf(header) else { throw fail(start, "has a header without a valid sender") }
    try checkNFC(sender.person, at: start)
    guard sender.publicKey == framing.key else {
      throw fail(start, "names a sender key in its header other than the key that signed it", "do not trust this file")
    }
    let bodyBytes = framing.bodyEnd - framing.headerEnd
    guard let clock = VectorClock(json: header["clock"]),
      let prerequisites = VectorClock(json: header["prerequisites"]),
      let rangeValues = header["ranges"]?.arrayValue, let introductionValues = header["introductions"]?.arrayValue,
      let count = header["operations"]?.intValue, let rawBytes = header["rawBytes"]?.intValue,
      let created = header["created"]?.intValue, created >= 0
    else { throw fail(start, "has an incomplete header") }
    let maximumOperations = BundleLimits.maximumOperations(bodyBytes: bodyBytes)
    guard count >= 0, count <= maximumOperations else {
      throw fail(start, "announces \(count) operations, more than its \(bodyBytes)-byte body can hold")
    }
    let maximumRaw = BundleLimits.maximumRawBytes(bodyBytes: bodyBytes)
    guard rawBytes >= 0, rawBytes <= maximumRaw else {
      throw fail(
        start, "claims its \(bodyBytes)-byte body expands to \(rawBytes) bytes, more than the \(maximumRaw) allowed")
    }
    guard rangeValues.count <= count else { throw fail(start, "has more ranges than operations") }
    var ranges: [BundleRange] = []
    var announced = 0
    for value in rangeValues {
      guard let range = Self.rangeOf(value) else { throw fail(start, "has a malformed range in its header") }
      try checkNFC(range.person, at: start)
      // Each range's size is checked against what is left before it is added: no overflow.
      guard range.count <= UInt64(maximumOperations - announced) else {
        throw fail(start, "has ranges that hold more operations than its body can")
      }
      announced += Int(range.count)
      ranges.append(range)
    }
    guard announced == count else {
      throw fail(start, "announces \(count) operations but its ranges hold \(announced)")
    }
    guard introductionValues.count <= BundleLimits.maximumIntroductions else {
      throw fail(start, "carries more than \(BundleLimits.maximumIntroductions) key introductions")
    }
    var introductions: [Introduction] = []
    for value in introductionValues {
      guard let introduction = Introduction(json: value), introduction.isSigned else {
        throw fail(start, "carries a key introduction whose signature does not verify", "do not trust this file")
      }
      try checkNFC(introduction.person, at: start)
      introductions.append(introduction)
    }
    return Header(
      sender: sender, clock: clock, prerequisites: prerequisites, ranges: ranges, introductions: introductions,
      operations: Int(count), rawBytes: Int(rawBytes), created: UInt64(created))
  }

  /// The decompressed body, exactly as long as the header announced; its operations are
  /// decoded later (`SignedBundle`).
  func readBody(_ framing: Framing, _ header: Header) throws(BundleError) -> [UInt8] {
    do {
      return try Deflate.decompress(bytes[framing.headerEnd..<framing.bodyEnd], expectedSize: header.rawBytes)
    } catch {
      throw fail(framing.headerEnd, "has a body that does not decompress (\(error))")
    }
  }

  /// A person's name is an identifier compared by its bytes (keys, statuses and
  /// introductions are filed under it), and Gloss writes it in NFC. Another spelling of a
  /// known name would look like that person to people and be someone else to the store.
  func checkNFC(_ person: String, at offset: Int) throws(BundleError) {
    guard person.isNFC else {
      throw fail(
        offset,
        "names the person '\(SafeText.escaped(person))' in a form other than Unicode NFC: it would look like another spelling of a name it is not",
        "do not trust this file; ask the sender which Gloss wrote it")
    }
  }

  static func senderOf(_ header: JSONValue) -> BundleSender? {
    guard let sender = header["sender"], let replica = sender["replica"]?.stringValue.flatMap(ReplicaID.init(hex:)),
      let person = sender["person"]?.stringValue, let key = sender["key"]?.stringValue.flatMap(Hex.decode),
      key.count == 32
    else { return nil }
    return BundleSender(replica: replica, person: person, publicKey: key)
  }

  static func rangeOf(_ value: JSONValue) -> BundleRange? {
    guard let replica = value["replica"]?.stringValue.flatMap(ReplicaID.init(hex:)),
      let person = value["person"]?.stringValue, let key = value["key"]?.stringValue.flatMap(Hex.decode),
      key.count == 32,
      let from = value["from"]?.intValue, let to = value["to"]?.intValue, from >= 1, to >= from,
      let previous = value["previous"]?.stringValue.flatMap(Hex.decode), previous.count == 32,
      let head = value["head"]?.stringValue.flatMap(Hex.decode), head.count == 32,
      let signature = value["signature"]?.stringValue.flatMap(Hex.decode), signature.count == 64
    else { return nil }
    return BundleRange(
      replica: replica, person: person, publicKey: key, from: UInt64(from), to: UInt64(to), previous: previous,
      head: head, signature: signature)
  }
}
