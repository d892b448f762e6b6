import GRDB
import GlossCore

/// Every change a person can make, as operations. Each reads the state this replica has
/// seen to fill in `supersedes` (what the change replaces) and `requires` (what it acts
/// on): that is what makes concurrent changes from other replicas merge as
/// `Protocol/MERGE.md` says.
extension WriteSession {
  public func tag(_ record: RecordRef, _ tags: [String]) throws -> [Op] {
    let origin = try reader.originDot(record: record)
    var operations: [Op] = []
    for tag in tags {
      guard TagName.isValid(tag) else { throw StoreError("'\(tag)' is not a tag: use letters, digits and -_./+ only") }
      operations.append(try commit(.addTag(tag), target: record.id, requires: [origin]))
    }
    return operations
  }

  /// Removes the additions of each tag that this replica has seen; an addition made
  /// concurrently elsewhere survives (add-wins).
  public func untag(_ record: RecordRef, _ tags: [String]) throws -> [Op] {
    let origin = try reader.originDot(record: record)
    var operations: [Op] = []
    for tag in tags {
      let observed = try reader.tagAdditions(record: record, key: TagName.key(tag))
      guard !observed.isEmpty else { throw StoreError("\(record.id) has no tag '\(tag)'") }
      operations.append(try commit(.removeTag(tag), target: record.id, supersedes: observed, requires: [origin]))
    }
    return operations
  }

  /// Creates a note; with `quote`, anchors it to the first place the exact text occurs in
  /// the title or abstract.
  public func addNote(_ record: RecordRef, text: String, quote: String?) throws -> String {
    guard !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
      throw StoreError("a note needs some text")
    }
    var anchor: TextAnchor?
    if let quote {
      guard let publication = try reader.publication(num: record.num),
        let located = TextAnchor.locate(quote, in: publication)
      else {
        throw StoreError(
          "the quote does not occur in the title or abstract of \(record.id); copy the exact text (`gloss show \(record.id)`)"
        )
      }
      anchor = located
    }
    let id = NoteID.make(for: nextDot)
    try commit(
      .createNote(record: RecordID(record.id)!, text: text, anchor: anchor), target: id,
      requires: [try reader.originDot(record: record)])
    return id
  }

  public func editNote(_ note: NoteRef, text: String) throws {
    guard !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
      throw StoreError("a note needs some text; use note-delete to remove it")
    }
    try commit(.editNote(text), target: note.id, supersedes: try reader.noteDots(note), requires: [note.origin])
  }

  public func deleteNote(_ note: NoteRef) throws {
    guard note.state != .deleted else { throw StoreError("note \(note.id) is already deleted") }
    try commit(.deleteNote, target: note.id, supersedes: try reader.noteDots(note), requires: [note.origin])
  }

  /// Sets this person's reading status, replacing what this replica has seen of it.
  public func setStatus(_ record: RecordRef, _ status: ReadingStatus) throws -> Op {
    let supersedes = try StatusRegisters(db: db).frontier(record: record.num, person: local.person)
    return try commit(
      .setStatus(status), target: record.id, supersedes: supersedes, requires: [try reader.originDot(record: record)])
  }

  public func setField(_ record: RecordRef, _ field: RecordField, _ value: JSONValue) throws -> Op {
    try commit(
      .setField(field, value), target: record.id, supersedes: try reader.fieldDots(record: record, field: field),
      requires: [try reader.originDot(record: record)])
  }
}
