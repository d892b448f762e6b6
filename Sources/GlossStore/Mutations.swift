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

extension WriteSession {
  /// Makes `other` and `keep` one paper, shown as `keep`: a `record.merge` that syncs. Each
  /// keeps its own fields and what was made on it; reads show them together.
  public func merge(keep: RecordRef, other: RecordRef) throws -> Op {
    guard keep.num != other.num else { throw StoreError("\(keep.id) and \(other.id) are the same record") }
    guard keep.group != other.group else {
      throw StoreError("\(other.id) and \(keep.id) are already one record, shown as \(try shownID(keep))")
    }
    let register = try RecordGroups(db: db).link(keep.num, other.num)
    return try commit(
      .mergeRecord(into: RecordID(keep.id)!), target: other.id, supersedes: register.register.dots,
      requires: [try reader.originDot(record: keep), try reader.originDot(record: other)])
  }

  /// Takes `record` out of its group: a `record.unmerge` for each record it is linked to
  /// (by a merge or a shared identifier), so that nothing links it any more. What was made
  /// on each record while they were one goes back with it. Returns the records it was
  /// linked to.
  public func unmerge(_ record: RecordRef) throws -> [RecordRef] {
    let groups = RecordGroups(db: db)
    let partners = try groups.linked(to: record.num).neighbours
    guard !partners.isEmpty else { throw StoreError("\(record.id) is not merged with any record") }
    var refs: [RecordRef] = []
    for partner in partners {
      let other = try reader.recordRef(num: partner)!
      try commit(
        .unmergeRecord(from: RecordID(other.id)!), target: record.id,
        supersedes: try groups.link(record.num, partner).register.dots,
        requires: [try reader.originDot(record: record), try reader.originDot(record: other)])
      refs.append(other)
    }
    return refs
  }

  private func shownID(_ record: RecordRef) throws -> String { try reader.recordRef(num: record.group)!.id }
}
