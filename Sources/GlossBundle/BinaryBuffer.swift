/// Little pieces of the binary body format: LEB128 varints, zigzag for signed deltas.
struct ByteWriter {
  var bytes: [UInt8] = []

  mutating func varint(_ value: UInt64) {
    var value = value
    while value >= 0x80 {
      bytes.append(UInt8(truncatingIfNeeded: value) | 0x80)
      value >>= 7
    }
    bytes.append(UInt8(value))
  }

  mutating func signed(_ value: Int64) { varint(UInt64(bitPattern: (value << 1) ^ (value >> 63))) }

  mutating func byte(_ value: UInt8) { bytes.append(value) }

  mutating func raw(_ data: some Collection<UInt8>) { bytes.append(contentsOf: data) }

  mutating func string(_ text: String) {
    varint(UInt64(text.utf8.count))
    bytes.append(contentsOf: text.utf8)
  }
}

struct ByteReader {
  let bytes: [UInt8]
  var offset = 0

  struct Malformed: Error {
    let offset: Int
    let reason: String
    /// What to do, when it is not the usual "ask the sender to export it again".
    var remedy: String? = nil
  }

  init(_ bytes: [UInt8]) { self.bytes = bytes }

  var isAtEnd: Bool { offset == bytes.count }

  mutating func byte() throws(Malformed) -> UInt8 {
    guard offset < bytes.count else { throw Malformed(offset: offset, reason: "the body ends early") }
    defer { offset += 1 }
    return bytes[offset]
  }

  mutating func varint() throws(Malformed) -> UInt64 {
    var result: UInt64 = 0
    var shift: UInt64 = 0
    while true {
      let next = try byte()
      guard shift < 64 else { throw Malformed(offset: offset, reason: "a number is too long") }
      result |= UInt64(next & 0x7f) << shift
      if next & 0x80 == 0 { return result }
      shift += 7
    }
  }

  mutating func count(limit: Int) throws(Malformed) -> Int {
    let value = try varint()
    guard value <= UInt64(limit) else {
      throw Malformed(offset: offset, reason: "a count of \(value) is impossible here")
    }
    return Int(value)
  }

  mutating func signed() throws(Malformed) -> Int64 {
    let value = try varint()
    return Int64(bitPattern: value >> 1) ^ -Int64(bitPattern: value & 1)
  }

  mutating func raw(_ count: Int) throws(Malformed) -> ArraySlice<UInt8> {
    guard count >= 0, offset + count <= bytes.count else {
      throw Malformed(offset: offset, reason: "the body ends early")
    }
    defer { offset += count }
    return bytes[offset..<offset + count]
  }

  mutating func string() throws(Malformed) -> String {
    let length = try count(limit: bytes.count - offset)
    let start = offset
    guard let text = String(validating: try raw(length), as: UTF8.self) else {
      throw Malformed(offset: start, reason: "a string is not valid UTF-8")
    }
    return text
  }
}
