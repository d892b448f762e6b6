import Foundation

extension String {
  /// The Unicode NFC form. ASCII text is NFC already and comes back as it is, without a
  /// round trip through Foundation.
  public var nfc: String { utf8.allSatisfy { $0 < 0x80 } ? self : precomposedStringWithCanonicalMapping }

  /// Whether these are the very bytes of the NFC form: Swift's `==` holds for any two
  /// canonically equivalent spellings, so it cannot tell.
  public var isNFC: Bool { utf8.elementsEqual(nfc.utf8) }
}
