/// Lowercase RFC 4648 base32 without padding: the alphabet of every id people type.
/// It has no 0/1/8/9, so ids never look like numbers or mix up O and 0.
public enum Base32Text {
  static let alphabet = Array("abcdefghijklmnopqrstuvwxyz234567".utf8)

  /// The first `characters` base32 digits of `bytes`.
  public static func encode(_ bytes: some Sequence<UInt8>, characters: Int) -> String {
    var out: [UInt8] = []
    var buffer: UInt32 = 0
    var bits = 0
    for byte in bytes {
      buffer = buffer << 8 | UInt32(byte)
      bits += 8
      while bits >= 5, out.count < characters {
        out.append(alphabet[Int((buffer >> UInt32(bits - 5)) & 31)])
        bits -= 5
      }
      if out.count == characters { break }
    }
    return String(decoding: out, as: UTF8.self)
  }

  public static func isValid(_ text: some StringProtocol) -> Bool {
    text.utf8.allSatisfy { alphabet.contains($0) }
  }
}
