import Crypto
import GlossCore

/// A store's Ed25519 key pair. The private key never leaves the store file; the public key
/// travels in every bundle, and people compare its fingerprint out of band. (Unchecked
/// Sendable: the key is immutable; swift-crypto just does not declare it.)
public struct SigningIdentity: @unchecked Sendable {
  let key: Curve25519.Signing.PrivateKey

  public init() { key = Curve25519.Signing.PrivateKey() }

  public init(rawRepresentation: [UInt8]) throws {
    key = try Curve25519.Signing.PrivateKey(rawRepresentation: rawRepresentation)
  }

  public var rawRepresentation: [UInt8] { Array(key.rawRepresentation) }
  public var publicKey: [UInt8] { Array(key.publicKey.rawRepresentation) }

  public func sign(_ message: [UInt8]) throws -> [UInt8] { Array(try key.signature(for: message)) }
}

public enum Signature {
  public static func isValid(_ signature: some Collection<UInt8>, of message: [UInt8], publicKey: [UInt8]) -> Bool {
    guard let key = try? Curve25519.Signing.PublicKey(rawRepresentation: publicKey) else { return false }
    return key.isValidSignature(Array(signature), for: message)
  }

  /// `abcd-efgh-ijkl-mnop`: 80 bits of SHA-256 of the public key, for people to compare.
  public static func fingerprint(of publicKey: [UInt8]) -> String {
    let text = Base32Text.encode(Array(SHA256.hash(data: publicKey)), characters: 16)
    return stride(from: 0, to: 16, by: 4).map { start in
      String(text[text.index(text.startIndex, offsetBy: start)..<text.index(text.startIndex, offsetBy: start + 4)])
    }.joined(separator: "-")
  }
}
