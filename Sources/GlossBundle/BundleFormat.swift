import Crypto
import Foundation
import GlossCore

/// Reads and writes the bundle file format of `Protocol/BUNDLE.md`:
///
///     "GLOSS BUNDLE 1.0\n"                       magic line with major.minor version
///     u32 big-endian header length, header       canonical JSON
///     body (header.bodyBytes bytes)              zlib of `OperationCodec`'s encoding
///     32 bytes                                   SHA-256 of everything before
///     64 bytes                                   Ed25519 signature by the sender of
///                                                "gloss-bundle/1" ‖ those 32 bytes
///
/// A reader verifies everything (lengths, checksum, the sender's signature, the operation
/// count, every range's chain and signature) before it returns a single operation.
public enum BundleFormat {
  public static let major = 1
  public static let minor = 0
  static let magicPrefix = Array("GLOSS BUNDLE ".utf8)
  static let magic = Array("GLOSS BUNDLE \(major).\(minor)\n".utf8)
  /// A body may expand to at most this many bytes: far above any real bundle, and a
  /// bound on what a corrupt or hostile length can make a reader allocate.
  static let maximumRawBytes = 1 << 32

  /// Writes a bundle of `operations` (grouped by the ranges, in range order).
  public static func encode(
    sender: BundleSender, signer: SigningIdentity, clock: VectorClock, prerequisites: VectorClock,
    ranges: [BundleRange], operations: [Op], created: UInt64
  ) throws -> [UInt8] {
    let raw = OperationCodec.encode(operations)
    let body = try Deflate.compress(raw)
    let header = JSONValue.object([
      "format": .string("gloss-bundle"), "version": .string("\(major).\(minor)"),
      "sender": .object([
        "replica": .string(sender.replica.hex), "person": .string(sender.person),
        "key": .string(Hex.encode(sender.publicKey)),
      ]),
      "clock": clock.json, "prerequisites": prerequisites.json,
      "ranges": .array(
        ranges.map { range in
          .object([
            "replica": .string(range.replica.hex), "person": .string(range.person),
            "key": .string(Hex.encode(range.publicKey)),
            "from": .int(Int64(range.from)), "to": .int(Int64(range.to)),
            "previous": .string(Hex.encode(range.previous)),
            "head": .string(Hex.encode(range.head)), "signature": .string(Hex.encode(range.signature)),
          ])
        }),
      "operations": .int(Int64(operations.count)), "bodyBytes": .int(Int64(body.count)),
      "rawBytes": .int(Int64(raw.count)), "created": .int(Int64(created)),
    ])
    let headerBytes = Array(header.canonical.utf8)
    var bytes = magic
    bytes += (0..<4).map { UInt8(truncatingIfNeeded: UInt32(headerBytes.count) >> (24 - 8 * $0)) }
    bytes += headerBytes
    bytes += body
    let checksum = Array(SHA256.hash(data: bytes))
    bytes += checksum
    bytes += try signer.sign(Array("gloss-bundle/1".utf8) + checksum)
    return bytes
  }

  /// Verifies and decodes a whole bundle file's bytes.
  public static func decode(_ bytes: [UInt8], file: String) throws(BundleError) -> VerifiedBundle {
    func fail(_ offset: Int?, _ problem: String, _ remedy: String = "ask the sender to export it again") -> BundleError
    {
      BundleError(file: file, offset: offset, problem: problem, remedy: remedy)
    }
    guard bytes.starts(with: magicPrefix) else {
      if bytes.isEmpty { throw fail(nil, "is empty, not a Gloss bundle") }
      if magicPrefix.starts(with: bytes) { throw fail(bytes.count, "is truncated (it ends inside the magic line)") }
      throw fail(0, "is not a Gloss bundle (no 'GLOSS BUNDLE' magic line)", "check that you picked the right file")
    }
    guard let newline = bytes.prefix(32).firstIndex(of: 0x0A) else {
      throw fail(
        bytes.count < 32 ? bytes.count : magicPrefix.count,
        bytes.count < 32 ? "is truncated (it ends inside the magic line)" : "has a malformed version line")
    }
    let version = String(decoding: bytes[magicPrefix.count..<newline], as: UTF8.self)
    let parts = version.split(separator: ".")
    guard parts.count == 2, let fileMajor = Int(parts[0]), Int(parts[1]) != nil else {
      throw fail(magicPrefix.count, "has a malformed version '\(version)'")
    }
    guard fileMajor == major else {
      throw fail(
        magicPrefix.count, "is bundle format version \(version), which this Gloss cannot read (it reads \(major).x)",
        "update Gloss, or ask the sender to export with a matching version")
    }
    var offset = newline + 1
    guard bytes.count >= offset + 4 else { throw fail(bytes.count, "is truncated (it ends before the header)") }
    let headerLength = bytes[offset..<offset + 4].reduce(0) { $0 << 8 | Int($1) }
    offset += 4
    guard bytes.count >= offset + headerLength else {
      throw fail(bytes.count, "is truncated (it ends inside the header)")
    }
    let headerText = String(decoding: bytes[offset..<offset + headerLength], as: UTF8.self)
    let header: JSONValue
    do {
      header = try JSONValue(parsing: headerText)
    } catch {
      throw fail(offset + error.offset, "has a damaged header (\(error.reason))")
    }
    let headerStart = offset
    offset += headerLength
    guard let bodyBytes = header["bodyBytes"]?.intValue, bodyBytes >= 0, bodyBytes < Int64(Int32.max) * 4 else {
      throw fail(headerStart, "has a header without a valid bodyBytes")
    }
    let bodyEnd = offset + Int(bodyBytes)
    let expected = bodyEnd + 32 + 64
    guard bytes.count >= expected else {
      throw fail(bytes.count, "is truncated: \(bytes.count) bytes of the \(expected) its header announces")
    }
    guard bytes.count == expected else {
      throw fail(expected, "has \(bytes.count - expected) unexpected bytes after its signature")
    }
    let checksum = Array(SHA256.hash(data: bytes[0..<bodyEnd]))
    guard checksum.elementsEqual(bytes[bodyEnd..<bodyEnd + 32]) else {
      throw fail(bodyEnd, "fails its SHA-256 checksum: the file is damaged")
    }
    guard let sender = senderOf(header) else { throw fail(headerStart, "has a header without a valid sender") }
    guard
      Signature.isValid(
        bytes[(bodyEnd + 32)...], of: Array("gloss-bundle/1".utf8) + checksum, publicKey: sender.publicKey)
    else {
      throw fail(bodyEnd + 32, "has a bad signature: it was not signed by the key it names", "do not trust this file")
    }
    guard let clock = VectorClock(json: header["clock"]),
      let prerequisites = VectorClock(json: header["prerequisites"]),
      let rangeValues = header["ranges"]?.arrayValue, let count = header["operations"]?.intValue,
      let rawBytes = header["rawBytes"]?.intValue, rawBytes >= 0, rawBytes <= Int64(maximumRawBytes)
    else { throw fail(headerStart, "has an incomplete header") }
    var ranges: [BundleRange] = []
    for value in rangeValues {
      guard let range = rangeOf(value) else { throw fail(headerStart, "has a malformed range in its header") }
      ranges.append(range)
    }
    let announced = ranges.reduce(0) { $0 + Int64($1.count) }
    guard announced == count else {
      throw fail(headerStart, "announces \(count) operations but its ranges hold \(announced)")
    }
    let raw: [UInt8]
    do {
      raw = try Deflate.decompress(bytes[offset..<bodyEnd], expectedSize: Int(rawBytes), limit: maximumRawBytes)
    } catch {
      throw fail(offset, "has a body that does not decompress (\(error))")
    }
    let operations: [Op]
    do {
      operations = try OperationCodec.decode(raw, ranges: ranges)
    } catch let error as ByteReader.Malformed {
      throw fail(offset, "has a malformed body at byte \(error.offset) of the decompressed operations: \(error.reason)")
    } catch {
      throw fail(offset, "has a malformed operation: \(error)")
    }
    guard operations.count == count else {
      throw fail(offset, "holds \(operations.count) operations but announces \(count)")
    }
    var chains: [[UInt8]] = []
    chains.reserveCapacity(operations.count)
    var index = 0
    for range in ranges {
      var chain = range.previous
      for _ in range.from...range.to {
        chain = ChainHash.next(chain, operations[index])
        chains.append(chain)
        index += 1
      }
      guard chain == range.head,
        Signature.isValid(
          range.signature, of: ChainHash.signedMessage(replica: range.replica, counter: range.to, head: range.head),
          publicKey: range.publicKey)
      else {
        throw fail(
          headerStart,
          "carries operations \(range.from)...\(range.to) of \(range.person) (\(range.replica.short)) that \(range.person)'s key did not sign",
          "do not trust this file: someone changed or forged those operations")
      }
    }
    return VerifiedBundle(
      sender: sender, clock: clock, prerequisites: prerequisites, ranges: ranges, operations: operations,
      chains: chains, created: UInt64(max(0, header["created"]?.intValue ?? 0)))
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
