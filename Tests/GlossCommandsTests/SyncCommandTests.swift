import Foundation
import GlossCore
import Testing

@Suite struct SyncCommandTests {
  static let vectors = GlossProcess.repository.appendingPathComponent("Protocol/vectors").path
  static func vector(_ name: String) -> String { vectors + "/" + name }

  @Test(arguments: [
    ["01-alice.gloss", "02-bob.gloss", "03-alice.gloss"],
    ["03-alice.gloss", "02-bob.gloss", "01-alice.gloss"],
    ["02-bob.gloss", "01-alice.gloss", "03-alice.gloss", "01-alice.gloss"],
  ])
  func vectorsReplayToTheExpectedDumpInAnyOrder(order: [String]) throws {
    let gloss = GlossProcess(person: "verifier")
    for name in order {
      #expect(try gloss.run("sync", "import", "--trust", Self.vector(name)).status == 0)
    }
    let expected = try String(contentsOfFile: Self.vector("03-expected-dump.json"), encoding: .utf8)
    #expect(try gloss.run("dump").stdout == expected)
    #expect(try gloss.run("conflicts", "--json").json().arrayValue?.count == 2)
  }

  @Test func theFirstVectorAloneGivesItsDump() throws {
    let gloss = GlossProcess(person: "verifier")
    try gloss.run("sync", "import", "--trust", Self.vector("01-alice.gloss"))
    #expect(
      try gloss.run("dump").stdout == String(contentsOfFile: Self.vector("01-expected-dump.json"), encoding: .utf8))
  }

  @Test(arguments: [
    ("bad-truncated.gloss", "(byte 500): is truncated"), ("bad-bitflip.gloss", "fails its SHA-256 checksum"),
    ("bad-version.gloss", "is bundle format version 9.0, which this Gloss cannot read"),
  ])
  func damagedVectorsAreRefusedWithNothingWritten(name: String, message: String) throws {
    let gloss = GlossProcess(person: "verifier")
    // A good bundle in the same command must not be applied either.
    let result = try gloss.run("sync", "import", "--trust", Self.vector("02-bob.gloss"), Self.vector(name))
    #expect(result.status == 1)
    #expect(result.stderr.split(separator: "\n").count == 1)
    #expect(result.stderr.contains(name))
    #expect(result.stderr.contains(message), "\(result.stderr)")
    #expect(try gloss.operationCount() == 0)
  }

  @Test func importSummaryNamesWhatIsMissing() throws {
    let gloss = GlossProcess(person: "verifier")
    let result = try gloss.run("sync", "import", "--trust", Self.vector("03-alice.gloss"))
    #expect(result.status == 0)
    #expect(
      result.stdout.contains("0 new, 0 already known, 0 conflicts created, 4 pending (needs alice 1..7)"),
      "\(result.stdout)")
    let status = try gloss.run("sync", "status")
    #expect(status.stdout.contains("4 pending (needs alice 1..7)"), "\(status.stdout)")
  }

  @Test func unknownSendersNeedTrustAndPeersShowFingerprints() throws {
    let alice = GlossProcess(person: "alice")
    let bob = GlossProcess(person: "bob")
    try alice.run("import", GlossProcess.seed)
    let bundle = alice.folder.appendingPathComponent("a.gloss").path
    #expect(try alice.run("sync", "export", bundle).stdout.contains("30 operations (everything)"))
    let refused = try bob.run("sync", "import", bundle)
    #expect(refused.status == 1)
    let fingerprint = try #require(try alice.run("peers", "--json").json()["you"]?["fingerprint"]?.stringValue)
    #expect(refused.stderr.contains("gloss peers trust alice \(fingerprint)"))
    #expect(try bob.run("peers", "trust", "alice", fingerprint).status == 0)
    #expect(try bob.run("sync", "import", bundle).stdout.contains("30 new, 0 already known"))
    let peers = try bob.run("peers", "--json").json()["peers"]?.arrayValue ?? []
    #expect(peers.map { $0["fingerprint"] } == [.string(fingerprint)])
    #expect(try bob.run("sync", "import", bundle).stdout.contains("0 new, 30 already known"))
  }

  @Test func sharedFolderSkipsHalfWrittenFilesAndNeverTouchesOthers() throws {
    let alice = GlossProcess(person: "alice")
    let bob = GlossProcess(person: "bob")
    let shared = alice.folder.appendingPathComponent("shared")
    try FileManager.default.createDirectory(at: shared, withIntermediateDirectories: true)
    try alice.run("import", GlossProcess.seed)
    #expect(try alice.run("sync", "dir", shared.path).status == 0)
    let aliceFile = try #require(try FileManager.default.contentsOfDirectory(atPath: shared.path).first)
    let aliceBytes = try Data(contentsOf: shared.appendingPathComponent(aliceFile))
    // A file-sync tool delivers a half-written copy of someone else's bundle.
    try aliceBytes.prefix(aliceBytes.count / 2).write(
      to: shared.appendingPathComponent("ffffffffffffffffffffffffffffffff.gloss"))
    let first = try bob.run("sync", "dir", "--trust", shared.path)
    #expect(first.status == 3, "a skipped file makes the exit status non-zero")
    #expect(first.stderr.contains("skipped"))
    #expect(first.stderr.contains("is truncated"))
    #expect(first.stdout.contains("30 new"))
    #expect(try Data(contentsOf: shared.appendingPathComponent(aliceFile)) == aliceBytes, "alice's file untouched")
    let files = try FileManager.default.contentsOfDirectory(atPath: shared.path).sorted()
    #expect(files.count == 3)
    #expect(!files.contains { $0.hasPrefix(".") }, "no temporary files left behind")
    try bob.run("tag", "bruix2017regorafenib", "from-bob")
    try FileManager.default.removeItem(at: shared.appendingPathComponent("ffffffffffffffffffffffffffffffff.gloss"))
    #expect(try bob.run("sync", "dir", shared.path).status == 0)
    let back = try alice.run("sync", "dir", "--trust", shared.path)
    #expect(back.stdout.contains("1 new"), "\(back.stdout)")
    #expect(try alice.run("dump").stdout == bob.run("dump").stdout)
  }
}
