import GlossCore
import PropertyBased
import Testing

@Suite struct HybridLogicalClockTests {
  /// Whatever the wall clock does, stepping backwards included, timestamps strictly grow.
  @Test func ticksAreStrictlyMonotonic() async {
    await propertyCheck(count: 300, input: Gen.int(in: 0...5_000).array(of: 1...60)) { walls in
      var clock = HybridLogicalClock()
      var previous = HLCTimestamp(packed: 0)
      for wall in walls {
        let now = clock.tick(now: UInt64(wall))
        #expect(now > previous)
        #expect(now.milliseconds >= UInt64(wall))
        previous = now
      }
    }
  }

  @Test func observingMovesPastRemoteTimestamps() async {
    await propertyCheck(count: 300, input: Gen.int(in: 0...10_000).array(of: 1...40)) { events in
      var clock = HybridLogicalClock()
      var seen = HLCTimestamp(packed: 0)
      for (index, value) in events.enumerated() {
        if index % 2 == 0 {
          let remote = HLCTimestamp(milliseconds: UInt64(value), logical: UInt16(index))
          let observed = clock.observe(remote, now: 10_000)
          #expect(observed)
          seen = max(seen, remote)
        } else {
          let stamp = clock.tick(now: UInt64(value))
          #expect(stamp > seen)
          seen = stamp
        }
      }
    }
  }

  @Test func aTimestampFarInTheFutureIsNotObserved() {
    var clock = HybridLogicalClock(last: HLCTimestamp(milliseconds: 1_000))
    let day = HybridLogicalClock.defaultMaximumDrift
    let tooFar = clock.observe(HLCTimestamp(milliseconds: 5_000 + day + 1), now: 5_000)
    #expect(!tooFar)
    #expect(clock.last == HLCTimestamp(milliseconds: 1_000))
    let justInTime = clock.observe(HLCTimestamp(milliseconds: 5_000 + day), now: 5_000)
    #expect(justInTime)
    #expect(clock.last == HLCTimestamp(milliseconds: 5_000 + day))
  }

  @Test func logicalCounterOverflowCarriesIntoMilliseconds() {
    var clock = HybridLogicalClock(last: HLCTimestamp(milliseconds: 7, logical: .max))
    let next = clock.tick(now: 0)
    #expect(next == HLCTimestamp(milliseconds: 8))
  }

  @Test func packingPreservesOrder() async {
    let stamp = Gen.int(in: 0...1_000_000)
    await propertyCheck(count: 300, input: stamp, Gen.int(in: 0...65_535), stamp, Gen.int(in: 0...65_535)) {
      m1, l1, m2, l2 in
      let a = HLCTimestamp(milliseconds: UInt64(m1), logical: UInt16(l1))
      let b = HLCTimestamp(milliseconds: UInt64(m2), logical: UInt16(l2))
      #expect((a < b) == ((m1, l1) < (m2, l2)))
      #expect(HLCTimestamp(packed: a.packed) == a)
    }
  }
}
