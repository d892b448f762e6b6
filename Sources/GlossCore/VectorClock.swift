/// How two vector clocks relate.
public enum CausalOrder: Sendable, Equatable {
  case equal, before, after, concurrent
}

/// For each replica, the highest counter seen: a summary of a gap-free set of operations.
///
/// Replicas absent from the map count as 0. The clock never stores zero entries, so two
/// clocks that mean the same thing are `==`.
public struct VectorClock: Hashable, Sendable {
  public private(set) var counters: [ReplicaID: UInt64]

  public init(_ counters: [ReplicaID: UInt64] = [:]) {
    self.counters = counters.filter { $0.value > 0 }
  }

  public subscript(replica: ReplicaID) -> UInt64 {
    get { counters[replica] ?? 0 }
    set { counters[replica] = newValue == 0 ? nil : newValue }
  }

  public func contains(_ dot: Dot) -> Bool { self[dot.replica] >= dot.counter }

  /// Records `dot`; callers keep the gap-free invariant by applying operations in order.
  public mutating func record(_ dot: Dot) {
    guard dot.counter > 0 else { return }
    // One lookup: every applied operation is recorded.
    Self.raise(&counters[dot.replica, default: 0], to: dot.counter)
  }

  private static func raise(_ counter: inout UInt64, to value: UInt64) {
    if value > counter { counter = value }
  }

  /// The least clock that is after-or-equal both: pointwise maximum.
  public func merged(with other: VectorClock) -> VectorClock {
    VectorClock(counters.merging(other.counters, uniquingKeysWith: max))
  }

  public func compare(_ other: VectorClock) -> CausalOrder {
    var someLess = false
    var someGreater = false
    for replica in Set(counters.keys).union(other.counters.keys) {
      let mine = self[replica]
      let theirs = other[replica]
      if mine < theirs { someLess = true }
      if mine > theirs { someGreater = true }
    }
    switch (someLess, someGreater) {
    case (false, false): return .equal
    case (true, false): return .before
    case (false, true): return .after
    case (true, true): return .concurrent
    }
  }

  /// Per replica, the counters this clock has and `other` lacks, as closed ranges.
  public func missing(from other: VectorClock) -> [ReplicaID: ClosedRange<UInt64>] {
    var result: [ReplicaID: ClosedRange<UInt64>] = [:]
    for (replica, counter) in counters where counter > other[replica] {
      result[replica] = (other[replica] + 1)...counter
    }
    return result
  }

  /// The sum of all counters: how many operations the clock summarises.
  public var operationCount: UInt64 { counters.values.reduce(0, +) }

  /// `{"REPLICAHEX": counter, …}`, as bundle headers, `gloss clock --json` and the store's
  /// record of each peer's last clock write it.
  public var json: JSONValue {
    .object(Dictionary(uniqueKeysWithValues: counters.map { ($0.key.hex, JSONValue.int(Int64($0.value))) }))
  }

  /// Nil unless every key is a replica id and every value a counter.
  public init?(json: JSONValue?) {
    guard case .object(let members) = json else { return nil }
    var clock = VectorClock()
    for (key, value) in members {
      guard let replica = ReplicaID(hex: key), let counter = value.intValue, counter >= 0 else { return nil }
      clock[replica] = UInt64(counter)
    }
    self = clock
  }

  /// Entries in replica order, for stable output.
  public var sortedEntries: [(replica: ReplicaID, counter: UInt64)] {
    counters.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
  }
}
