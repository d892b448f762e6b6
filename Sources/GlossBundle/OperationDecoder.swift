import GlossCore

/// Decodes a body in `OperationCodec`'s encoding one operation at a time, so that a reader
/// holds the decompressed body and its tables but never every decoded operation at once: a
/// million operations would otherwise take gigabytes as values.
///
/// Every index is checked against its table. The text the operations refer to, counted once
/// per reference, may not pass `textLimit`: each reference is hashed and stored with its
/// operation, so a small table referred to many times must not cost more than a bounded
/// multiple of the body.
struct OperationDecoder {
  private var reader: ByteReader
  private let replicas: [ReplicaID]
  /// Where each string of the table lies in the body; each was checked to be UTF-8 once.
  private let strings: [Range<Int>]
  private let ranges: [BundleRange]
  private let textLimit: Int
  private var text = 0
  private var previousHLC: Int64 = 0
  private var rangeIndex = 0
  private var nextCounter: UInt64

  /// Reads the replica and string tables.
  init(_ bytes: [UInt8], ranges: [BundleRange], textLimit: Int) throws(ByteReader.Malformed) {
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
    var strings: [Range<Int>] = []
    strings.reserveCapacity(stringCount)
    for _ in 0..<stringCount {
      let length = try reader.count(limit: bytes.count - reader.offset)
      let start = reader.offset
      guard String(validating: try reader.raw(length), as: UTF8.self) != nil else {
        throw ByteReader.Malformed(offset: start, reason: "a string is not valid UTF-8")
      }
      strings.append(start..<reader.offset)
    }
    self.reader = reader
    self.replicas = replicas
    self.strings = strings
    self.ranges = ranges
    self.textLimit = textLimit
    self.nextCounter = ranges.first?.from ?? 0
  }

  /// Where the next operation starts in the body.
  var offset: Int { reader.offset }

  /// The canonical payload text of the operation `body(kind:)` just read, when the body
  /// carried it whole (`record.create`, `source.say`): checked equal to what the decoded
  /// payload writes, so it need not be written again.
  private var carriedPayload: String?

  /// The next operation in range order with its canonical payload text (which the chain
  /// hash and the store's log take), or nil after the last one the ranges announce, when
  /// the body must end too.
  mutating func next() throws(ByteReader.Malformed) -> (op: Op, payload: String)? {
    guard rangeIndex < ranges.count else {
      guard reader.isAtEnd else {
        throw ByteReader.Malformed(offset: reader.offset, reason: "bytes after the last operation")
      }
      return nil
    }
    let range = ranges[rangeIndex]
    let dot = Dot(replica: range.replica, counter: nextCounter)
    if nextCounter == range.to {
      rangeIndex += 1
      nextCounter = rangeIndex < ranges.count ? ranges[rangeIndex].from : 0
    } else {
      nextCounter += 1
    }
    let start = reader.offset
    let kinds = OperationCodec.kinds
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
      body = try self.body(kind: kinds[kindIndex])
    } catch let error as ByteReader.Malformed {
      throw error
    } catch {
      throw ByteReader.Malformed(offset: start, reason: "a malformed \(kinds[kindIndex]) operation (\(error))")
    }
    let supersedes = try dots()
    let requires = try dots()
    let op = Op(
      dot: dot, timestamp: HLCTimestamp(packed: UInt64(hlc)), person: range.person, target: target, body: body,
      supersedes: supersedes, requires: requires)
    try checkDerivedID(op, at: start)
    guard supersedes.allSatisfy({ !requires.contains($0) }) else {
      throw Self.notCanonical(
        at: start,
        "operation \(op.dot.counter) of \(SafeText.escaped(op.person)) (\(op.kind)) is not in canonical form "
          + "(a dot both in supersedes and in requires)")
    }
    defer { carriedPayload = nil }
    return (op, carriedPayload ?? body.canonicalPayload)
  }

  /// A `record.create` targets the id its payload derives and a `note.create` the id its
  /// dot derives (MERGE.md §1): an operation claiming another is a forgery meant to create
  /// one thing under the name of another, and is refused.
  private func checkDerivedID(_ op: Op, at offset: Int) throws(ByteReader.Malformed) {
    let derived: String
    switch op.body {
    case .createRecord(let publication): derived = publication.id.text
    case .createNote: derived = NoteID.make(for: op.dot)
    default: return
    }
    guard op.target == derived else {
      throw ByteReader.Malformed(
        offset: offset,
        reason:
          "operation \(op.dot.counter) of \(SafeText.escaped(op.person)) (\(op.kind)) targets \(SafeText.escaped(op.target)), "
          + "but the id it derives is \(derived): a forged id",
        remedy: "do not trust this file")
    }
  }

  /// The chain hash is taken over each operation's canonical form (BUNDLE.md §3.1): a body
  /// that encodes an operation otherwise would make readers hash something else than its
  /// writer signed, so it is refused for what it is, not as a forgery.
  private static func notCanonical(at offset: Int, _ problem: String) -> ByteReader.Malformed {
    ByteReader.Malformed(offset: offset, reason: problem + "; its writer does not follow BUNDLE.md §3.1")
  }

  private mutating func body(kind: String) throws -> OperationBody {
    switch kind {
    case "record.create", "source.say":
      let start = reader.offset
      let (text, payload) = try json()
      let body = try OperationBody(kind: kind, payload: payload)
      guard body.canonicalPayload == text else {
        throw Self.notCanonical(
          at: start,
          "a \(kind) payload that is not in canonical form (unknown members, unsorted or repeated topics or sources, or not canonical JSON)"
        )
      }
      carriedPayload = text
      return body
    case "record.set":
      let field = Int(try reader.byte())
      guard field < RecordField.allCases.count else {
        throw ByteReader.Malformed(offset: reader.offset - 1, reason: "unknown field \(field)")
      }
      let start = reader.offset
      let (text, value) = try json()
      guard value.canonical == text else {
        throw Self.notCanonical(at: start, "a record.set value that is not canonical JSON")
      }
      return try OperationBody(
        kind: "record.set", payload: .object(["field": .string(RecordField.allCases[field].rawValue), "value": value]))
    case "tag.add": return .addTag(try string().text)
    case "tag.remove": return .removeTag(try string().text)
    case "note.create":
      guard let record = RecordID(try string().text) else {
        throw ByteReader.Malformed(offset: reader.offset, reason: "a bad record id")
      }
      let text = try string().text
      switch try reader.byte() {
      case 0: return .createNote(record: record, text: text, anchor: nil)
      case 1:
        let start = reader.offset
        let (anchorText, json) = try json()
        guard let anchor = TextAnchor(json: json) else {
          throw ByteReader.Malformed(offset: reader.offset, reason: "a bad anchor")
        }
        guard anchor.json.canonical == anchorText else {
          throw Self.notCanonical(
            at: start, "an anchor that is not in canonical form (unknown members or not canonical JSON)")
        }
        return .createNote(record: record, text: text, anchor: anchor)
      default: throw ByteReader.Malformed(offset: reader.offset - 1, reason: "an anchor flag other than 0 or 1")
      }
    case "note.edit": return .editNote(try string().text)
    case "note.delete": return .deleteNote
    case "record.merge", "record.unmerge":
      guard let other = RecordID(try string().text) else {
        throw ByteReader.Malformed(offset: reader.offset, reason: "a bad record id")
      }
      return kind == "record.merge" ? .mergeRecord(into: other) : .unmergeRecord(from: other)
    default:
      let status = Int(try reader.byte())
      guard status < ReadingStatus.allCases.count else {
        throw ByteReader.Malformed(offset: reader.offset - 1, reason: "unknown status \(status)")
      }
      return .setStatus(ReadingStatus.allCases[status])
    }
  }

  private mutating func string() throws(ByteReader.Malformed) -> (index: Int, text: String) {
    let start = reader.offset
    let index = try reader.varint()
    guard index < UInt64(strings.count) else {
      throw ByteReader.Malformed(offset: start, reason: "string \(index) of a table of \(strings.count)")
    }
    let range = strings[Int(index)]
    text += range.count
    guard text <= textLimit else {
      throw ByteReader.Malformed(
        offset: start, reason: "the operations refer to more than the \(textLimit) bytes of text allowed")
    }
    return (Int(index), String(decoding: reader.bytes[range], as: UTF8.self))
  }

  /// A JSON string of the table: its text and its value.
  private mutating func json() throws(ByteReader.Malformed) -> (text: String, value: JSONValue) {
    let start = reader.offset
    let (index, text) = try string()
    do {
      return (text, try JSONValue(parsing: text))
    } catch {
      throw ByteReader.Malformed(offset: start, reason: "string \(index) is not valid JSON (\(error.reason))")
    }
  }

  private mutating func dots() throws(ByteReader.Malformed) -> [Dot] {
    // Each dot takes at least two bytes.
    let count = try reader.count(limit: (reader.bytes.count - reader.offset) / 2)
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
      let dot = Dot(replica: replicas[Int(index)], counter: counter)
      guard result.last.map({ $0 < dot }) ?? true else {
        throw Self.notCanonical(at: start, "dots that are not sorted or repeat (\(result.last!) then \(dot))")
      }
      result.append(dot)
    }
    return result
  }
}
