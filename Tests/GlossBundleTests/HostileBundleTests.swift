import Foundation
import GlossCore
import GlossFuzzTargets
import Testing

@testable import GlossBundle

/// Every reproducer of the hostile-input issue, each refused with its own clear message,
/// and every fuzz corpus input replayed through its target.
@Suite struct HostileBundleTests {
  static let corpus = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("FuzzCorpus")

  static func input(_ target: FuzzTarget, _ name: String) throws -> [UInt8] {
    [UInt8](try Data(contentsOf: corpus.appendingPathComponent("\(target.rawValue)/\(name)")))
  }

  func refusal(_ bytes: [UInt8]) -> BundleError? { BundleFormat.refusal(of: bytes, file: "hostile.gloss") }

  @Test(arguments: FuzzTarget.allCases)
  func everyCorpusInputRunsThroughItsTarget(target: FuzzTarget) throws {
    let folder = Self.corpus.appendingPathComponent(target.rawValue)
    let names = try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
    #expect(names.count >= 4, "the \(target.rawValue) corpus is nearly empty")
    for name in names {
      target.run([UInt8](try Data(contentsOf: folder.appendingPathComponent(name))))
    }
  }

  @Test func anUnsignedNestedHeaderIsNeverParsed() throws {
    // The reproducer: 100,000 '[' after the framing. Format 1 is refused by its version,
    // format 2 by its length and checksum, before any JSON is read.
    let old = refusal(try Self.input(.bundle, "v1-nested-header"))
    #expect(old?.problem.contains("written by an older Gloss") == true)
    let new = refusal(try Self.input(.bundle, "v2-nested-header"))
    #expect(new?.problem.contains("is truncated") == true || new?.problem.contains("checksum") == true)
  }

  @Test func framingLengthsAreBoundedBeforeAnythingIsAllocated() throws {
    #expect(refusal(try Self.input(.bundle, "huge-header-length"))?.problem.contains("more than the 4 MiB") == true)
    #expect(
      refusal(try Self.input(.bundle, "huge-body-length"))?.problem.contains("more than a bundle may have") == true)
  }

  @Test(arguments: [
    ("string-table-empty", "string 0 of a table of 0"),
    ("no-replicas-dot", "replica 0 of a table of 0"),
    ("ranges-overflow", "ranges that hold more operations than its body can"),
    ("deep-payload", "nested more than 32 levels deep"),
    ("raw-4gib", "expands to 4294967296 bytes, more than"),
    ("string-past-end", "a count of 1099511627776 is impossible here"),
    ("nested-header", "nested more than 32 levels deep"),
    ("introduction-forged", "key introduction whose signature does not verify"),
  ])
  func signedHostileBundlesAreRefusedWithTheirReason(name: String, reason: String) throws {
    let error = refusal(FuzzTarget.signed(try Self.input(.signedBundle, name)))
    #expect(error?.problem.contains(reason) == true, "\(name): \(error?.description ?? "accepted")")
    #expect(error?.file == "hostile.gloss")
  }

  @Test func textReferredToManyTimesIsBoundedByTheBody() throws {
    // 20,000 operations refer to one 60 KB value: 1.2 GB to hash and keep from a 36 KB
    // body. The reader stops once the references pass the body's expansion bound.
    let bytes = FuzzTarget.signed(try Self.input(.signedBundle, "shared-big-string"))
    let start = Date()
    let error = refusal(bytes)
    #expect(error?.problem.contains("refer to more than the") == true, "\(error?.description ?? "accepted")")
    #expect(Date().timeIntervalSince(start) < 5)
  }
}

extension BundleFormat {
  /// Why `decode` refuses the bytes, or nil when it reads them.
  static func refusal(of bytes: [UInt8], file: String) -> BundleError? {
    do {
      _ = try decode(bytes, file: file)
      return nil
    } catch {
      return error
    }
  }
}
