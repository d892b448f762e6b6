import GlossCore

/// A statement by one of a person's keys that another key is that person's too: how a
/// second device, or a store that had to re-identify itself, gets to speak for the same
/// person. Without one (or the user's explicit `peers trust`), a new key claiming a person
/// whose keys a store already knows is an impersonation and is refused.
///
/// The introducer signs `"gloss-introduce/1" ‖ u32 big-endian length of person ‖ person
/// (UTF-8) ‖ key (32 bytes)`. The statement names no replica: a key, once bound to a
/// replica, never changes, so binding the key binds every replica that uses it.
public struct Introduction: Sendable, Equatable, Hashable {
  public let person: String
  /// The Ed25519 public key being introduced.
  public let key: [UInt8]
  /// The Ed25519 public key that vouches for it; it must already be `person`'s.
  public let introducer: [UInt8]
  public let signature: [UInt8]

  public init(person: String, key: [UInt8], introducer: [UInt8], signature: [UInt8]) {
    self.person = person
    self.key = key
    self.introducer = introducer
    self.signature = signature
  }

  /// Signs a statement that `key` is `person`'s, with one of `person`'s identities.
  public static func make(person: String, key: [UInt8], by identity: SigningIdentity) throws -> Introduction {
    Introduction(
      person: person, key: key, introducer: identity.publicKey,
      signature: try identity.sign(signedMessage(person: person, key: key)))
  }

  public static func signedMessage(person: String, key: [UInt8]) -> [UInt8] {
    let name = Array(person.utf8)
    return Array("gloss-introduce/1".utf8)
      + (0..<4).map { UInt8(truncatingIfNeeded: UInt32(name.count) >> (24 - 8 * $0)) }
      + name + key
  }

  /// True when `introducer` signed this statement; whether that key is `person`'s is for
  /// the reader's store to decide.
  public var isSigned: Bool {
    key.count == 32 && introducer.count == 32
      && Signature.isValid(signature, of: Self.signedMessage(person: person, key: key), publicKey: introducer)
  }

  var json: JSONValue {
    .object([
      "person": .string(person), "key": .string(Hex.encode(key)), "introducer": .string(Hex.encode(introducer)),
      "signature": .string(Hex.encode(signature)),
    ])
  }

  init?(json: JSONValue) {
    guard let person = json["person"]?.stringValue, let key = json["key"]?.stringValue.flatMap(Hex.decode),
      let introducer = json["introducer"]?.stringValue.flatMap(Hex.decode),
      let signature = json["signature"]?.stringValue.flatMap(Hex.decode),
      key.count == 32, introducer.count == 32, signature.count == 64
    else { return nil }
    self.init(person: person, key: key, introducer: introducer, signature: signature)
  }
}
