/// How a person's reading status is read from its register.
///
/// The register is per (record, person) and only that person's replicas write it. The
/// latest entry by hybrid logical clock wins, ties broken by replica id. An entry stamped
/// more than `HybridLogicalClock.defaultMaximumDrift` ahead of the reader's clock does not
/// take over: it stays in the register (nothing is lost) and is reported, and it counts
/// once the reader's clock reaches it.
public enum StatusRule {
  public static func effective(
    _ register: MultiValueRegister<ReadingStatus>, now: HLCTimestamp,
    maximumDrift: UInt64 = HybridLogicalClock.defaultMaximumDrift
  ) -> (status: ReadingStatus, entry: RegisterEntry<ReadingStatus>?, future: [RegisterEntry<ReadingStatus>]) {
    let horizon = now.milliseconds + maximumDrift
    let future = register.entries.filter { $0.timestamp.milliseconds > horizon }
    let current = register.entries.filter { $0.timestamp.milliseconds <= horizon }
    let winner = current.max { RegisterEntry.isPreferred($1, over: $0) }
    return (winner?.value ?? .unread, winner, future)
  }
}
