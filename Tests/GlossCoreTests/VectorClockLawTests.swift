import GlossCore
import PropertyBased
import Testing

/// Four fixed replicas; a generated clock is one counter (0...4) per replica.
let replicas = (1...4).map { ReplicaID(high: UInt64($0), low: UInt64($0) * 7) }
let clockGenerator = Gen.int(in: 0...4).array(of: 4)

func clock(_ counters: [Int]) -> VectorClock {
  VectorClock(Dictionary(uniqueKeysWithValues: zip(replicas, counters.map(UInt64.init))))
}

@Suite struct VectorClockLawTests {
  @Test func mergeIsCommutative() async {
    await propertyCheck(count: 300, input: clockGenerator, clockGenerator) { a, b in
      #expect(clock(a).merged(with: clock(b)) == clock(b).merged(with: clock(a)))
    }
  }

  @Test func mergeIsAssociative() async {
    await propertyCheck(count: 300, input: clockGenerator, clockGenerator, clockGenerator) { a, b, c in
      let left = clock(a).merged(with: clock(b)).merged(with: clock(c))
      let right = clock(a).merged(with: clock(b).merged(with: clock(c)))
      #expect(left == right)
    }
  }

  @Test func mergeIsIdempotent() async {
    await propertyCheck(count: 300, input: clockGenerator) { a in
      #expect(clock(a).merged(with: clock(a)) == clock(a))
    }
  }

  /// a ≤ b exactly when merging a into b changes nothing.
  @Test func compareIsConsistentWithMerge() async {
    await propertyCheck(count: 500, input: clockGenerator, clockGenerator) { a, b in
      let x = clock(a)
      let y = clock(b)
      let merged = x.merged(with: y)
      switch x.compare(y) {
      case .equal: #expect(x == y)
      case .before: #expect(merged == y && x != y)
      case .after: #expect(merged == x && x != y)
      case .concurrent: #expect(merged != x && merged != y)
      }
      #expect(merged.compare(x) == .after || merged == x)
      #expect(merged.compare(y) == .after || merged == y)
    }
  }

  @Test func compareIsAntisymmetric() async {
    await propertyCheck(count: 300, input: clockGenerator, clockGenerator) { a, b in
      let forward = clock(a).compare(clock(b))
      let backward = clock(b).compare(clock(a))
      let mirrored: [CausalOrder: CausalOrder] = [
        .equal: .equal, .before: .after, .after: .before, .concurrent: .concurrent,
      ]
      #expect(mirrored[forward] == backward)
    }
  }

  @Test func missingRangesAreWhatMergeAdds() async {
    await propertyCheck(count: 300, input: clockGenerator, clockGenerator) { a, b in
      let x = clock(a)
      let y = clock(b)
      var patched = y
      for (replica, range) in x.missing(from: y) {
        #expect(range.lowerBound == y[replica] + 1)
        patched[replica] = range.upperBound
      }
      #expect(patched == x.merged(with: y))
    }
  }

  @Test func zeroEntriesDoNotMakeClocksDifferent() {
    var withZero = VectorClock([replicas[0]: 0, replicas[1]: 2])
    #expect(withZero == VectorClock([replicas[1]: 2]))
    withZero[replicas[1]] = 0
    #expect(withZero == VectorClock())
    #expect(withZero.compare(VectorClock()) == .equal)
  }
}
