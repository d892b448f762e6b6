/// Canonical JSON written as UTF-8 bytes into a growing buffer.
///
/// Every operation's chain hash is taken over its canonical text, twice per bundle import
/// (once to verify, once to log), and the log keeps each payload's text: built with
/// `String` appends, that writing was a third of verifying a bundle. Bytes need no
/// re-validation, no growth checks of string storage and no bridging to hash. The
/// `String` forms (`JSONValue.canonical`, `OperationBody.canonicalPayload`) are these
/// bytes decoded, so there is one writer of each canonical form.
extension JSONValue {
  public func write(into out: inout [UInt8]) {
    switch self {
    case .null: out.append(contentsOf: "null".utf8)
    case .bool(let value): out.append(contentsOf: (value ? "true" : "false").utf8)
    case .int(let value): Self.writeInteger(value, into: &out)
    case .string(let value): Self.writeString(value, into: &out)
    case .array(let values):
      out.append(UInt8(ascii: "["))
      for (index, value) in values.enumerated() {
        if index > 0 { out.append(UInt8(ascii: ",")) }
        value.write(into: &out)
      }
      out.append(UInt8(ascii: "]"))
    case .object(let members):
      out.append(UInt8(ascii: "{"))
      for (index, key) in members.keys.sorted(by: { $0.utf8.lexicographicallyPrecedes($1.utf8) }).enumerated() {
        if index > 0 { out.append(UInt8(ascii: ",")) }
        Self.writeString(key, into: &out)
        out.append(UInt8(ascii: ":"))
        members[key]!.write(into: &out)
      }
      out.append(UInt8(ascii: "}"))
    }
  }

  /// A string with the minimal escapes: `"`, `\` and the control characters, the common
  /// ones by their short form and the rest as `\u00xx`. Runs between escapes are copied
  /// whole: payloads are mostly plain text.
  static func writeString(_ value: String, into out: inout [UInt8]) {
    out.append(UInt8(ascii: "\""))
    var value = value
    value.withUTF8 { bytes in
      var runStart = 0
      for index in bytes.indices {
        let byte = bytes[index]
        guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") else { continue }
        out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<index]))
        switch byte {
        case UInt8(ascii: "\""): out.append(contentsOf: "\\\"".utf8)
        case UInt8(ascii: "\\"): out.append(contentsOf: "\\\\".utf8)
        case 0x0A: out.append(contentsOf: "\\n".utf8)
        case 0x0D: out.append(contentsOf: "\\r".utf8)
        case 0x09: out.append(contentsOf: "\\t".utf8)
        default:
          out.append(contentsOf: "\\u00".utf8)
          out.append(Hex.digits[Int(byte >> 4)])
          out.append(Hex.digits[Int(byte & 0x0f)])
        }
        runStart = index + 1
      }
      out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart...]))
    }
    out.append(UInt8(ascii: "\""))
  }

  static func writeInteger(_ value: Int64, into out: inout [UInt8]) {
    if value < 0 { out.append(UInt8(ascii: "-")) }
    var magnitude = value.magnitude
    // Room for the 19 digits of the largest magnitude, written from the end.
    var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)
    withUnsafeMutableBytes(of: &digits) { buffer in
      var index = buffer.count
      repeat {
        index -= 1
        buffer[index] = UInt8(ascii: "0") + UInt8(magnitude % 10)
        magnitude /= 10
      } while magnitude > 0
      out.append(contentsOf: buffer[index...])
    }
  }
}

extension Dot {
  /// `"replica:counter"`, a JSON string that never needs an escape.
  func writeJSON(into out: inout [UInt8]) {
    out.append(UInt8(ascii: "\""))
    replica.writeHex(into: &out)
    out.append(UInt8(ascii: ":"))
    JSONValue.writeInteger(Int64(counter), into: &out)
    out.append(UInt8(ascii: "\""))
  }
}

extension OperationBody {
  /// `payload`'s canonical text, written member by member in canonical key order for every
  /// kind an annotation makes, with no dictionary built and no keys sorted per operation.
  public func writeCanonicalPayload(into out: inout [UInt8]) {
    func member(_ key: StaticString, _ first: Bool = false) {
      out.append(UInt8(ascii: first ? "{" : ","))
      out.append(UInt8(ascii: "\""))
      out.append(contentsOf: UnsafeBufferPointer(start: key.utf8Start, count: key.utf8CodeUnitCount))
      out.append(contentsOf: "\":".utf8)
    }
    switch self {
    case .createRecord(let publication):
      out.append(UInt8(ascii: "{"))
      for (index, (key, value)) in Self.createRecordMembers(publication).enumerated() {
        if index > 0 { out.append(UInt8(ascii: ",")) }
        JSONValue.writeString(key, into: &out)
        out.append(UInt8(ascii: ":"))
        value.write(into: &out)
      }
    case .setField(let field, let value):
      member("field", true)
      JSONValue.writeString(field.rawValue, into: &out)
      member("value")
      value.write(into: &out)
    case .addTag(let tag), .removeTag(let tag):
      member("tag", true)
      JSONValue.writeString(tag, into: &out)
    case .createNote(let record, let text, let anchor):
      member("anchor", true)
      (anchor?.json ?? .null).write(into: &out)
      member("record")
      JSONValue.writeString(record.text, into: &out)
      member("text")
      JSONValue.writeString(text, into: &out)
    case .editNote(let text):
      member("text", true)
      JSONValue.writeString(text, into: &out)
    case .deleteNote:
      out.append(UInt8(ascii: "{"))
    case .setStatus(let status):
      member("status", true)
      JSONValue.writeString(status.rawValue, into: &out)
    case .saySource:
      payload.write(into: &out)
      return
    case .mergeRecord(let into):
      member("into", true)
      JSONValue.writeString(into.text, into: &out)
    case .unmergeRecord(let from):
      member("from", true)
      JSONValue.writeString(from.text, into: &out)
    }
    out.append(UInt8(ascii: "}"))
  }
}

extension Op {
  /// `json.canonical` as bytes, with the payload's canonical text given: a store that keeps
  /// the payload text and hashes the operation then writes the payload once.
  public func canonicalBytes(payload: String) -> [UInt8] {
    var out: [UInt8] = []
    out.reserveCapacity(payload.utf8.count + target.utf8.count + person.utf8.count + 160)
    // Keys in canonical (UTF-8 byte) order.
    out.append(contentsOf: "{\"dot\":".utf8)
    dot.writeJSON(into: &out)
    out.append(contentsOf: ",\"hlc\":".utf8)
    JSONValue.writeInteger(Int64(timestamp.packed), into: &out)
    out.append(contentsOf: ",\"kind\":".utf8)
    JSONValue.writeString(kind, into: &out)
    out.append(contentsOf: ",\"payload\":".utf8)
    out.append(contentsOf: payload.utf8)
    out.append(contentsOf: ",\"person\":".utf8)
    JSONValue.writeString(person, into: &out)
    out.append(contentsOf: ",\"requires\":".utf8)
    Self.writeDots(requires, into: &out)
    out.append(contentsOf: ",\"supersedes\":".utf8)
    Self.writeDots(supersedes, into: &out)
    out.append(contentsOf: ",\"target\":".utf8)
    JSONValue.writeString(target, into: &out)
    out.append(UInt8(ascii: "}"))
    return out
  }

  private static func writeDots(_ dots: [Dot], into out: inout [UInt8]) {
    out.append(UInt8(ascii: "["))
    for (index, dot) in dots.enumerated() {
      if index > 0 { out.append(UInt8(ascii: ",")) }
      dot.writeJSON(into: &out)
    }
    out.append(UInt8(ascii: "]"))
  }
}
