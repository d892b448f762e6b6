/// One write held by a register.
public struct RegisterEntry<Value: Hashable & Sendable>: Hashable, Sendable {
  public let dot: Dot
  public let timestamp: HLCTimestamp
  public let person: String
  public let value: Value

  public init(dot: Dot, timestamp: HLCTimestamp, person: String, value: Value) {
    self.dot = dot
    self.timestamp = timestamp
    self.person = person
    self.value = value
  }

  /// The deterministic read order: later hybrid logical clock first, then higher replica id.
  public static func isPreferred(_ lhs: RegisterEntry, over rhs: RegisterEntry) -> Bool {
    (lhs.timestamp, lhs.dot.replica, lhs.dot.counter) > (rhs.timestamp, rhs.dot.replica, rhs.dot.counter)
  }
}

/// A multi-value register: it keeps every write that no later write has superseded.
///
/// A write names the entries its writer had seen (`superseding`); those go, the write
/// stays. Two writes that did not see each other both stay: that is a conflict, unless
/// they wrote the same value. Under causal delivery (every superseded dot is applied before
/// its superseder) applying the same writes in any order gives the same entries.
public struct MultiValueRegister<Value: Hashable & Sendable>: Hashable, Sendable {
  /// Sorted by dot, so equal registers have equal entry arrays.
  public private(set) var entries: [RegisterEntry<Value>]

  public init(entries: [RegisterEntry<Value>] = []) {
    self.entries = entries.sorted { $0.dot < $1.dot }
  }

  public mutating func write(_ entry: RegisterEntry<Value>, superseding: some Sequence<Dot>) {
    let gone = Set(superseding)
    entries.removeAll { gone.contains($0.dot) || $0.dot == entry.dot }
    let index = entries.firstIndex { entry.dot < $0.dot } ?? entries.endIndex
    entries.insert(entry, at: index)
  }

  public var dots: [Dot] { entries.map(\.dot) }

  public var isEmpty: Bool { entries.isEmpty }

  /// The entry reads show: the preferred one (see `RegisterEntry.isPreferred`).
  public var winner: RegisterEntry<Value>? {
    entries.max { RegisterEntry.isPreferred($1, over: $0) }
  }

  /// Entries with distinct values, preferred first; several means a conflict.
  public var distinctValues: [RegisterEntry<Value>] {
    var seen = Set<Value>()
    return entries.sorted { RegisterEntry.isPreferred($0, over: $1) }.filter { seen.insert($0.value).inserted }
  }

  /// Concurrent writes of the same value are agreement, not a conflict.
  public var isConflicted: Bool { distinctValues.count > 1 }
}
