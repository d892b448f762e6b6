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
}
