import Foundation

extension String {
  /// Whether every character is ASCII: text that needs no Unicode normalisation, which
  /// the normalisers skip (most tags, names and identifiers are ASCII).
  public var isASCII: Bool { utf8.allSatisfy { $0 < 0x80 } }

  /// The Unicode NFC form. ASCII text is NFC already and comes back as it is, without a
  /// round trip through Foundation.
  public var nfc: String { isASCII ? self : precomposedStringWithCanonicalMapping }

  /// Whether these are the very bytes of the NFC form: Swift's `==` holds for any two
  /// canonically equivalent spellings, so it cannot tell.
  public var isNFC: Bool { utf8.elementsEqual(nfc.utf8) }
}
