/// What a note's register holds: a body, or the mark that someone deleted the note.
///
/// Deleting is a write like any other, so an edit concurrent with a delete leaves both in
/// the register: the note survives, flagged, until someone resolves it.
public enum NoteContent: Hashable, Sendable {
  case text(String)
  case deleted

  public var text: String? {
    if case .text(let body) = self { return body }
    return nil
  }
}

/// A note's state as read from its register.
public enum NoteState: String, Sendable, CaseIterable {
  /// One body (several concurrent writes of the same body count as one).
  case live
  /// Every entry is a deletion.
  case deleted
  /// Several different bodies were written concurrently.
  case conflict
  /// A deletion and at least one concurrent edit: kept, and shown, until resolved.
  case deletedConcurrently = "deleted-concurrently"

  public init(_ register: MultiValueRegister<NoteContent>) {
    let values = Set(register.entries.map(\.value))
    let bodies = values.filter { $0 != .deleted }
    switch (values.contains(.deleted), bodies.count) {
    case (true, 0): self = .deleted
    case (true, _): self = .deletedConcurrently
    case (false, 0), (false, 1): self = .live
    default: self = .conflict
    }
  }

  /// States `gloss conflicts` lists.
  public var isConflict: Bool { self == .conflict || self == .deletedConcurrently }

  /// The body reads show: the preferred entry that is not a deletion.
  public static func shownBody(_ register: MultiValueRegister<NoteContent>) -> String {
    register.entries.filter { $0.value != .deleted }.max { RegisterEntry.isPreferred($1, over: $0) }?.value.text ?? ""
  }
}
