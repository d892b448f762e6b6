import GlossCore

/// A note's row, id, creating dot and state.
public struct NoteRef: Sendable, Equatable {
  public let num: Int64
  public let id: String
  public let record: Int64
  public let origin: Dot
  public let state: NoteState
}

/// A note as `gloss notes` shows it.
public struct NoteView: Sendable, Equatable {
  public let id: String
  public let recordID: String
  public let author: String
  public let body: String
  public let state: NoteState
  public let anchor: TextAnchor?
  public let created: HLCTimestamp
  /// Every body in the register when it holds several (a conflict), preferred first.
  public let alternatives: [RegisterEntry<NoteContent>]

  /// When the body shown was written: the preferred entry's clock, or the creation's.
  public var modified: HLCTimestamp { alternatives.first?.timestamp ?? created }

  public var json: JSONValue {
    var members: [String: JSONValue] = [
      "id": .string(id), "record": .string(recordID), "author": .string(author), "body": .string(body),
      "state": .string(state.rawValue), "anchor": anchor?.json ?? .null,
    ]
    if alternatives.count > 1 {
      members["values"] = .array(
        alternatives.map {
          .object([
            "value": $0.value.text.map(JSONValue.string) ?? .null, "deleted": .bool($0.value == .deleted),
            "person": .string($0.person), "dot": .string($0.dot.description),
          ])
        })
    }
    return .object(members)
  }
}
