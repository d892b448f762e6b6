/// The identity of one operation: the replica that made it and that replica's counter.
///
/// Counters start at 1 and grow by exactly 1 per operation on a replica, so a replica's
/// history is a gap-free sequence and "everything up to counter n" is one number.
public struct Dot: Hashable, Comparable, Sendable, CustomStringConvertible {
  public let replica: ReplicaID
  public let counter: UInt64

  public init(replica: ReplicaID, counter: UInt64) {
    self.replica = replica
    self.counter = counter
  }

  /// `replica-hex:counter`, the canonical text form used in JSON and the protocol. Written
  /// straight into the string: the log writes the text of every dot an operation names,
  /// and string interpolation took three times as long.
  public var description: String {
    var length = 1
    var rest = counter
    while rest >= 10 {
      rest /= 10
      length += 1
    }
    return String(unsafeUninitializedCapacity: 33 + length) { buffer in
      replica.writeHex(into: buffer)
      buffer[32] = UInt8(ascii: ":")
      var value = counter
      for index in stride(from: 32 + length, to: 32, by: -1) {
        buffer[index] = UInt8(ascii: "0") + UInt8(value % 10)
        value /= 10
      }
      return 33 + length
    }
  }

  /// `abcd1234:12`, for people.
  public var short: String { "\(replica.short):\(counter)" }

  public init?(_ text: some StringProtocol) {
    let parts = text.split(separator: ":")
    guard parts.count == 2, let replica = ReplicaID(hex: String(parts[0])),
      let counter = UInt64(parts[1]), counter > 0
    else { return nil }
    self.init(replica: replica, counter: counter)
  }

  public static func < (lhs: Dot, rhs: Dot) -> Bool {
    (lhs.replica, lhs.counter) < (rhs.replica, rhs.counter)
  }
}
