/// A replica's identity: 128 random bits, made once when a store is created.
///
/// Ordering is by the raw bits and is the final tie-breaker of every merge rule,
/// so it must be the same on every peer: never order replicas by local row ids.
public struct ReplicaID: Hashable, Comparable, Sendable, CustomStringConvertible {
  public let high: UInt64
  public let low: UInt64

  public init(high: UInt64, low: UInt64) {
    self.high = high
    self.low = low
  }

  /// A fresh random identity.
  public static func random() -> ReplicaID {
    var generator = SystemRandomNumberGenerator()
    return ReplicaID(high: generator.next(), low: generator.next())
  }

  /// Parses the 32-digit lowercase hexadecimal form (upper case is not canonical, so refused).
  public init?(hex: String) {
    guard hex.utf8.count == 32, !hex.utf8.contains(where: { (65...70).contains($0) }), let bytes = Hex.decode(hex)
    else { return nil }
    self.init(bytes: bytes)
  }

  /// The canonical 32-digit lowercase hexadecimal form, used in the store and in bundles.
  /// Written straight into the string: every logged dot and every dot of a bundle's
  /// operations is spelled with it.
  public var hex: String {
    String(unsafeUninitializedCapacity: 32) { buffer in
      writeHex(into: buffer)
      return 32
    }
  }

  /// `hex` written into the first 32 bytes of `buffer`.
  func writeHex(into buffer: UnsafeMutableBufferPointer<UInt8>) {
    for index in 0..<32 { buffer[index] = hexDigit(index) }
  }

  /// `hex` appended to canonical JSON being written (`CanonicalBytes`).
  func writeHex(into out: inout [UInt8]) {
    for index in 0..<32 { out.append(hexDigit(index)) }
  }

  /// The digit at `index` (0..<32) of `hex`.
  private func hexDigit(_ index: Int) -> UInt8 {
    let half = index < 16 ? high : low
    return Hex.digits[Int(truncatingIfNeeded: half >> (60 - 4 * (index % 16))) & 0xf]
  }

  /// The first eight digits: enough to tell a team's replicas apart on screen.
  public var short: String { String(hex.prefix(8)) }

  public var description: String { hex }

  /// The 16 raw bytes, big-endian.
  public var bytes: [UInt8] {
    (0..<8).map { UInt8(truncatingIfNeeded: high >> (56 - 8 * $0)) }
      + (0..<8).map { UInt8(truncatingIfNeeded: low >> (56 - 8 * $0)) }
  }

  public init?(bytes: some Collection<UInt8>) {
    guard bytes.count == 16 else { return nil }
    let array = Array(bytes)
    self.init(
      high: array[0..<8].reduce(0) { $0 << 8 | UInt64($1) },
      low: array[8..<16].reduce(0) { $0 << 8 | UInt64($1) })
  }

  public static func < (lhs: ReplicaID, rhs: ReplicaID) -> Bool {
    (lhs.high, lhs.low) < (rhs.high, rhs.low)
  }
}
