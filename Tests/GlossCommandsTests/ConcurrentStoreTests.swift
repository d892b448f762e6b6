import Foundation
import GlossCore
import Testing

/// Several `gloss` processes on one store, as when a `sync dir --watch`, a REPL and a
/// one-shot command run at once.
@Suite struct ConcurrentStoreTests {
  /// Holds the store's write lock from another process for `seconds`.
  final class WriteLockHolder {
    let process = Process()
    let output = Pipe()

    init(store: String, seconds: Double) throws {
      process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
      process.arguments = [
        "python3", "-c",
        """
        import sqlite3, sys, time
        c = sqlite3.connect(sys.argv[1], isolation_level=None)
        c.execute('BEGIN IMMEDIATE')
        print('locked', flush=True)
        time.sleep(float(sys.argv[2]))
        c.execute('COMMIT')
        """,
        store, String(seconds),
      ]
      process.standardOutput = output
      try process.run()
      let line = output.fileHandleForReading.availableData
      guard String(decoding: line, as: UTF8.self).hasPrefix("locked") else {
        throw CocoaError(.fileLocking)
      }
    }

    func wait() { process.waitUntilExit() }
  }

  @Test func readersNeverWaitAndWritersWaitTheirTurnWithAMessage() throws {
    let gloss = GlossProcess()
    try gloss.run("init", "--name", "alice")
    try gloss.run("import", GlossProcess.seed)
    let holder = try WriteLockHolder(store: gloss.store, seconds: 3)
    let start = Date()
    let list = try gloss.run("list", "year:1900")
    let show = try gloss.run("show", "bruix2017regorafenib")
    #expect(list.status == 0 && show.status == 0, "\(list.stderr)\(show.stderr)")
    #expect(Date().timeIntervalSince(start) < 2, "a reader waited for the writer")
    let tag = try gloss.run("tag", "bruix2017regorafenib", "waited")
    holder.wait()
    #expect(tag.status == 0, "\(tag.stderr)")
    #expect(tag.stderr.contains("waiting for another gloss writing this store…"))
    #expect(!tag.stderr.contains("not a usable"))
    #expect(Date().timeIntervalSince(start) >= 2.5)
    #expect(try gloss.run("list", "tag:waited", "--json").json().arrayValue?.count == 1)
  }

  @Test func concurrentWritersLoseNothingAndLeaveNoGap() throws {
    let gloss = GlossProcess()
    try gloss.run("init", "--name", "alice")
    try gloss.run("import", GlossProcess.seed)
    let writers = 4
    let writes = 6
    let readerTimes = LockedList<Double>()
    let failures = LockedList<String>()
    let done = LockedList<Bool>()
    let group = DispatchGroup()
    for writer in 0..<writers {
      group.enter()
      Thread {
        for write in 0..<writes {
          let result = try? gloss.run("tag", "bruix2017regorafenib", "w\(writer)-\(write)")
          if result?.status != 0 { failures.append("tag w\(writer)-\(write): \(result?.stderr ?? "did not run")") }
        }
        done.append(true)
        group.leave()
      }.start()
    }
    group.enter()
    Thread {
      while done.count < writers {
        let start = Date()
        let result = try? gloss.run("list", "has:tag")
        if result?.status != 0 { failures.append("list: \(result?.stderr ?? "did not run")") }
        readerTimes.append(Date().timeIntervalSince(start))
      }
      group.leave()
    }.start()
    group.wait()
    #expect(failures.items.isEmpty, "\(failures.items)")
    let counters = try gloss.run("sql", "SELECT count(*) AS n, max(counter) AS top FROM operation", "--json").json()
    let row = counters.arrayValue?.first
    #expect(row?["n"] == .int(Int64(30 + writers * writes)))
    #expect(row?["top"] == row?["n"], "a gap in the counters")
    #expect(try gloss.run("tags", "--json").json().arrayValue?.count == writers * writes)
    #expect(!readerTimes.items.isEmpty)
    #expect(readerTimes.items.allSatisfy { $0 < 5 }, "a reader was blocked: \(readerTimes.items.max() ?? 0) s")
  }
}

/// A list that threads append to.
final class LockedList<Element>: @unchecked Sendable {
  private var storage: [Element] = []
  private let lock = NSLock()
  func append(_ item: Element) { lock.withLock { storage.append(item) } }
  var items: [Element] { lock.withLock { storage } }
  var count: Int { lock.withLock { storage.count } }
}
