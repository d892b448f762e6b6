import ArgumentParser
import Foundation
import GlossBundle
import GlossCore
import GlossStore

struct SyncCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "sync",
    abstract: "Exchange changes with teammates through bundle files.",
    subcommands: [SyncExportCommand.self, SyncImportCommand.self, SyncStatusCommand.self, SyncDirCommand.self])
}

/// "needs carol 12..40, bob 3..3"
func describeMissing(_ missing: [ReplicaID: ClosedRange<UInt64>], names: [ReplicaID: String]) -> String {
  missing.sorted { $0.key < $1.key }.map { replica, range in
    "\(names[replica] ?? replica.short) \(range.lowerBound)..\(range.upperBound)"
  }.joined(separator: ", ")
}

struct SyncExportCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "export",
    abstract: "Write a bundle of the changes a peer lacks (everything, without --to).",
    discussion: """
      A bundle carries this store's vector clock, so even an empty one tells the peer what you \
      have. Teammates' changes you received travel on, still signed by their authors.
      """)

  @OptionGroup var storeOptions: StoreOptions
  @Option(help: "The peer (person or replica id prefix) whose last known state to subtract.") var to: String?
  @Flag(help: "Export everything.") var all = false
  @Flag(help: "Print the result as JSON.") var json = false
  @Argument(help: ArgumentHelp("The bundle file to write.", valueName: "file"), completion: .file()) var file: String

  func validate() throws {
    if all && to != nil { throw ValidationError("--to and --all do not go together") }
  }

  func run() throws {
    let store = try storeOptions.open()
    var peer: PeerInfo?
    if let to, !all {
      peer = try store.peer(named: to)
      if peer?.lastClock == nil {
        FileHandle.standardError.write(Data("gloss: no bundle from '\(to)' yet, so the bundle holds everything\n".utf8))
      }
    }
    let progress = ProgressLine(noun: "operations", enabled: !json)
    let result = try store.exportBundle(to: file, peer: peer) { done, fraction in
      progress.update(done: done, fraction: fraction)
    }
    progress.finish()
    let output = CommandContext.current.output
    if json || CommandContext.current.mode == .json {
      output.json(
        .object([
          "file": .string(file), "operations": .int(Int64(result.operations)), "bytes": .int(Int64(result.bytes)),
          "peer": peer.map { .string($0.person) } ?? .null,
        ]))
      return
    }
    let scope = peer?.lastClock == nil ? "everything" : "what \(peer!.person) lacks"
    output.line("\(file): \(result.operations) operations (\(scope)), \(result.bytes) bytes")
  }
}

struct SyncImportCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "import",
    abstract: "Import bundles, in any order, any number of times.",
    discussion: """
      Every file's checksum and signature are verified before it is read, and each change's \
      signed chain as it is applied: all in one transaction, which is kept only if every file \
      checks out. Changes whose predecessors have not arrived wait and apply by themselves once \
      they do.
      """)

  @OptionGroup var storeOptions: StoreOptions
  @Flag(help: "Accept a sender whose key this store does not know yet.") var trust = false
  @Flag(help: "Print the result as JSON.") var json = false
  @Argument(help: ArgumentHelp("Bundle files.", valueName: "file"), completion: .file()) var files: [String]

  func validate() throws {
    if files.isEmpty { throw ValidationError("name at least one bundle file") }
  }

  func run() throws {
    let store = try storeOptions.open()
    let progress = ProgressLine(noun: "operations", enabled: !json)
    let bundles = try Store.openBundles(files)
    if let heal = try store.healCopiedReplica(shownBy: bundles) { Self.tell(heal) }
    let results = try store.importSigned(bundles, trust: trust) { done, fraction in
      progress.update(done: done, fraction: fraction)
    }
    progress.finish()
    let names = try store.personNames()
    let output = CommandContext.current.output
    if json || CommandContext.current.mode == .json {
      output.json(
        .array(
          results.map { result in
            .object([
              "file": .string(result.file), "sender": .string(result.sender.person),
              "new": .int(Int64(result.receive.new)), "known": .int(Int64(result.receive.known)),
              "conflicts": .int(Int64(result.receive.conflictsCreated)), "pending": .int(Int64(result.receive.pending)),
              "missing": .string(describeMissing(result.receive.missing, names: names)),
            ])
          }))
      return
    }
    for result in results {
      output.line(Self.summary(result, names: names))
    }
  }

  /// One line, on standard error as when a copy is found at opening (`CommandContext`).
  static func tell(_ heal: ForkHeal) {
    let change = heal.reidentification
    let moved =
      heal.reissued == 0
      ? "it had written nothing since the two parted"
      : "its \(heal.reissued) operation\(heal.reissued == 1 ? "" : "s") since the two parted are that replica's now"
    FileHandle.standardError.write(
      Data(
        ("gloss: another copy of this store (a cloned disk, a restored snapshot) writes as replica "
          + "\(change.previous.short) too: this store now writes as \(change.current.short), introduced by its old "
          + "key, and \(moved)\n").utf8))
  }

  static func summary(_ result: BundleImport, names: [ReplicaID: String]) -> String {
    let r = result.receive
    var line =
      "\(result.file) from \(SafeText.escaped(result.sender.person)): \(r.new) new, \(r.known) already known, "
      + "\(r.conflictsCreated) conflicts created, \(r.pending) pending"
    if !r.missing.isEmpty { line += " (needs \(describeMissing(r.missing, names: names)))" }
    return line
  }
}

struct SyncStatusCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "status", abstract: "Each known peer: its last known clock, what it lacks from us and we from it.")

  @OptionGroup var storeOptions: StoreOptions
  @OptionGroup var format: FormatOptions

  func run() throws {
    let store = try storeOptions.open()
    let (peers, pending, missing) = try store.syncStatus()
    let names = try store.personNames()
    let output = CommandContext.current.output
    if format.mode == .json {
      output.json(
        .object([
          "peers": .array(
            peers.map { status in
              .object([
                "person": .string(status.peer.person), "replica": .string(status.peer.replica.hex),
                "clock": status.peer.lastClock?.json ?? .null,
                "theyLack": .int(Int64(status.theyLack)), "weLack": .int(Int64(status.weLack)),
              ])
            }),
          "pending": .int(Int64(pending)), "missing": .string(describeMissing(missing, names: names)),
        ]))
      return
    }
    let table = TextTable(
      headers: ["PEER", "REPLICA", "LAST CLOCK", "THEY LACK", "WE LACK"],
      rows: peers.map { status in
        let clock =
          status.peer.lastClock.map { clock in
            clock.sortedEntries.map { "\(names[$0.replica] ?? $0.replica.short):\($0.counter)" }.joined(separator: " ")
          } ?? "never sent a bundle"
        return [status.peer.person, status.peer.replica.short, clock, String(status.theyLack), String(status.weLack)]
      }, mainColumn: 2)
    for line in table.render(format.mode, width: Terminal.width(), color: Terminal.colorEnabled) { output.line(line) }
    output.line(
      pending == 0 ? "nothing pending" : "\(pending) pending (needs \(describeMissing(missing, names: names)))")
  }
}

struct SyncDirCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "dir",
    abstract:
      "Sync through a shared folder (Syncthing, Dropbox, Nextcloud, NFS): publish ours, import everyone else's.",
    discussion: """
      Imports every file in the folder that holds something this store lacks, then writes \
      this store's new operations, if any, as a new file REPLICA.FROM-TO.HEAD.gloss (never \
      rewriting a file once written, and never touching another replica's), merging its own \
      small files into larger ones as it goes. With nothing new it writes nothing. A file \
      that is half-written or damaged is skipped with a message and tried again next time. \
      With --watch it stays running: it imports as soon as a file lands and publishes as \
      soon as the store changes, one line per change, until Ctrl-C.
      """)

  @OptionGroup var storeOptions: StoreOptions
  @Flag(help: "Accept senders whose keys this store does not know yet.") var trust = false
  @Flag(help: "Keep running: sync whenever the folder or the store changes, until Ctrl-C.") var watch = false
  @Argument(help: ArgumentHelp("The shared folder.", valueName: "path"), completion: .directory) var path: String

  func run() throws {
    let store = try storeOptions.open()
    let folder = try SharedFolder(path: path, store: store)
    if watch {
      try FolderWatch(folder: folder, storePath: store.path, trust: trust).run()
      return
    }
    let pass = try folder.sync(trust: trust)
    Self.report(pass, store: store, quietWhenIdle: false)
    if !pass.refused.isEmpty { throw ExitCode(3) }
  }

  /// One line per file imported, refused, written or removed.
  static func report(_ pass: SharedFolder.Pass, store: Store, quietWhenIdle: Bool) {
    let output = CommandContext.current.output
    let names = (try? store.personNames()) ?? [:]
    if let heal = pass.healed { SyncImportCommand.tell(heal) }
    for result in pass.imported { output.line(SyncImportCommand.summary(result, names: names)) }
    for (name, error) in pass.refused {
      let reason = (error as? BundleError)?.description ?? "\(SafeText.escaped(name)): \(error)"
      FileHandle.standardError.write(Data("gloss: skipped \(reason)\n".utf8))
    }
    for file in pass.published {
      output.line(
        file.operations == 0
          ? "wrote \(file.name): this store's key statements, \(file.bytes) bytes"
          : "wrote \(file.name): \(file.operations) operations, \(file.bytes) bytes")
    }
    if !pass.removed.isEmpty {
      output.line("removed \(pass.removed.joined(separator: ", ")) (merged into newer files)")
    }
    if pass.withheld {
      output.line("published nothing of this store's own: another copy of it writes as it (see above)")
    } else if !quietWhenIdle, pass.published.isEmpty {
      output.line("nothing new to publish")
    }
  }
}

struct PeersCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "peers",
    abstract: "List known peers with their key fingerprints, or trust one ahead of time.",
    subcommands: [PeersListCommand.self, PeersTrustCommand.self], defaultSubcommand: PeersListCommand.self)
}

struct PeersListCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "list", abstract: "List known peers and your own fingerprint.")

  @OptionGroup var storeOptions: StoreOptions
  @OptionGroup var format: FormatOptions

  func run() throws {
    let store = try storeOptions.open()
    let peers = try store.peers()
    let output = CommandContext.current.output
    if format.mode == .json {
      output.json(
        .object([
          "you": .object([
            "person": .string(store.local.person), "replica": .string(store.local.id.hex),
            "fingerprint": .string(try store.fingerprint),
          ]),
          "peers": .array(
            peers.map {
              .object([
                "person": .string($0.person), "replica": .string($0.replica.hex),
                "fingerprint": .string($0.fingerprint),
              ])
            }),
        ]))
      return
    }
    output.line("you: \(store.local.person) \(store.local.id.short) fingerprint \(try store.fingerprint)")
    let table = TextTable(
      headers: ["PEER", "REPLICA", "FINGERPRINT", "LAST BUNDLE"],
      rows: peers.map { peer in
        [
          peer.person, peer.replica.short, peer.fingerprint,
          peer.lastSeen.map { LogCommand.time(HLCTimestamp(milliseconds: $0)) } ?? "relayed",
        ]
      })
    for line in table.render(format.mode, width: Terminal.width(), color: Terminal.colorEnabled) { output.line(line) }
  }
}

struct PeersTrustCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "trust", abstract: "Trust NAME's key with FINGERPRINT before their first bundle arrives.")

  @OptionGroup var storeOptions: StoreOptions
  @Argument(help: ArgumentHelp("The person.", valueName: "name")) var name: String
  @Argument(help: ArgumentHelp("Their fingerprint, as gloss peers shows it to them.", valueName: "fingerprint"))
  var fingerprint: String

  func run() throws {
    try storeOptions.open().trust(person: name, fingerprint: fingerprint)
    CommandContext.current.output.line("trusting \(name)'s key \(fingerprint.lowercased())")
  }
}
