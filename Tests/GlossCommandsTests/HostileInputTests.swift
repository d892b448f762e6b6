import Foundation
import GlossCore
import Testing

/// The hostile-input issue's reproducers, run as a person or an attacker meets them:
/// through the real `gloss` binary, on real folders, links, FIFOs and sparse files.
@Suite struct HostileInputTests {
  /// A folder's files (following nothing) with their contents, to show nothing changed.
  static func snapshot(_ folder: URL) throws -> [String: Data] {
    var result: [String: Data] = [:]
    for name in try FileManager.default.contentsOfDirectory(atPath: folder.path) {
      let path = folder.appendingPathComponent(name).path
      let attributes = try FileManager.default.attributesOfItem(atPath: path)
      if attributes[.type] as? FileAttributeType == .typeRegular {
        result[name] = FileManager.default.contents(atPath: path)
      }
    }
    return result
  }

  /// A store made with `gloss init` for `person`.
  static func initialised(_ person: String) throws -> GlossProcess {
    let gloss = GlossProcess(person: person)
    try gloss.run("init", "--name", person)
    return gloss
  }

  /// alice's store with the seed imported.
  static func seeded() throws -> GlossProcess {
    let gloss = try initialised("alice")
    try gloss.run("import", GlossProcess.seed)
    return gloss
  }

  func peers() throws -> (alice: GlossProcess, bob: GlossProcess, shared: URL, outside: URL) {
    let alice = try Self.initialised("alice")
    let bob = try Self.initialised("bob")
    try alice.run("import", GlossProcess.seed)
    let shared = alice.folder.appendingPathComponent("shared")
    let outside = alice.folder.appendingPathComponent("outside")
    try FileManager.default.createDirectory(at: shared, withIntermediateDirectories: true)
    try FileManager.default.createDirectory(at: outside, withIntermediateDirectories: true)
    return (alice, bob, shared, outside)
  }

  func replicaHex(_ gloss: GlossProcess) throws -> String {
    try gloss.run("peers", "--json").json()["you"]?["replica"]?.stringValue ?? ""
  }

  @Test func plantedLinksNeverWriteOrReadOutsideTheFolder() throws {
    let (alice, bob, shared, outside) = try peers()
    let victim = outside.appendingPathComponent("victim.txt")
    try Data("precious".utf8).write(to: victim)
    let bobHex = try replicaHex(bob)
    // Bob's own names (the whole bundle of before, his key statements), an old-style
    // temporary name, and a peer's name all point outside the folder.
    for name in ["\(bobHex).gloss", "\(bobHex).keys-1.gloss", ".\(bobHex).gloss.tmp-1", "evil.gloss", "passwd.gloss"] {
      try FileManager.default.createSymbolicLink(
        atPath: shared.appendingPathComponent(name).path,
        withDestinationPath: name == "passwd.gloss" ? "/etc/passwd" : victim.path)
    }
    for pid in 2..<400 {
      try? FileManager.default.createSymbolicLink(
        atPath: shared.appendingPathComponent(".\(bobHex).gloss.tmp-\(pid)").path, withDestinationPath: victim.path)
    }
    // A good bundle from alice beside them, reached through a link from outside: refused too.
    try alice.run("sync", "export", outside.appendingPathComponent("alice.gloss").path)
    try FileManager.default.createSymbolicLink(
      atPath: shared.appendingPathComponent("linked.gloss").path,
      withDestinationPath: outside.appendingPathComponent("alice.gloss").path)
    try alice.run("sync", "dir", shared.path)
    let before = try Self.snapshot(outside)

    let result = try bob.run("sync", "dir", "--trust", shared.path)
    #expect(try Self.snapshot(outside) == before)
    #expect(try String(contentsOf: victim, encoding: .utf8) == "precious")
    #expect(result.status == 3)
    #expect(result.stderr.contains("evil.gloss: is a symbolic link, which gloss never follows in a shared folder"))
    #expect(result.stderr.contains("passwd.gloss: is a symbolic link"))
    #expect(result.stderr.contains("linked.gloss: is a symbolic link"))
    #expect(!result.stderr.contains("\ngloss: \n") && !result.stderr.hasSuffix("gloss: \n"))
    // alice's real file beside the links was imported; the link under bob's old whole-bundle
    // name is removed, not written through.
    #expect(result.stdout.contains("from alice: 30 new"))
    #expect(!FileManager.default.fileExists(atPath: shared.appendingPathComponent("\(bobHex).gloss").path))
    // Bob's first edit goes into a segment of his own, a real file.
    try bob.run("tag", "bruix2017regorafenib", "bobs")
    #expect(try bob.run("sync", "dir", shared.path).status == 3)
    #expect(try Self.snapshot(outside) == before)
    let names = try FileManager.default.contentsOfDirectory(atPath: shared.path)
    let own = try #require(names.first { $0.hasPrefix(bobHex + ".1-1.") })
    let attributes = try FileManager.default.attributesOfItem(atPath: shared.appendingPathComponent(own).path)
    #expect(attributes[.type] as? FileAttributeType == .typeRegular)
    // No temporary file is left behind, under any name.
    #expect(!names.contains { $0.hasPrefix(".syncthing.") || $0.hasPrefix("~") || $0.hasSuffix(".tmp") })
  }

  @Test func fileNamesAreEscapedWhenPrinted() throws {
    let (_, bob, shared, _) = try peers()
    let name = "\u{1B}[2J\u{1B}[31mowned\nfake line.gloss"
    FileManager.default.createFile(atPath: shared.appendingPathComponent(name).path, contents: Data("junk".utf8))
    let result = try bob.run("sync", "dir", shared.path)
    #expect(result.status == 3)
    #expect(!result.stderr.contains("\u{1B}"))
    #expect(result.stderr.contains("\\u{1b}[2J\\u{1b}[31mowned\\nfake line.gloss"))
    #expect(result.stderr.split(separator: "\n").count == 1)
  }

  @Test func aSparseGiantAndAFIFOAreSkippedWhileGoodFilesGoIn() throws {
    let (alice, bob, shared, _) = try peers()
    try alice.run("sync", "dir", shared.path)
    let giant = shared.appendingPathComponent("giant.gloss").path
    FileManager.default.createFile(atPath: giant, contents: nil)
    #expect(truncate(giant, 3 << 30) == 0)
    #expect(mkfifo(shared.appendingPathComponent("pipe.gloss").path, 0o644) == 0)
    let start = Date()
    let result = try bob.run("sync", "dir", "--trust", shared.path)
    #expect(Date().timeIntervalSince(start) < 20)
    #expect(result.status == 3)
    #expect(result.stderr.contains("giant.gloss: is 3221225472 bytes, more than the 256 MiB a bundle may have"))
    #expect(result.stderr.contains("pipe.gloss: is not a regular file"))
    #expect(result.stdout.contains("from alice: 30 new"))
  }

  /// alice and bob, each having taken in the other's file.
  func peersInStep() throws -> (alice: GlossProcess, bob: GlossProcess, shared: URL) {
    let (alice, bob, shared, _) = try peers()
    try alice.run("sync", "dir", shared.path)
    #expect(try bob.run("sync", "dir", "--trust", shared.path).status == 0)
    return (alice, bob, shared)
  }

  @Test func aKeyClaimingAKnownPersonIsAnImpersonation() throws {
    let (_, bob, _) = try peersInStep()
    // mallory calls herself alice. --trust does not make her alice.
    let mallory = try Self.initialised("alice")
    try mallory.run("import", GlossProcess.seed)
    try mallory.run("status", "bruix2017regorafenib", "read")
    let forged = mallory.folder.appendingPathComponent("mallory.gloss").path
    try mallory.run("sync", "export", forged)
    let direct = try bob.run("sync", "import", "--trust", forged)
    #expect(direct.status == 1)
    #expect(direct.stderr.contains("claims to be alice, whose keys this store already knows"))
    #expect(direct.stderr.contains("SOMEONE MAY BE IMPERSONATING ALICE"))
    // Relayed by carol, whom bob trusts and who never heard of alice: still refused.
    let carol = try Self.initialised("carol")
    try carol.run("sync", "import", "--trust", forged)
    let relay = carol.folder.appendingPathComponent("relay.gloss").path
    try carol.run("sync", "export", relay)
    let relayed = try bob.run("sync", "import", "--trust", relay)
    #expect(relayed.status == 1)
    #expect(relayed.stderr.contains("IMPERSONATING ALICE"))
    // Bob's view of alice's status is alice's own.
    let status = try bob.run("status", "bruix2017regorafenib", "--json").json()
    #expect(status["statuses"]?["alice"] == nil)
  }

  @Test func aSecondDeviceIsIntroducedByTheFirst() throws {
    let (alice, bob, shared) = try peersInStep()
    // alice's laptop: a new store for the same person, which trusts her desktop by its
    // fingerprint (a key claiming to be its own person is never taken on --trust alone).
    let laptop = try Self.initialised("alice")
    let fingerprint = try laptop.run("peers", "--json").json()["you"]?["fingerprint"]?.stringValue ?? ""
    let desktop = try alice.run("peers", "--json").json()["you"]?["fingerprint"]?.stringValue ?? ""
    let untrusted = try laptop.run("sync", "dir", "--trust", shared.path)
    #expect(untrusted.status == 3)
    #expect(untrusted.stderr.contains("IMPERSONATING ALICE"))
    #expect(try laptop.run("peers", "trust", "alice", desktop).status == 0)
    #expect(try laptop.run("sync", "dir", "--trust", shared.path).status == 0)
    try laptop.run("status", "bruix2017regorafenib", "reading")
    #expect(try laptop.run("sync", "dir", shared.path).status == 0)
    // Before the desktop vouches for it, bob refuses the laptop's file and says why.
    let early = try bob.run("sync", "dir", shared.path)
    #expect(early.status == 3)
    #expect(early.stderr.contains("IMPERSONATING ALICE"))
    #expect(early.stderr.contains("gloss peers trust alice \(fingerprint)"))
    // On the desktop, alice trusts her laptop; the desktop's next file introduces it.
    #expect(try alice.run("peers", "trust", "alice", fingerprint).status == 0)
    #expect(try alice.run("sync", "dir", "--trust", shared.path).status == 0)
    let later = try bob.run("sync", "dir", shared.path)
    #expect(later.status == 0, "\(later.stderr)")
    let status = try bob.run("status", "bruix2017regorafenib", "--json").json()
    #expect(status["statuses"]?["alice"] == .string("reading"))
  }

  @Test func queriesAreBoundedAndSQLiteNeverSpeaks() throws {
    let gloss = try Self.seeded()
    let cases: [(String, String)] = [
      (String(repeating: "(", count: 20_000) + "a" + String(repeating: ")", count: 20_000), "at most 2000 are allowed"),
      (String(repeating: "-(", count: 40) + "a" + String(repeating: ")", count: 40), "nested more than 10 levels"),
      ((0...1_000).map { "w\($0)" }.joined(separator: " OR "), "at most 2000 are allowed"),
      ((0...64).map { "w\($0)" }.joined(separator: " OR "), "has 65 terms; at most 64 are allowed"),
    ]
    for (query, message) in cases {
      let result = try gloss.run("list", query)
      #expect(result.status == 1)
      #expect(result.stderr.hasPrefix("gloss: bad query: "))
      #expect(result.stderr.contains(message))
      #expect(!result.stderr.lowercased().contains("sqlite") && !result.stderr.contains("fts5"))
    }
    // FTS5 syntax cannot be smuggled in by a quote that begins a grapheme cluster (a NUL,
    // which no argument can hold, is replayed from the fuzz corpus).
    for smuggled in ["ta\"\u{07AB} col:umn:x", "x\"\u{301} OR NEAR(a"] {
      let result = try gloss.run("search", smuggled)
      #expect(!result.stderr.lowercased().contains("sqlite") && !result.stderr.contains("no such column"))
      #expect(result.status == 0 || result.stderr.hasPrefix("gloss: bad query: "), "\(result.stderr)")
    }
    let start = Date()
    let search = try gloss.run("search", String(repeating: "sorafenib ", count: 10_000))
    #expect(search.status == 1)
    #expect(Date().timeIntervalSince(start) < 5)
    // At the limits, queries run: 10 levels (each '-' and each '(' is one) and 64 terms
    // reach SQLite without error.
    let negated = String(repeating: "-(", count: 5) + "sorafenib" + String(repeating: ")", count: 5)
    #expect(try gloss.run("list", negated).status == 0)
    let grouped = String(repeating: "(", count: 10) + "sorafenib" + String(repeating: ")", count: 10)
    #expect(try gloss.run("list", grouped).status == 0)
    let wide = (0..<64).map { _ in "sorafenib" }.joined(separator: " OR ")
    #expect(try gloss.run("list", wide).status == 0)
  }

  @Test func sqlOnlyReads() throws {
    let gloss = try Self.seeded()
    let target = gloss.folder.appendingPathComponent("attached.sqlite").path
    let attach = try gloss.run("sql", "ATTACH DATABASE '\(target)' AS x")
    #expect(attach.status == 1)
    #expect(attach.stderr.contains("only reading is allowed"))
    #expect(!FileManager.default.fileExists(atPath: target))
    for statement in [
      "PRAGMA hard_heap_limit=1", "PRAGMA query_only=0", "DELETE FROM record", "BEGIN", "PRAGMA writable_schema=1",
    ] {
      let result = try gloss.run("sql", statement)
      #expect(result.status == 1, "\(statement)")
      #expect(result.stderr.contains("only reading is allowed"), "\(statement): \(result.stderr)")
    }
    #expect(try gloss.run("sql", "SELECT count(*) FROM record").stdout.contains("30"))
    #expect(try gloss.run("sql", "PRAGMA table_info(record)").stdout.contains("citekey"))
    let start = Date()
    let runaway = try gloss.run(
      "sql", "--time-limit", "1",
      "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c")
    #expect(runaway.status == 1)
    #expect(runaway.stderr.contains("stopped after 1 s, the time limit"))
    #expect(Date().timeIntervalSince(start) < 10)
  }

  @Test func aRefusedImportWritesNothing() throws {
    let gloss = try Self.initialised("bob")
    let state = { try gloss.run("sql", "SELECT * FROM meta UNION ALL SELECT id, person FROM replica", "--json").stdout }
    let before = try state()
    let result = try gloss.run(
      "sync", "import", GlossProcess.repository.appendingPathComponent("Protocol/vectors/01-alice.gloss").path)
    #expect(result.status == 1)
    #expect(result.stderr.contains("which this store does not know"))
    #expect(try state() == before)
  }

  @Test func aListingCutAtALineBreakLeavesItsLastRecordAlone() throws {
    let gloss = try Self.seeded()
    let seed = try String(contentsOfFile: GlossProcess.seed, encoding: .utf8)
    // Cut just after the last entry's citation line: its abstract is gone, the footer too.
    let lines = seed.split(separator: "\n", omittingEmptySubsequences: false)
    let citation = try #require(lines.lastIndex { $0.contains("[PubMed]") })
    // Saved again under the seed's name, so that it is the same source speaking.
    let cut = gloss.file("cancerindex-sorafenib.txt", lines[...citation].joined(separator: "\n") + "\n")
    let before = try gloss.run("dump").stdout
    let result = try gloss.run("import", cut)
    #expect(result.status == 0)
    #expect(result.stdout.contains("ends without its CancerIndex.org footer"))
    #expect(try gloss.run("dump").stdout == before)
  }

  @Test func specialFilesAreNamedForWhatTheyAre() throws {
    let gloss = try Self.initialised("alice")
    let fifo = gloss.folder.appendingPathComponent("pipe.txt").path
    #expect(mkfifo(fifo, 0o644) == 0)
    for (path, message) in [
      (fifo, "is not a regular file"), ("/dev/urandom", "is not a regular file"),
      ("/proc/self/maps", "is not a CancerIndex listing"),
    ] {
      let result = try gloss.run("import", path)
      #expect(result.status == 1, "\(path)")
      #expect(result.stderr.contains(message), "\(path): \(result.stderr)")
    }
  }
}
