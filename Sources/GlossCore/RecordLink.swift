/// What one `record.merge` or `record.unmerge` says about a pair of records.
///
/// Each unordered pair of records has a multi-value register of these. The register decides
/// whether the pair is linked as one paper; the groups of linked records, and which record of
/// a group is shown, follow from all registers and identifiers by `RecordGrouping`.
public enum RecordLink: Hashable, Sendable {
  /// The two are one paper; the writer wanted `keep` shown.
  case merged(keep: RecordID)
  /// The two are different papers, whatever identifiers they share.
  case separate
}

/// Which records are one paper, as a pure function of the pair registers and identifiers.
///
/// Invariant: the groups depend only on the set of applied operations, never on their order,
/// because each input is order-independent (registers converge; a record's DOI and PMID are
/// register winners) and the grouping is computed from the inputs alone.
public enum RecordGrouping {
  /// A pair is linked when its register says so, or, with an empty register, when the two
  /// share a DOI or PMID. A `separate` entry concurrent with a `merged` one keeps them apart:
  /// apart loses nothing (every annotation stays on its own record), while a wrong merge
  /// would show one paper's notes on another.
  public static func isLinked(_ register: MultiValueRegister<RecordLink>, sharingIdentifier: Bool) -> Bool {
    if register.isEmpty { return sharingIdentifier }
    return register.entries.allSatisfy { $0.value != .separate }
  }

  /// The record a group shows: among members no live merge asked to give way (`absorbed`),
  /// or among all members when every one did (two concurrent merges in opposite
  /// directions), the smallest id. A single `gloss merge KEEP OTHER` therefore shows KEEP.
  public static func survivor(of members: some Collection<RecordID>, absorbed: Set<RecordID>) -> RecordID {
    precondition(!members.isEmpty, "a group has at least one record")
    let candidates = members.filter { !absorbed.contains($0) }
    return (candidates.isEmpty ? Array(members) : candidates).min()!
  }

  /// The connected component of `start` under `neighbours` (linked records).
  public static func component<Node: Hashable, Failure>(
    of start: Node, neighbours: (Node) throws(Failure) -> [Node]
  ) throws(Failure) -> Set<Node> {
    var seen: Set<Node> = [start]
    var queue = [start]
    while let next = queue.popLast() {
      for neighbour in try neighbours(next) where seen.insert(neighbour).inserted { queue.append(neighbour) }
    }
    return seen
  }
}
