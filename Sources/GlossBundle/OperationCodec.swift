import GlossCore

/// The binary encoding of a bundle's operations, before compression.
///
///     body      := replicas strings op*
///     replicas  := varint n, n × 16 bytes          (replicas named by dots)
///     strings   := varint n, n × (varint length, UTF-8 bytes)
///     op        := u8 kind, zigzag-varint hlc delta, varint target, payload,
///                  dots (supersedes), dots (requires)
///     dots      := varint n, n × (varint replica index, varint counter)
///
/// An operation's dot and person are not stored: the header's ranges give them (ranges in
/// header order, counters consecutive). The hlc delta is from the previous operation in the
/// body (the first from 0). Payloads by kind, strings as indexes into the table:
/// `record.create` the canonical payload JSON; `record.set` a field index (RecordField
/// order: authors etAl title journal year date volume issue pages pubmed freeFullText
/// abstract) and the canonical value JSON; `tag.*` the spelling; `note.create` the record
/// id, the body, and 0 or 1 + the canonical anchor JSON; `note.edit` the body;
/// `note.delete` nothing; `status.set` a status index (unread to-read reading skimmed read);
/// `source.say` the canonical payload JSON; `record.merge` and `record.unmerge` the other
/// record's id.
enum OperationCodec {
  static let kinds = OperationBody.kinds

  static func encode(_ operations: [Op]) -> [UInt8] {
    var replicaIndex: [ReplicaID: Int] = [:]
    var replicas: [ReplicaID] = []
    var stringIndex: [String: Int] = [:]
    var strings: [String] = []
    func intern(_ text: String) -> UInt64 {
      if let index = stringIndex[text] { return UInt64(index) }
      stringIndex[text] = strings.count
      strings.append(text)
      return UInt64(strings.count - 1)
    }
    var ops = ByteWriter()
    var previousHLC: Int64 = 0
    func dots(_ list: [Dot]) {
      ops.varint(UInt64(list.count))
      for dot in list {
        let index: Int
        if let known = replicaIndex[dot.replica] {
          index = known
        } else {
          index = replicas.count
          replicaIndex[dot.replica] = index
          replicas.append(dot.replica)
        }
        ops.varint(UInt64(index))
        ops.varint(dot.counter)
      }
    }
    for op in operations {
      ops.byte(UInt8(kinds.firstIndex(of: op.kind)!))
      let hlc = Int64(op.timestamp.packed)
      ops.signed(hlc - previousHLC)
      previousHLC = hlc
      ops.varint(intern(op.target))
      switch op.body {
      case .createRecord, .saySource: ops.varint(intern(op.body.payload.canonical))
      case .setField(let field, let value):
        ops.byte(UInt8(RecordField.allCases.firstIndex(of: field)!))
        ops.varint(intern(value.canonical))
      case .addTag(let tag), .removeTag(let tag): ops.varint(intern(tag))
      case .createNote(let record, let text, let anchor):
        ops.varint(intern(record.text))
        ops.varint(intern(text))
        if let anchor {
          ops.byte(1)
          ops.varint(intern(anchor.json.canonical))
        } else {
          ops.byte(0)
        }
      case .editNote(let text): ops.varint(intern(text))
      case .deleteNote: break
      case .setStatus(let status): ops.byte(UInt8(ReadingStatus.allCases.firstIndex(of: status)!))
      case .mergeRecord(let other), .unmergeRecord(let other): ops.varint(intern(other.text))
      }
      dots(op.supersedes)
      dots(op.requires)
    }
    var body = ByteWriter()
    body.varint(UInt64(replicas.count))
    for replica in replicas { body.raw(replica.bytes) }
    body.varint(UInt64(strings.count))
    for text in strings { body.string(text) }
    body.raw(ops.bytes)
    return body.bytes
  }

  /// Decodes the operations the ranges announce (their sizes already checked to fit the
  /// body). Every index is checked against its table, and each string's JSON is parsed
  /// at most once however many operations refer to it. The text the operations refer to,
  /// counted once per reference, may not pass `textLimit`: each reference is hashed and
  /// stored with its operation, so a small table referred to many times must not cost
  /// more than a bounded multiple of the body.
  static func decode(_ bytes: [UInt8], ranges: [BundleRange], textLimit: Int) throws(ByteReader.Malformed) -> [Op] {
    var reader = ByteReader(bytes)
    let replicaCount = try reader.count(limit: bytes.count / 16)
    var replicas: [ReplicaID] = []
    replicas.reserveCapacity(replicaCount)
    for _ in 0..<replicaCount {
      guard let replica = ReplicaID(bytes: try reader.raw(16)) else {
        throw ByteReader.Malformed(offset: reader.offset - 16, reason: "a replica id that is not 16 bytes")
      }
      replicas.append(replica)
    }
    let stringCount = try reader.count(limit: bytes.count - reader.offset)
    var strings: [String] = []
    strings.reserveCapacity(stringCount)
    for _ in 0..<stringCount { strings.append(try reader.string()) }
    var parsed: [Int: JSONValue] = [:]
    var text = 0
    func string() throws(ByteReader.Malformed) -> (index: Int, text: String) {
      let start = reader.offset
      let index = try reader.varint()
      guard index < UInt64(strings.count) else {
        throw ByteReader.Malformed(offset: start, reason: "string \(index) of a table of \(strings.count)")
      }
      let string = strings[Int(index)]
      text += string.utf8.count
      guard text <= textLimit else {
        throw ByteReader.Malformed(
          offset: start, reason: "the operations refer to more than the \(textLimit) bytes of text allowed")
      }
      return (Int(index), string)
    }
    func json() throws(ByteReader.Malformed) -> JSONValue {
      let start = reader.offset
      let (index, text) = try string()
      if let value = parsed[index] { return value }
      do {
        let value = try JSONValue(parsing: text)
        parsed[index] = value
        return value
      } catch {
        throw ByteReader.Malformed(offset: start, reason: "string \(index) is not valid JSON (\(error.reason))")
      }
    }
    func dots() throws(ByteReader.Malformed) -> [Dot] {
      // Each dot takes at least two bytes.
      let count = try reader.count(limit: (bytes.count - reader.offset) / 2)
      var result: [Dot] = []
      result.reserveCapacity(count)
      for _ in 0..<count {
        let start = reader.offset
        let index = try reader.varint()
        guard index < UInt64(replicas.count) else {
          throw ByteReader.Malformed(offset: start, reason: "replica \(index) of a table of \(replicas.count)")
        }
        let counter = try reader.varint()
        guard counter > 0, counter <= UInt64(Int64.max) else {
          throw ByteReader.Malformed(offset: start, reason: "a dot with counter \(counter)")
        }
        result.append(Dot(replica: replicas[Int(index)], counter: counter))
      }
      return result
    }
    var operations: [Op] = []
    operations.reserveCapacity(ranges.reduce(0) { $0 + Int($1.count) })
    var previousHLC: Int64 = 0
    for range in ranges {
      for counter in range.from...range.to {
        let start = reader.offset
        let kindIndex = Int(try reader.byte())
        guard kindIndex < kinds.count else {
          throw ByteReader.Malformed(offset: start, reason: "unknown operation kind \(kindIndex)")
        }
        let (hlc, overflow) = previousHLC.addingReportingOverflow(try reader.signed())
        guard !overflow, hlc >= 0 else { throw ByteReader.Malformed(offset: start, reason: "a clock out of range") }
        previousHLC = hlc
        let target = try string().text
        let body: OperationBody
        do {
          switch kinds[kindIndex] {
          case "record.create": body = try OperationBody(kind: "record.create", payload: try json())
          case "source.say": body = try OperationBody(kind: "source.say", payload: try json())
          case "record.set":
            let field = Int(try reader.byte())
            guard field < RecordField.allCases.count else {
              throw ByteReader.Malformed(offset: reader.offset - 1, reason: "unknown field \(field)")
            }
            body = try OperationBody(
              kind: "record.set",
              payload: .object(["field": .string(RecordField.allCases[field].rawValue), "value": try json()]))
          case "tag.add": body = .addTag(try string().text)
          case "tag.remove": body = .removeTag(try string().text)
          case "note.create":
            guard let record = RecordID(try string().text) else {
              throw ByteReader.Malformed(offset: reader.offset, reason: "a bad record id")
            }
            let text = try string().text
            var anchor: TextAnchor?
            switch try reader.byte() {
            case 0: break
            case 1:
              guard let decoded = TextAnchor(json: try json()) else {
                throw ByteReader.Malformed(offset: reader.offset, reason: "a bad anchor")
              }
              anchor = decoded
            default: throw ByteReader.Malformed(offset: reader.offset - 1, reason: "an anchor flag other than 0 or 1")
            }
            body = .createNote(record: record, text: text, anchor: anchor)
          case "note.edit": body = .editNote(try string().text)
          case "note.delete": body = .deleteNote
          case "record.merge", "record.unmerge":
            guard let other = RecordID(try string().text) else {
              throw ByteReader.Malformed(offset: reader.offset, reason: "a bad record id")
            }
            body = kinds[kindIndex] == "record.merge" ? .mergeRecord(into: other) : .unmergeRecord(from: other)
          default:
            let status = Int(try reader.byte())
            guard status < ReadingStatus.allCases.count else {
              throw ByteReader.Malformed(offset: reader.offset - 1, reason: "unknown status \(status)")
            }
            body = .setStatus(ReadingStatus.allCases[status])
          }
        } catch let error as ByteReader.Malformed {
          throw error
        } catch {
          throw ByteReader.Malformed(offset: start, reason: "a malformed \(kinds[kindIndex]) operation (\(error))")
        }
        let supersedes = try dots()
        let requires = try dots()
        operations.append(
          Op(
            dot: Dot(replica: range.replica, counter: counter), timestamp: HLCTimestamp(packed: UInt64(hlc)),
            person: range.person, target: target, body: body, supersedes: supersedes, requires: requires))
      }
    }
    guard reader.isAtEnd else {
      throw ByteReader.Malformed(offset: reader.offset, reason: "bytes after the last operation")
    }
    return operations
  }
}
