/// A JSON value with one canonical text form: object keys sorted by their UTF-8 bytes,
/// no insignificant white space, integers only (no floats), minimal string escapes.
///
/// Payloads, dumps and test vectors are all canonical, so byte equality of two texts is
/// equality of the values: that is what makes `gloss dump` comparable across peers.
public indirect enum JSONValue: Hashable, Sendable {
  case null
  case bool(Bool)
  case int(Int64)
  case string(String)
  case array([JSONValue])
  case object([String: JSONValue])

  public var canonical: String {
    var out: [UInt8] = []
    write(into: &out)
    return String(decoding: out, as: UTF8.self)
  }

  /// Whether canonical JSON text holds a string with U+0000 in it: an escape `\u0000`
  /// that is not itself an escaped backslash followed by `u0000`. No string in an
  /// operation may hold U+0000 (`Protocol/MERGE.md` §1): SQLite's C interface, and so the
  /// store, ends text at it, which would cut a value short without a word.
  public static func holdsNUL(canonical text: String) -> Bool {
    var text = text
    return text.withUTF8 { holdsNUL(utf8: $0) }
  }

  public static func holdsNUL(canonical bytes: [UInt8]) -> Bool {
    bytes.withUnsafeBufferPointer { holdsNUL(utf8: $0) }
  }

  private static func holdsNUL(utf8 bytes: UnsafeBufferPointer<UInt8>) -> Bool {
    let backslash = UInt8(ascii: "\\")
    guard bytes.contains(backslash) else { return false }
    var index = 0
    while index < bytes.count {
      guard bytes[index] == backslash else {
        index += 1
        continue
      }
      // An escape: `\uXXXX` or a two-byte one (`\\` among them), skipped whole.
      if index + 5 < bytes.count, bytes[index + 1] == UInt8(ascii: "u"),
        bytes[(index + 2)...(index + 5)].allSatisfy({ $0 == UInt8(ascii: "0") })
      {
        return true
      }
      index += 2
    }
    return false
  }

  /// The canonical form laid out for a person: two-space indentation, one member per
  /// line, keys in the same order. Empty arrays and objects stay on one line.
  public var indented: String {
    var out = ""
    writeIndented(to: &out, depth: 0)
    return out
  }

  private func writeIndented(to out: inout String, depth: Int) {
    let inner = String(repeating: "  ", count: depth + 1)
    let closing = String(repeating: "  ", count: depth)
    switch self {
    case .array(let values) where !values.isEmpty:
      out += "[\n"
      for (index, value) in values.enumerated() {
        out += inner
        value.writeIndented(to: &out, depth: depth + 1)
        out += index < values.count - 1 ? ",\n" : "\n"
      }
      out += closing + "]"
    case .object(let members) where !members.isEmpty:
      out += "{\n"
      let keys = members.keys.sorted(by: { $0.utf8.lexicographicallyPrecedes($1.utf8) })
      for (index, key) in keys.enumerated() {
        out += inner
        out += JSONValue.string(key).canonical + ": "
        members[key]!.writeIndented(to: &out, depth: depth + 1)
        out += index < keys.count - 1 ? ",\n" : "\n"
      }
      out += closing + "}"
    default:
      write(to: &out)
    }
  }

  public func write(to out: inout String) { out += canonical }

  public subscript(key: String) -> JSONValue? {
    if case .object(let members) = self { return members[key] }
    return nil
  }

  public var stringValue: String? {
    if case .string(let value) = self { return value }
    return nil
  }

  public var intValue: Int64? {
    if case .int(let value) = self { return value }
    return nil
  }

  public var boolValue: Bool? {
    if case .bool(let value) = self { return value }
    return nil
  }

  public var arrayValue: [JSONValue]? {
    if case .array(let value) = self { return value }
    return nil
  }
}

extension JSONValue {
  /// Parses JSON text. Floats are refused: nothing in Gloss needs them and they have no
  /// single canonical form. Nesting deeper than `maximumDepth` is refused too: every
  /// document Gloss writes is a few levels deep, and unbounded nesting would let a hostile
  /// file exhaust the stack here, in `canonical` or when the value is freed.
  public init(parsing text: String) throws(JSONParseError) {
    var parser = JSONParser(bytes: Array(text.utf8))
    self = try parser.parseDocument()
  }

  /// The deepest nesting of arrays and objects that `init(parsing:)` accepts.
  public static let maximumDepth = 32
}

public struct JSONParseError: Error, Equatable, CustomStringConvertible {
  public let offset: Int
  public let reason: String
  public var description: String { "invalid JSON at byte \(offset): \(reason)" }
}

private struct JSONParser {
  let bytes: [UInt8]
  var index = 0
  var depth = 0

  mutating func parseDocument() throws(JSONParseError) -> JSONValue {
    let value = try parseValue()
    skipSpace()
    guard index == bytes.count else { throw fail("unexpected text after the value") }
    return value
  }

  func fail(_ reason: String) -> JSONParseError { JSONParseError(offset: index, reason: reason) }

  mutating func skipSpace() {
    while index < bytes.count, [0x20, 0x0A, 0x0D, 0x09].contains(bytes[index]) { index += 1 }
  }

  mutating func expect(_ literal: String) throws(JSONParseError) {
    for byte in literal.utf8 {
      guard index < bytes.count, bytes[index] == byte else { throw fail("expected \(literal)") }
      index += 1
    }
  }

  mutating func parseValue() throws(JSONParseError) -> JSONValue {
    skipSpace()
    guard index < bytes.count else { throw fail("unexpected end") }
    switch bytes[index] {
    case UInt8(ascii: "n"):
      try expect("null")
      return .null
    case UInt8(ascii: "t"):
      try expect("true")
      return .bool(true)
    case UInt8(ascii: "f"):
      try expect("false")
      return .bool(false)
    case UInt8(ascii: "\""): return .string(try parseString())
    case UInt8(ascii: "["):
      try enter()
      defer { depth -= 1 }
      index += 1
      var values: [JSONValue] = []
      skipSpace()
      if index < bytes.count, bytes[index] == UInt8(ascii: "]") {
        index += 1
        return .array(values)
      }
      while true {
        values.append(try parseValue())
        skipSpace()
        guard index < bytes.count else { throw fail("unterminated array") }
        if bytes[index] == UInt8(ascii: "]") {
          index += 1
          return .array(values)
        }
        try expect(",")
      }
    case UInt8(ascii: "{"):
      try enter()
      defer { depth -= 1 }
      index += 1
      var members: [String: JSONValue] = [:]
      skipSpace()
      if index < bytes.count, bytes[index] == UInt8(ascii: "}") {
        index += 1
        return .object(members)
      }
      while true {
        skipSpace()
        guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { throw fail("expected a key") }
        let key = try parseString()
        skipSpace()
        try expect(":")
        members[key] = try parseValue()
        skipSpace()
        guard index < bytes.count else { throw fail("unterminated object") }
        if bytes[index] == UInt8(ascii: "}") {
          index += 1
          return .object(members)
        }
        try expect(",")
      }
    default: return .int(try parseInteger())
    }
  }

  mutating func enter() throws(JSONParseError) {
    depth += 1
    guard depth <= JSONValue.maximumDepth else {
      throw fail("nested more than \(JSONValue.maximumDepth) levels deep")
    }
  }

  mutating func parseInteger() throws(JSONParseError) -> Int64 {
    let start = index
    if index < bytes.count, bytes[index] == UInt8(ascii: "-") { index += 1 }
    while index < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index]) { index += 1 }
    if index < bytes.count, [UInt8(ascii: "."), UInt8(ascii: "e"), UInt8(ascii: "E")].contains(bytes[index]) {
      throw fail("only integers are allowed")
    }
    guard let value = Int64(String(decoding: bytes[start..<index], as: UTF8.self)) else {
      index = start
      throw fail("expected a value")
    }
    return value
  }

  mutating func parseString() throws(JSONParseError) -> String {
    index += 1
    var scalars = String.UnicodeScalarView()
    var runStart = index
    func flush(_ end: Int) {
      scalars.append(contentsOf: String(decoding: bytes[runStart..<end], as: UTF8.self).unicodeScalars)
    }
    while index < bytes.count {
      let byte = bytes[index]
      if byte == UInt8(ascii: "\"") {
        flush(index)
        index += 1
        return String(scalars)
      }
      if byte == UInt8(ascii: "\\") {
        flush(index)
        index += 1
        guard index < bytes.count else { break }
        let escape = bytes[index]
        index += 1
        switch escape {
        case UInt8(ascii: "\""): scalars.append("\"")
        case UInt8(ascii: "\\"): scalars.append("\\")
        case UInt8(ascii: "/"): scalars.append("/")
        case UInt8(ascii: "n"): scalars.append("\n")
        case UInt8(ascii: "r"): scalars.append("\r")
        case UInt8(ascii: "t"): scalars.append("\t")
        case UInt8(ascii: "b"): scalars.append("\u{08}")
        case UInt8(ascii: "f"): scalars.append("\u{0C}")
        case UInt8(ascii: "u"):
          var code = try parseHex4()
          if (0xD800..<0xDC00).contains(code) {
            try expect("\\u")
            let low = try parseHex4()
            guard (0xDC00..<0xE000).contains(low) else { throw fail("unpaired surrogate") }
            code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
          }
          guard let scalar = Unicode.Scalar(code) else { throw fail("invalid escape") }
          scalars.append(scalar)
        default: throw fail("invalid escape")
        }
        runStart = index
        continue
      }
      index += 1
    }
    throw fail("unterminated string")
  }

  mutating func parseHex4() throws(JSONParseError) -> UInt32 {
    guard index + 4 <= bytes.count,
      let code = UInt32(String(decoding: bytes[index..<index + 4], as: UTF8.self), radix: 16)
    else { throw fail("invalid \\u escape") }
    index += 4
    return code
  }
}
