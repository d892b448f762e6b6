import Dispatch
import Foundation
import GlossBundle
import GlossCore
import GlossStore

#if canImport(Glibc)
  import Glibc
#endif

/// `gloss sync dir PATH --watch`: a shared folder kept in step with the store as things
/// happen. inotify reports a file landing in the folder (a sync tool renames a finished
/// download into place: `IN_MOVED_TO`, or closes what it wrote: `IN_CLOSE_WRITE`) and the
/// store changing (SQLite writes its `-wal` file, whichever process wrote); each burst of
/// events, once 50 ms pass without another, starts one pass of `SharedFolder.sync`. A pass
/// also runs every 30 s, for folders on file systems that send no events (NFS, SMB).
///
/// SIGINT and SIGTERM end the watch between passes, never inside one: a pass's import is
/// one transaction and its files are renamed into place whole.
struct FolderWatch {
  let folder: SharedFolder
  let storePath: String
  let trust: Bool

  static let quiet: Int32 = 50
  static let rescan: Int32 = 30_000

  func run() throws {
    let events = inotify_init1(Int32(IN_CLOEXEC | IN_NONBLOCK))
    guard events >= 0 else { throw failure() }
    defer { close(events) }
    let storeFolder = (storePath as NSString).deletingLastPathComponent
    let storeName = (storePath as NSString).lastPathComponent
    let folderMask = UInt32(IN_CLOSE_WRITE | IN_MOVED_TO)
    guard inotify_add_watch(events, folder.path, folderMask) >= 0,
      inotify_add_watch(events, storeFolder.isEmpty ? "." : storeFolder, UInt32(IN_MODIFY) | folderMask) >= 0
    else { throw failure() }
    let stop = StopSignals()
    defer { stop.restore() }
    let output = CommandContext.current.output
    output.line("watching \(SafeText.escaped(folder.path)) (Ctrl-C to stop)")
    output.flush()
    try runPass()
    var buffer = [UInt8](repeating: 0, count: 64 * 1024)
    while !stop.requested {
      var fds = [
        pollfd(fd: events, events: Int16(POLLIN), revents: 0),
        pollfd(fd: stop.wakeUp, events: Int16(POLLIN), revents: 0),
      ]
      let ready = poll(&fds, 2, Self.rescan)
      if stop.requested { break }
      if ready < 0 {
        if errno == EINTR { continue }
        throw failure()
      }
      if ready == 0 {
        try runPass()
        continue
      }
      var relevant = drain(events, into: &buffer, storeName: storeName)
      // Wait for the burst to end: a sync tool delivering ten files, an import's commits.
      while !stop.requested {
        var more = [pollfd(fd: events, events: Int16(POLLIN), revents: 0)]
        guard poll(&more, 1, Self.quiet) > 0 else { break }
        relevant = drain(events, into: &buffer, storeName: storeName) || relevant
      }
      if relevant, !stop.requested { try runPass() }
    }
    output.line("stopped watching \(SafeText.escaped(folder.path))")
    output.flush()
  }

  /// The error of the system call that just failed, naming the folder.
  func failure() -> StoreError {
    StoreError("cannot watch \(SafeText.escaped(folder.path)): \(String(cString: strerror(errno)))")
  }

  /// One sync pass, reported; a refused file is reported and the watch goes on.
  func runPass() throws {
    let pass = try folder.sync(trust: trust)
    SyncDirCommand.report(pass, store: folder.store, quietWhenIdle: true)
    // Each change as it happens, in the REPL too (which otherwise prints a command's
    // lines when it ends).
    CommandContext.current.output.flush()
  }

  /// Reads every pending event; whether any was about a bundle file in the folder or the
  /// store's own files (this store's temporary files and its readers' `-shm` are not).
  func drain(_ events: Int32, into buffer: inout [UInt8], storeName: String) -> Bool {
    var relevant = false
    while true {
      let count = buffer.withUnsafeMutableBytes { read(events, $0.baseAddress!, $0.count) }
      guard count > 0 else { return relevant }
      var offset = 0
      while offset + MemoryLayout<inotify_event>.size <= count {
        let (length, name) = buffer.withUnsafeBytes { raw -> (Int, String) in
          let event = raw.loadUnaligned(fromByteOffset: offset, as: inotify_event.self)
          let start = offset + MemoryLayout<inotify_event>.size
          let bytes = raw[start..<min(count, start + Int(event.len))].prefix { $0 != 0 }
          return (Int(event.len), String(decoding: bytes, as: UTF8.self))
        }
        offset += MemoryLayout<inotify_event>.size + length
        if name == storeName || name == storeName + "-wal" || FolderFile(name: name) != nil { relevant = true }
      }
    }
  }
}

/// SIGINT and SIGTERM turned into a flag and a readable pipe (for `poll`), for as long as
/// the watch runs; the previous dispositions come back after.
final class StopSignals: @unchecked Sendable {
  private let queue = DispatchQueue(label: "gloss.watch.signals")
  private var sources: [DispatchSourceSignal] = []
  private var previous: [(Int32, sighandler_t?)] = []
  private let pipe: [Int32]
  private let lock = NSLock()
  private var stopped = false

  init() {
    var ends: [Int32] = [-1, -1]
    _ = Glibc.pipe(&ends)
    for end in ends { _ = fcntl(end, F_SETFD, FD_CLOEXEC) }
    pipe = ends
    for signal in [SIGINT, SIGTERM] {
      previous.append((signal, Glibc.signal(signal, SIG_IGN)))
      let source = DispatchSource.makeSignalSource(signal: signal, queue: queue)
      source.setEventHandler { [self] in
        lock.withLock { stopped = true }
        var byte: UInt8 = 1
        _ = write(pipe[1], &byte, 1)
      }
      source.resume()
      sources.append(source)
    }
  }

  var requested: Bool { lock.withLock { stopped } || Cancellation.isRequested() }
  var wakeUp: Int32 { pipe[0] }

  func restore() {
    for source in sources { source.cancel() }
    for (signal, handler) in previous { _ = Glibc.signal(signal, handler) }
    close(pipe[0])
    close(pipe[1])
  }
}
