import Foundation
import GlossCore
import Testing

@Suite struct SyncCommandTests {
  static let vectors = GlossProcess.repository.appendingPathComponent("Protocol/vectors").path
  static func vector(_ name: String) -> String { vectors + "/" + name }

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

  /// alice, with the seed, has run `sync dir` on a shared folder; bob has not yet.
  /// Two `sync dir` passes of each store in turn, with `--trust` where asked; then every
  /// store holds the same.
  static func syncAll(_ stores: [(GlossProcess, trust: Bool)], through shared: URL) throws {
    for _ in 0..<2 {
      for (gloss, trust) in stores {
        let result = try gloss.run(arguments: ["sync", "dir", shared.path] + (trust ? ["--trust"] : []))
        #expect(result.status == 0, "\(result.stderr)")
      }
    }
    let dump = try stores[0].0.run("dump").stdout
    for (gloss, _) in stores.dropFirst() { #expect(try gloss.run("dump").stdout == dump) }
  }

  static func aliceHasPublished() throws -> (alice: GlossProcess, bob: GlossProcess, shared: URL) {
    let alice = GlossProcess(person: "alice")
    let bob = GlossProcess(person: "bob")
    let shared = alice.folder.appendingPathComponent("shared")
    try FileManager.default.createDirectory(at: shared, withIntermediateDirectories: true)
    try alice.run("import", GlossProcess.seed)
    #expect(try alice.run("sync", "dir", shared.path).status == 0)
    return (alice, bob, shared)
  }

  @Test func sharedFolderSkipsHalfWrittenFilesAndNeverTouchesOthers() throws {
    let (alice, bob, shared) = try Self.aliceHasPublished()
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
    #expect(first.stdout.contains("nothing new to publish"), "bob wrote nothing of his own yet")
    let files = try FileManager.default.contentsOfDirectory(atPath: shared.path).sorted()
    #expect(files.count == 2)
    #expect(!files.contains { $0.hasPrefix(".") || $0.hasPrefix("~") }, "no temporary files left behind")
    try bob.run("tag", "bruix2017regorafenib", "from-bob")
    try FileManager.default.removeItem(at: shared.appendingPathComponent("ffffffffffffffffffffffffffffffff.gloss"))
    #expect(try bob.run("sync", "dir", shared.path).status == 0)
    let back = try alice.run("sync", "dir", "--trust", shared.path)
    #expect(back.stdout.contains("1 new"), "\(back.stdout)")
    #expect(try alice.run("dump").stdout == bob.run("dump").stdout)
  }
  /// Waits up to `seconds` for `condition`; whether it came true.
  static func eventually(_ seconds: Double, _ condition: () throws -> Bool) rethrows -> Bool {
    let end = Date().addingTimeInterval(seconds)
    while Date() < end {
      if try condition() { return true }
      usleep(20_000)
    }
    return try condition()
  }

  @Test func watchImportsWhatLandsAndPublishesWhatChangesUntilCtrlC() throws {
    let (alice, bob, shared) = try Self.aliceHasPublished()
    let log = bob.folder.appendingPathComponent("watch.log")
    let watch = try bob.start("sync", "dir", "--watch", "--trust", shared.path, output: log)
    defer { if watch.isRunning { watch.terminate() } }
    // What alice publishes reaches bob's store without bob running anything.
    #expect(try Self.eventually(20) { try bob.run("list", "--json").json().arrayValue?.count == 30 })
    try alice.run("tag", "bruix2017regorafenib", "from-alice")
    try alice.run("sync", "dir", shared.path)
    #expect(try Self.eventually(10) { try bob.run("show", "bruix2017regorafenib").stdout.contains("from-alice") })
    // An edit in another bob process is published at once (about 50 ms: `Scripts/bench
    // folder` measures it; the bound here leaves room for a loaded test machine).
    let bobHex = try bob.run("peers", "--json").json()["you"]?["replica"]?.stringValue ?? "?"
    try bob.run("tag", "bruix2017regorafenib", "from-bob")
    let written = Date()
    #expect(
      try Self.eventually(5) {
        try FileManager.default.contentsOfDirectory(atPath: shared.path).contains { $0.hasPrefix(bobHex + ".1-1.") }
      })
    #expect(Date().timeIntervalSince(written) < 3, "published \(Date().timeIntervalSince(written)) s after the edit")
    #expect(try alice.run("sync", "dir", "--trust", shared.path).stdout.contains("from bob: 1 new"))
    // Ctrl-C ends it cleanly, between passes.
    kill(watch.processIdentifier, SIGINT)
    watch.waitUntilExit()
    #expect(watch.terminationStatus == 0)
    let text = try String(contentsOf: log, encoding: .utf8)
    #expect(text.contains("from alice: 30 new"))
    #expect(text.contains("wrote \(bobHex).1-1."))
    #expect(text.hasSuffix("stopped watching \(shared.path)\n"), "\(text)")
    #expect(try alice.run("dump").stdout == bob.run("dump").stdout)
  }
  @Test func aCopiedStoreTakesANewIdentityAndNoEditIsLost() throws {
    let (alice, bob, shared) = try Self.aliceHasPublished()
    #expect(try bob.run("sync", "dir", "--trust", shared.path).status == 0)
    // alice restores a backup on a new laptop: a copy of her store file, log included.
    let laptop = GlossProcess(person: "alice", createStore: false)
    for suffix in ["", "-wal"] where FileManager.default.fileExists(atPath: alice.store + suffix) {
      try FileManager.default.copyItem(atPath: alice.store + suffix, toPath: laptop.store + suffix)
    }
    let desktopReplica = try alice.run("peers", "--json").json()["you"]?["replica"]?.stringValue
    let first = try laptop.run("tag", "bruix2017regorafenib", "from-laptop")
    #expect(first.status == 0)
    #expect(first.stderr.contains("is a copy of a store"), "\(first.stderr)")
    #expect(first.stderr.contains("introduced by its old key"))
    #expect(first.stderr.split(separator: "\n").count == 1, "told once, in one line")
    let laptopReplica = try laptop.run("peers", "--json").json()["you"]?["replica"]?.stringValue
    #expect(laptopReplica != desktopReplica)
    #expect(try laptop.run("tag", "bruix2017regorafenib", "again").stderr.isEmpty, "only the first open says so")
    // Both copies go on editing, then sync. bob takes the laptop's files with no --trust:
    // alice's old key introduced it. (alice has not met bob yet: --trust for his key.)
    try alice.run("tag", "bruix2017regorafenib", "from-desktop")
    try bob.run("status", "bruix2017regorafenib", "read")
    try Self.syncAll([(laptop, true), (alice, true), (bob, false)], through: shared)
    let tags = try bob.run("show", "bruix2017regorafenib").stdout
    for tag in ["from-laptop", "again", "from-desktop"] { #expect(tags.contains(tag)) }
    #expect(try !FileManager.default.contentsOfDirectory(atPath: shared.path).contains { $0.contains("sync-conflict") })
  }
  /// A disk cloned whole onto another laptop keeps the machine id and the inode; the
  /// network hardware is another. The copy tells it when it opens, before it writes.
  @Test func aDiskClonedOntoOtherHardwareTakesANewIdentityAtOnce() throws {
    let (alice, _, _) = try Self.aliceHasPublished()
    let clone = try Self.blockClone(of: alice, hardware: "02:00:5e:00:53:01")
    let first = try clone.run("tag", "bruix2017regorafenib", "on-the-new-laptop")
    #expect(first.status == 0)
    let physical = try FileManager.default.contentsOfDirectory(atPath: "/sys/class/net").contains { name in
      FileManager.default.fileExists(atPath: "/sys/class/net/\(name)/device")
        && (try? String(contentsOfFile: "/sys/class/net/\(name)/addr_assign_type", encoding: .utf8))?
          .hasPrefix("0") == true
    }
    // A machine with no physical interface (a container) has no hardware to tell by.
    #expect(first.stderr.contains("is a copy of a store") == physical, "\(first.stderr)")
  }

  /// A block-for-block clone of alice's store: the same file contents, and the location it
  /// recorded is where it is now (a disk image restored on the same machine keeps the
  /// machine id and the inode), so it cannot tell at opening that it is a copy.
  static func blockClone(of alice: GlossProcess, hardware: String? = nil) throws -> GlossProcess {
    let clone = GlossProcess(person: "alice", createStore: false)
    for suffix in ["", "-wal"] where FileManager.default.fileExists(atPath: alice.store + suffix) {
      try FileManager.default.copyItem(atPath: alice.store + suffix, toPath: clone.store + suffix)
    }
    var status = stat()
    #expect(stat(clone.store, &status) == 0)
    let machine = try String(contentsOfFile: "/etc/machine-id", encoding: .utf8)
      .trimmingCharacters(in: .whitespacesAndNewlines)
    let sqlite = Process()
    sqlite.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
    let location = "\(machine):\(status.st_ino)" + (hardware.map { " " + $0 } ?? "")
    sqlite.arguments = [clone.store, "UPDATE meta SET value = '\(location)' WHERE key = 'location'"]
    try sqlite.run()
    sqlite.waitUntilExit()
    #expect(sqlite.terminationStatus == 0)
    return clone
  }

  /// The clone and the original both write as alice's one replica. The folder shows the
  /// clone the original's operations under its own id: it takes a new identity, moves the
  /// edits it made since the copy to it (a note and its edit, a tag, a status), and every
  /// edit of both copies reaches everyone.
  @Test func aBlockCloneHealsWhenTheFolderShowsTheOriginal() throws {
    let (alice, bob, shared) = try Self.aliceHasPublished()
    #expect(try bob.run("sync", "dir", "--trust", shared.path).status == 0)
    let clone = try Self.blockClone(of: alice)
    let before = try clone.run("peers", "--json").json()["you"]?["replica"]?.stringValue
    #expect(try clone.run("tag", "bruix2017regorafenib", "from-clone").stderr.isEmpty, "not told apart at opening")
    let note = try #require(try clone.run("note", "ye4z", "written on the clone", "--json").json()["id"]?.stringValue)
    #expect(try clone.run("note-edit", note, "edited on the clone").status == 0)
    #expect(try clone.run("status", "ye4z", "reading").status == 0)
    try alice.run("tag", "bruix2017regorafenib", "from-alice")
    try alice.run("note", "ye4z", "written on the original")
    #expect(try alice.run("sync", "dir", shared.path).status == 0)

    let healed = try clone.run("sync", "dir", shared.path)
    #expect(healed.status == 0, "\(healed.stderr)")
    #expect(healed.stderr.contains("another copy of this store"), "\(healed.stderr)")
    #expect(healed.stderr.contains("its 4 operations since the two parted are that replica's now"), "\(healed.stderr)")
    #expect(healed.stderr.split(separator: "\n").count == 1, "told in one line")
    #expect(healed.stdout.contains("from alice: 2 new"), "\(healed.stdout)")
    let after = try clone.run("peers", "--json").json()["you"]?["replica"]?.stringValue
    #expect(after != nil && after != before)
    try Self.syncAll([(alice, false), (bob, false), (clone, false)], through: shared)
    let shown = try bob.run("show", "bruix2017regorafenib").stdout
    for text in ["from-clone", "from-alice", "edited on the clone", "written on the original"] {
      #expect(shown.contains(text), "\(text) missing from \(shown)")
    }
    #expect(!shown.contains("written on the clone"), "the edit superseded the note's first text")
    #expect(try bob.run("conflicts").stdout == "no conflicts\n")
    // The clone's note has the id its new dot derives, the same on every store.
    let notes = try bob.run("notes", "ye4z", "--json").json().arrayValue ?? []
    let moved = try #require(notes.first { $0["body"]?.stringValue == "edited on the clone" })
    #expect(moved["id"]?.stringValue != note)
    #expect(try clone.run("notes", "ye4z", "--json").json().arrayValue?.count == notes.count)
    let names = try FileManager.default.contentsOfDirectory(atPath: shared.path)
    #expect(!names.contains { $0.contains("sync-conflict") })
    #expect(try clone.run("tag", "bruix2017regorafenib", "later").stderr.isEmpty, "healed once, then quiet")
  }

  /// When both copies published after they parted, teammates may hold either one's
  /// operations under the same dots: neither copy can heal, and each says so.
  @Test func clonesThatBothPublishedAreNamedNotMerged() throws {
    let (alice, _, shared) = try Self.aliceHasPublished()
    let clone = try Self.blockClone(of: alice)
    try clone.run("tag", "bruix2017regorafenib", "from-clone")
    try alice.run("tag", "bruix2017regorafenib", "from-alice")
    let hidden = shared.appendingPathComponent("elsewhere")
    try FileManager.default.createDirectory(at: hidden, withIntermediateDirectories: true)
    // The clone publishes into its own copy of the folder, which the sync tool merges later.
    #expect(try clone.run("sync", "dir", hidden.path).status == 0)
    #expect(try alice.run("sync", "dir", shared.path).status == 0)
    for name in try FileManager.default.contentsOfDirectory(atPath: hidden.path) {
      try? FileManager.default.moveItem(
        at: hidden.appendingPathComponent(name), to: shared.appendingPathComponent(name))
    }
    for gloss in [clone, alice] {
      let result = try gloss.run("sync", "dir", shared.path)
      #expect(result.status == 3)
      #expect(result.stderr.contains("has published its own operations since then"), "\(result.stderr)")
      #expect(result.stderr.contains("keep using one copy"))
    }
  }

  /// A teammate's file that names an operation of the clone's replica which the clone wrote
  /// but never published can only mean the original's: it waits, and applies once the
  /// original's own file arrives and the clone has healed.
  @Test func aReferenceToAnUnpublishedOperationWaitsForTheHeal() throws {
    let (alice, bob, shared) = try Self.aliceHasPublished()
    #expect(try bob.run("sync", "dir", "--trust", shared.path).status == 0)
    let clone = try Self.blockClone(of: alice)
    try clone.run("tag", "bruix2017regorafenib", "mine")
    try alice.run("tag", "bruix2017regorafenib", "shared-tag")
    #expect(try alice.run("sync", "dir", shared.path).status == 0)
    #expect(try bob.run("sync", "dir", shared.path).status == 0)
    #expect(try bob.run("untag", "bruix2017regorafenib", "shared-tag").status == 0)
    #expect(try bob.run("sync", "dir", shared.path).status == 0)
    // The clone's folder has had bob's file delivered, and not yet alice's newest.
    let partial = alice.folder.appendingPathComponent("partial")
    try FileManager.default.createDirectory(at: partial, withIntermediateDirectories: true)
    let files = try FileManager.default.contentsOfDirectory(atPath: shared.path).filter { $0.hasSuffix(".gloss") }
    let aliceNewest = try #require(files.first { $0.contains(".31-31.") })
    for name in files where name != aliceNewest {
      try FileManager.default.copyItem(
        at: shared.appendingPathComponent(name), to: partial.appendingPathComponent(name))
    }
    let waiting = try clone.run("sync", "dir", "--trust", partial.path)
    #expect(waiting.status == 3)
    #expect(waiting.stderr.contains("although this store never published it"), "\(waiting.stderr)")
    try FileManager.default.copyItem(
      at: shared.appendingPathComponent(aliceNewest), to: partial.appendingPathComponent(aliceNewest))
    let healed = try clone.run("sync", "dir", "--trust", partial.path)
    #expect(healed.status == 0, "\(healed.stderr)")
    #expect(healed.stderr.contains("another copy of this store"))
    let tags = try clone.run("show", "bruix2017regorafenib", "--json").json()["tags"]?.arrayValue ?? []
    #expect(tags.contains(.string("mine")))
    #expect(!tags.contains(.string("shared-tag")), "bob's removal applies to alice's tag, not the clone's")
  }

  /// A store rolled back in place (a file-system snapshot restored: same machine, same
  /// inode) is behind what it once published. A bundle from its past self, carried by
  /// hand, shows it: it takes a new identity, and gets back what it had lost.
  @Test func aRolledBackStoreHealsFromABundleFile() throws {
    let (alice, _, _) = try Self.aliceHasPublished()
    let snapshot = try Self.blockClone(of: alice)
    try alice.run("tag", "bruix2017regorafenib", "after-the-snapshot")
    let bundle = alice.folder.appendingPathComponent("carried.gloss").path
    #expect(try alice.run("sync", "export", bundle).status == 0)
    let imported = try snapshot.run("sync", "import", bundle)
    #expect(imported.status == 0, "\(imported.stderr)")
    #expect(imported.stderr.contains("another copy of this store"), "\(imported.stderr)")
    #expect(imported.stderr.contains("it had written nothing since the two parted"))
    #expect(imported.stdout.contains("1 new"), "\(imported.stdout)")
    #expect(try snapshot.run("show", "bruix2017regorafenib").stdout.contains("after-the-snapshot"))
    try snapshot.run("tag", "bruix2017regorafenib", "restored")
    let back = alice.folder.appendingPathComponent("back.gloss").path
    #expect(try snapshot.run("sync", "export", back).status == 0)
    #expect(try alice.run("sync", "import", back).status == 0)
    #expect(try alice.run("dump").stdout == snapshot.run("dump").stdout)
  }
}
