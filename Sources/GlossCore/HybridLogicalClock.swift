/// A hybrid logical clock timestamp: wall-clock milliseconds since 1970 and a logical
/// counter that orders events within one millisecond (Kulkarni et al., 2014).
///
/// Packed into one `UInt64` (48 bits of milliseconds, 16 of counter) so that the packed
/// value sorts exactly like the timestamp; that is how the store keeps it.
public struct HLCTimestamp: Hashable, Comparable, Sendable, CustomStringConvertible {
  public let milliseconds: UInt64
  public let logical: UInt16

  public init(milliseconds: UInt64, logical: UInt16 = 0) {
    precondition(milliseconds < 1 << 48, "HLC milliseconds overflow 48 bits")
    self.milliseconds = milliseconds
    self.logical = logical
  }

  public init(packed: UInt64) {
    self.init(milliseconds: packed >> 16, logical: UInt16(truncatingIfNeeded: packed))
  }

  public var packed: UInt64 { milliseconds << 16 | UInt64(logical) }

  public var description: String { "\(milliseconds).\(logical)" }

  public static func < (lhs: HLCTimestamp, rhs: HLCTimestamp) -> Bool {
    lhs.packed < rhs.packed
  }
}

/// The clock a replica stamps its operations with.
///
/// Invariant: every timestamp it issues is strictly greater than every timestamp it issued
/// or observed before, even when the wall clock steps backwards. A remote timestamp more
/// than `maximumDrift` ahead of the local wall clock is not observed, so one peer with a
/// wrong clock cannot drag everyone's clock into the future.
public struct HybridLogicalClock: Sendable, Equatable {
  public private(set) var last: HLCTimestamp
  public let maximumDrift: UInt64

  /// 24 hours, in milliseconds.
  public static let defaultMaximumDrift: UInt64 = 24 * 60 * 60 * 1000

  public init(last: HLCTimestamp = HLCTimestamp(milliseconds: 0), maximumDrift: UInt64 = defaultMaximumDrift) {
    self.last = last
    self.maximumDrift = maximumDrift
  }

  /// A timestamp for a local event at wall-clock time `now` (milliseconds).
  public mutating func tick(now: UInt64) -> HLCTimestamp {
    last = Self.advance(last, past: HLCTimestamp(milliseconds: now))
    return last
  }

  /// Takes a remote timestamp into account. Returns false, and leaves the clock alone,
  /// when the remote timestamp is too far ahead of `now` to be trusted.
  @discardableResult
  public mutating func observe(_ remote: HLCTimestamp, now: UInt64) -> Bool {
    guard !isTooFarAhead(remote, now: now) else { return false }
    if remote > last { last = remote }
    return true
  }

  public func isTooFarAhead(_ timestamp: HLCTimestamp, now: UInt64) -> Bool {
    timestamp.milliseconds > now + maximumDrift
  }

  private static func advance(_ last: HLCTimestamp, past wall: HLCTimestamp) -> HLCTimestamp {
    if wall.milliseconds > last.milliseconds { return wall }
    if last.logical == UInt16.max { return HLCTimestamp(milliseconds: last.milliseconds + 1) }
    return HLCTimestamp(milliseconds: last.milliseconds, logical: last.logical + 1)
  }
}
