/// What an operation does. Each case is one kind in `Protocol/MERGE.md`.
public enum OperationBody: Hashable, Sendable {
  /// Brings a record into existence and writes every bibliographic field with this dot.
  case createRecord(Publication)
  /// Writes one field's register, superseding the entries the writer had seen.
  case setField(RecordField, JSONValue)
  /// Adds a tag, in the spelling typed; the tag's identity is `TagName.key` of it.
  case addTag(String)
  /// Removes the additions of a tag that the writer had seen (listed in `supersedes`).
  case removeTag(String)
  /// Creates a note on `record`; the note's id derives from the operation's dot.
  case createNote(record: RecordID, text: String, anchor: TextAnchor?)
  case editNote(String)
  case deleteNote
  /// Sets the operation's person's own reading status.
  case setStatus(ReadingStatus)
  /// Records what an import source (a file name) says about a record: its fields with a
  /// value. Provenance, not bibliography: it changes no field, so that a second source
  /// disagreeing is never a conflict, and a re-import rewrites only what its source changed.
  case saySource(source: String, fields: [RecordField: JSONValue])
  /// Says that the target record and `into` are one paper, `into` to be shown: an entry of
  /// the pair's `RecordLink` register, superseding the entries the writer had seen.
  case mergeRecord(into: RecordID)
  /// Says that the target record and `from` are different papers: the pair's register entry
  /// that undoes a merge, or keeps apart two records that share a DOI or PMID.
  case unmergeRecord(from: RecordID)

  public var kind: String {
    switch self {
    case .createRecord: "record.create"
    case .setField: "record.set"
    case .addTag: "tag.add"
    case .removeTag: "tag.remove"
    case .createNote: "note.create"
    case .editNote: "note.edit"
    case .deleteNote: "note.delete"
    case .setStatus: "status.set"
    case .saySource: "source.say"
    case .mergeRecord: "record.merge"
    case .unmergeRecord: "record.unmerge"
    }
  }

  public static let kinds = [
    "record.create", "record.set", "tag.add", "tag.remove", "note.create", "note.edit", "note.delete", "status.set",
    "source.say", "record.merge", "record.unmerge",
  ]

  /// `payload.canonical` (`writeCanonicalPayload`).
  public var canonicalPayload: String {
    var out: [UInt8] = []
    writeCanonicalPayload(into: &out)
    return String(decoding: out, as: UTF8.self)
  }

  /// A `record.create` payload's members in canonical key order: every listing field, the
  /// library fields that hold a value (an empty one is absent), and the sorted `topics` and
  /// `sources`. The one statement of what the payload holds, for both of its forms.
  static func createRecordMembers(_ publication: Publication) -> [(String, JSONValue)] {
    createRecordKeys.compactMap { key, field in
      guard let field else {
        let set = key == "topics" ? publication.topics : publication.sources
        return (key, .array(set.sorted().map(JSONValue.string)))
      }
      let value = publication.value(of: field)
      return field.isLibraryField && field.isEmpty(value) ? nil : (key, value)
    }
  }

  /// The keys of a `record.create` payload in canonical order, each field's or nil for the
  /// `topics` and `sources` sets. Every key is plain ASCII: no escaping needed.
  private static let createRecordKeys: [(String, RecordField?)] =
    (RecordField.allCases.map { ($0.rawValue, Optional($0)) } + [("topics", nil), ("sources", nil)])
    .sorted { $0.0.utf8.lexicographicallyPrecedes($1.0.utf8) }

  public var payload: JSONValue {
    switch self {
    case .createRecord(let publication):
      return .object(Dictionary(uniqueKeysWithValues: Self.createRecordMembers(publication)))
    case .setField(let field, let value): return .object(["field": .string(field.rawValue), "value": value])
    case .addTag(let tag), .removeTag(let tag): return .object(["tag": .string(tag)])
    case .createNote(let record, let text, let anchor):
      return .object(["record": .string(record.text), "text": .string(text), "anchor": anchor?.json ?? .null])
    case .editNote(let text): return .object(["text": .string(text)])
    case .deleteNote: return .object([:])
    case .setStatus(let status): return .object(["status": .string(status.rawValue)])
    case .saySource(let source, let fields):
      return .object([
        "source": .string(source),
        "fields": .object(Dictionary(uniqueKeysWithValues: fields.map { ($0.key.rawValue, $0.value) })),
      ])
    case .mergeRecord(let into): return .object(["into": .string(into.text)])
    case .unmergeRecord(let from): return .object(["from": .string(from.text)])
    }
  }

  public init(kind: String, payload: JSONValue) throws(OperationDecodingError) {
    func string(_ key: String) throws(OperationDecodingError) -> String {
      guard let value = payload[key]?.stringValue else { throw OperationDecodingError(kind: kind, key: key) }
      return value
    }
    switch kind {
    case "record.create":
      var publication = Publication(title: "")
      for field in RecordField.allCases {
        // A library field is absent when empty; present, it must hold a value (one
        // canonical form, which the chain hash depends on).
        if field.isLibraryField, payload[field.rawValue] == nil { continue }
        guard let value = payload[field.rawValue], !(field.isLibraryField && field.isEmpty(value)),
          publication.set(field, to: value)
        else {
          throw OperationDecodingError(kind: kind, key: field.rawValue)
        }
      }
      guard let topics = payload["topics"]?.arrayValue?.compactMap(\.stringValue),
        let sources = payload["sources"]?.arrayValue?.compactMap(\.stringValue)
      else { throw OperationDecodingError(kind: kind, key: "topics") }
      publication.topics = topics
      publication.sources = sources
      self = .createRecord(publication)
    case "record.set":
      guard let field = RecordField(rawValue: try string("field")), let value = payload["value"],
        Publication(title: "").settable(field, value)
      else { throw OperationDecodingError(kind: kind, key: "value") }
      self = .setField(field, value)
    case "tag.add": self = .addTag(try string("tag"))
    case "tag.remove": self = .removeTag(try string("tag"))
    case "note.create":
      guard let record = RecordID(try string("record")) else { throw OperationDecodingError(kind: kind, key: "record") }
      var anchor: TextAnchor?
      if let json = payload["anchor"], json != .null {
        guard let decoded = TextAnchor(json: json) else { throw OperationDecodingError(kind: kind, key: "anchor") }
        anchor = decoded
      }
      self = .createNote(record: record, text: try string("text"), anchor: anchor)
    case "note.edit": self = .editNote(try string("text"))
    case "note.delete": self = .deleteNote
    case "status.set":
      guard let status = ReadingStatus(rawValue: try string("status")) else {
        throw OperationDecodingError(kind: kind, key: "status")
      }
      self = .setStatus(status)
    case "source.say":
      guard case .object(let members)? = payload["fields"] else {
        throw OperationDecodingError(kind: kind, key: "fields")
      }
      var fields: [RecordField: JSONValue] = [:]
      for (name, value) in members {
        // Only fields with a value: an absent field is the source saying nothing (one form).
        guard let field = RecordField(rawValue: name), value != Publication.empty.value(of: field),
          Publication.empty.settable(field, value)
        else { throw OperationDecodingError(kind: kind, key: "fields.\(name)") }
        fields[field] = value
      }
      let source = try string("source")
      guard !source.isEmpty else { throw OperationDecodingError(kind: kind, key: "source") }
      self = .saySource(source: source, fields: fields)
    case "record.merge":
      guard let into = RecordID(try string("into")) else { throw OperationDecodingError(kind: kind, key: "into") }
      self = .mergeRecord(into: into)
    case "record.unmerge":
      guard let from = RecordID(try string("from")) else { throw OperationDecodingError(kind: kind, key: "from") }
      self = .unmergeRecord(from: from)
    default: throw OperationDecodingError(kind: kind, key: nil)
    }
  }
}

extension Publication {
  /// A publication with every field empty: each field's empty value.
  public static let empty = Publication(title: "")

  /// The fields that hold something other than their empty value: what a source says.
  public var statedFields: [RecordField: JSONValue] { fields(RecordField.allCases) }

  /// Those of `candidates` that hold a value. Every field's empty value is one of `""`,
  /// `[]`, `false` and `null`, and no field holds one of those as a value.
  func fields(_ candidates: [RecordField]) -> [RecordField: JSONValue] {
    var fields: [RecordField: JSONValue] = [:]
    for field in candidates {
      let value = value(of: field)
      switch value {
      case .string(""), .array([]), .bool(false), .null: continue
      default: fields[field] = value
      }
    }
    return fields
  }

  func settable(_ field: RecordField, _ value: JSONValue) -> Bool {
    var copy = self
    return copy.set(field, to: value)
  }
}

public struct OperationDecodingError: Error, Equatable, CustomStringConvertible {
  public let kind: String
  public let key: String?
  public var description: String {
    guard let key else { return "unknown operation kind '\(kind)'" }
    return "operation \(kind) has a missing or malformed '\(key)'"
  }
}

/// An operation: one entry of the change log (named `Op`, as in Automerge, because
/// Foundation already has an `Operation`).
///
/// Causality: an operation may be applied once the store holds the previous operation of
/// its replica (counter − 1), every dot in `supersedes` and every dot in `requires`. That
/// is all a store needs to know to keep an early operation pending.
public struct Op: Hashable, Sendable {
  public let dot: Dot
  public let timestamp: HLCTimestamp
  /// The person of the replica that made it; reading status is keyed by it.
  public let person: String
  /// The record id, or the note id for note operations.
  public let target: String
  public let body: OperationBody
  /// Register entries or tag additions this operation replaces; sorted, no duplicates.
  public let supersedes: [Dot]
  /// Operations that must be applied first without being replaced: the creation of the
  /// record or note that this operation acts on. Sorted, no duplicates.
  public let requires: [Dot]

  public init(
    dot: Dot, timestamp: HLCTimestamp, person: String, target: String, body: OperationBody, supersedes: [Dot] = [],
    requires: [Dot] = []
  ) {
    self.dot = dot
    self.timestamp = timestamp
    self.person = person
    self.target = target
    self.body = body
    self.supersedes = Self.sortedUnique(supersedes)
    self.requires = Self.sortedUnique(requires.filter { !supersedes.contains($0) })
  }

  public var kind: String { body.kind }

  /// Nearly every operation carries at most one dot in each list, already in order: that
  /// case builds no set, and a bundle of a million operations decodes two million lists.
  private static func sortedUnique(_ dots: [Dot]) -> [Dot] {
    if zip(dots, dots.dropFirst()).allSatisfy({ $0 < $1 }) { return dots }
    return Array(Set(dots)).sorted()
  }

  /// Every dot this operation waits for, its own replica's previous one included.
  public var dependencies: [Dot] {
    var deps = supersedes + requires
    if dot.counter > 1 { deps.append(Dot(replica: dot.replica, counter: dot.counter - 1)) }
    return deps
  }

  /// Whether `clock` holds every dependency, without listing them.
  public func isReady(after clock: VectorClock) -> Bool {
    (dot.counter == 1 || clock.contains(Dot(replica: dot.replica, counter: dot.counter - 1)))
      && supersedes.allSatisfy(clock.contains) && requires.allSatisfy(clock.contains)
  }

  /// The canonical JSON form, as in test vectors and `gloss log --json`.
  public var json: JSONValue {
    .object([
      "dot": .string(dot.description), "hlc": .int(Int64(timestamp.packed)), "person": .string(person),
      "kind": .string(kind), "target": .string(target), "payload": body.payload,
      "supersedes": .array(supersedes.map { .string($0.description) }),
      "requires": .array(requires.map { .string($0.description) }),
    ])
  }

  public init(json: JSONValue) throws(OperationDecodingError) {
    func dots(_ key: String) throws(OperationDecodingError) -> [Dot] {
      guard let items = json[key]?.arrayValue else { throw OperationDecodingError(kind: "operation", key: key) }
      let parsed = items.compactMap { $0.stringValue.flatMap(Dot.init) }
      guard parsed.count == items.count else { throw OperationDecodingError(kind: "operation", key: key) }
      return parsed
    }
    guard let dotText = json["dot"]?.stringValue, let dot = Dot(dotText) else {
      throw OperationDecodingError(kind: "operation", key: "dot")
    }
    guard let hlc = json["hlc"]?.intValue, hlc >= 0 else { throw OperationDecodingError(kind: "operation", key: "hlc") }
    guard let person = json["person"]?.stringValue, let kind = json["kind"]?.stringValue,
      let target = json["target"]?.stringValue, let payload = json["payload"]
    else { throw OperationDecodingError(kind: "operation", key: "kind") }
    self.init(
      dot: dot, timestamp: HLCTimestamp(packed: UInt64(hlc)), person: person, target: target,
      body: try OperationBody(kind: kind, payload: payload), supersedes: try dots("supersedes"),
      requires: try dots("requires"))
  }
}
