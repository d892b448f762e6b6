/// One person's reading status of one record: every status write, with the earliest clock
/// at which a later write superseded it.
///
/// Only that person's replicas write it. Reading at time `now`: a write counts once the
/// reader's clock is within `maximumDrift` of it, and stops counting once a write that
/// superseded it counts. Among the writes that count, the latest hybrid logical clock wins,
/// ties broken by replica id. So a status stamped more than a day ahead (a wrong clock)
/// neither takes over nor hides what it replaced: it is kept, reported, and counts when
/// its time comes. The history is determined by the operations alone, and `supersededAt`
/// is a minimum, so it is the same whatever order the writes arrive in.
public struct StatusHistory: Hashable, Sendable {
  public private(set) var entries: [RegisterEntry<ReadingStatus>] = []
  public private(set) var supersededAt: [Dot: HLCTimestamp] = [:]

  public init(entries: [RegisterEntry<ReadingStatus>] = [], supersededAt: [Dot: HLCTimestamp] = [:]) {
    self.entries = entries.sorted { $0.dot < $1.dot }
    self.supersededAt = supersededAt
  }

  public mutating func write(_ entry: RegisterEntry<ReadingStatus>, superseding: some Sequence<Dot>) {
    for dot in superseding {
      supersededAt[dot] = min(supersededAt[dot] ?? entry.timestamp, entry.timestamp)
    }
    entries.removeAll { $0.dot == entry.dot }
    let index = entries.firstIndex { entry.dot < $0.dot } ?? entries.endIndex
    entries.insert(entry, at: index)
  }

  public func effective(now: HLCTimestamp, maximumDrift: UInt64 = HybridLogicalClock.defaultMaximumDrift)
    -> (status: ReadingStatus, entry: RegisterEntry<ReadingStatus>?, future: [RegisterEntry<ReadingStatus>])
  {
    let horizon = now.milliseconds + maximumDrift
    let counts = { (timestamp: HLCTimestamp) in timestamp.milliseconds <= horizon }
    let live = entries.filter { entry in
      counts(entry.timestamp) && !(supersededAt[entry.dot].map(counts) ?? false)
    }
    let winner = live.max { RegisterEntry.isPreferred($1, over: $0) }
    return (winner?.value ?? .unread, winner, entries.filter { !counts($0.timestamp) })
  }
}
