import Crypto
import Foundation
import GlossCore

/// Writes the bundle file format of `Protocol/BUNDLE.md`:
///
///     "GLOSS BUNDLE 2.1\n"                       magic line with major.minor version
///     32 bytes                                   the sender's Ed25519 public key
///     u32 big-endian header length H
///     u64 big-endian body length B
///     H bytes header                             canonical JSON
///     B bytes body                               zlib of `OperationCodec`'s encoding
///     32 bytes                                   SHA-256 of everything before
///     64 bytes                                   Ed25519 signature by the framing key of
///                                                "gloss-bundle/2" ‖ those 32 bytes
///
/// The key and both lengths sit in the fixed-size framing, before the header, so that
/// `BundleReader` can tell a truncated file from a damaged one and check the checksum and
/// the signature before it parses a single byte of JSON: a file that nobody signed is never
/// parsed at all.
public enum BundleFormat {
  public static let major = 2
  public static let minor = 1
  static let magicPrefix = Array("GLOSS BUNDLE ".utf8)
  static let magic = Array("GLOSS BUNDLE \(major).\(minor)\n".utf8)
  static let signatureContext = Array("gloss-bundle/2".utf8)
  /// Bytes after the header and body: checksum and signature.
  static let trailerBytes = 32 + 64

  /// Writes a bundle of `operations` (grouped by the ranges, in range order).
  public static func encode(
    sender: BundleSender, signer: SigningIdentity, clock: VectorClock, prerequisites: VectorClock,
    ranges: [BundleRange], operations: [Op], introductions: [Introduction] = [], created: UInt64
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
      "introductions": .array(introductions.map(\.json)),
      "operations": .int(Int64(operations.count)), "rawBytes": .int(Int64(raw.count)), "created": .int(Int64(created)),
    ])
    return try frame(header: Array(header.canonical.utf8), body: body, signer: signer)
  }

  /// Frames a header and a body (§1): magic line, the signer's key, both lengths, header,
  /// body, checksum and signature. The fuzz target frames its inputs with it, and a test
  /// may name another magic line.
  @_spi(Fuzzing) public static func frame(
    header: [UInt8], body: [UInt8], signer: SigningIdentity, magic: [UInt8]? = nil
  ) throws -> [UInt8] {
    var bytes = magic ?? Self.magic
    bytes += signer.publicKey
    bytes += (0..<4).map { UInt8(truncatingIfNeeded: UInt32(header.count) >> (24 - 8 * $0)) }
    bytes += (0..<8).map { UInt8(truncatingIfNeeded: UInt64(body.count) >> (56 - 8 * $0)) }
    bytes += header
    bytes += body
    let checksum = Array(SHA256.hash(data: bytes))
    bytes += checksum
    bytes += try signer.sign(signatureContext + checksum)
    return bytes
  }

  /// Checks a bundle file's framing, signature and header and decompresses its body
  /// (`BundleReader`); its operations are verified as they are visited (`SignedBundle`).
  public static func open(_ bytes: [UInt8], file: String) throws(BundleError) -> SignedBundle {
    try BundleReader(bytes: bytes, file: file).read()
  }

  /// Verifies a whole bundle file's bytes, every operation included.
  public static func decode(_ bytes: [UInt8], file: String) throws(BundleError) -> VerifiedBundle {
    try open(bytes, file: file).verified()
  }
}

/// Every bound a reader enforces, so that no file, however crafted, makes it allocate more
/// than a small multiple of the file's size or more than these fixed caps. Real bundles sit
/// far below each (a million operations make a 17 MB file whose body expands about 3×).
public enum BundleLimits {
  /// The largest bundle file read at all; a larger one is refused from its size alone.
  public static let maximumFileBytes = 256 << 20
  /// The largest header.
  public static let maximumHeaderBytes = 4 << 20
  /// How many times its compressed size a body may expand (plus `expansionAllowance`),
  /// and never beyond `maximumRawBytes`.
  public static let maximumExpansion = 32
  public static let expansionAllowance = 4_096
  public static let maximumRawBytes = 1 << 30
  /// At most one operation per byte of compressed body (real bundles take 5–20 bytes
  /// each), and never more than `maximumOperationCount`.
  public static let maximumOperationCount = 1 << 24
  public static func maximumOperations(bodyBytes: Int) -> Int { min(bodyBytes + 16, maximumOperationCount) }
  public static func maximumRawBytes(bodyBytes: Int) -> Int {
    min(maximumExpansion * bodyBytes + expansionAllowance, maximumRawBytes)
  }
  /// Introductions one bundle may carry.
  public static let maximumIntroductions = 1_024
}

extension BundleFormat {
  /// The body decoder alone, without the signature in front of it: for the fuzz targets,
  /// which must reach the codec with bodies nobody signed.
  @_spi(Fuzzing) public static func decodeOperations(_ raw: [UInt8], ranges: [BundleRange]) throws -> [Op] {
    var decoder = try OperationDecoder(raw, ranges: ranges, textLimit: BundleLimits.maximumRawBytes)
    var operations: [Op] = []
    while let (op, _) = try decoder.next() { operations.append(op) }
    return operations
  }
}
