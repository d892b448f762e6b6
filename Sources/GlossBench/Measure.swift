import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// Runs a child process and measures its wall time and peak resident memory.
///
/// The peak is the child's own `VmHWM`, read every few milliseconds while it runs, not
/// wait4's `ru_maxrss`: posix_spawn starts the child in this process's address space, and
/// exec carries that space's high-water mark into the child's, so `ru_maxrss` reported the
/// benchmark's own memory (a million generated operations) as the command's.
enum Measure {
  struct Result {
    let seconds: Double
    let peakKilobytes: Int
    let status: Int32
  }

  /// Standard output goes to `stdoutPath` when given (a baseline that must write its
  /// output as the measured command does), else to /dev/null unless not `quiet`.
  static func run(_ argv: [String], stdinPath: String? = nil, stdoutPath: String? = nil, quiet: Bool = true)
    -> Result
  {
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    if let stdinPath { posix_spawn_file_actions_addopen(&actions, 0, stdinPath, O_RDONLY, 0) }
    if let stdoutPath {
      posix_spawn_file_actions_addopen(&actions, 1, stdoutPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
    } else if quiet {
      posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
    }
    var pid: pid_t = 0
    let cArgs = argv.map { strdup($0) } + [nil]
    defer { cArgs.forEach { free($0) } }
    let start = Date()
    let spawned = posix_spawnp(&pid, argv[0], &actions, nil, cArgs, environ)
    guard spawned == 0 else { fatalError("cannot start \(argv[0]): \(String(cString: strerror(spawned)))") }
    let sampler = HighWaterSampler(pid: pid)
    var status: Int32 = 0
    waitpid(pid, &status, 0)
    let seconds = Date().timeIntervalSince(start)
    return Result(
      seconds: seconds, peakKilobytes: sampler.stop(),
      status: (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f))
  }

  /// Times `body` once, in seconds.
  static func time(_ body: () throws -> Void) rethrows -> Double {
    let start = DispatchTime.now().uptimeNanoseconds
    try body()
    return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
  }

  static func median(_ values: [Double]) -> Double {
    let sorted = values.sorted()
    guard !sorted.isEmpty else { return .nan }
    return sorted.count % 2 == 1
      ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
  }

  static func percentile(_ values: [Double], _ p: Double) -> Double {
    let sorted = values.sorted()
    return sorted[min(sorted.count - 1, Int(Double(sorted.count) * p))]
  }
}

extension Double {
  func formatted(_ digits: Int) -> String { String(format: "%.\(digits)f", self) }
}

extension Int {
  var grouped: String {
    let digits = String(self)
    var out = ""
    for (index, character) in digits.enumerated() {
      if index > 0, (digits.count - index) % 3 == 0 { out += "," }
      out.append(character)
    }
    return out
  }
}

/// Reads a child's `VmHWM` every 2 ms on its own thread while the child runs, so that
/// waiting for the child, and so its timing, is undisturbed. Memory allocated in the last
/// 2 ms of the child's life can be missed.
final class HighWaterSampler: @unchecked Sendable {
  private let lock = NSLock()
  private var peak = 0
  private var running = true
  private let done = DispatchSemaphore(value: 0)

  init(pid: pid_t) {
    Thread.detachNewThread { [self] in
      while lock.withLock({ running }) {
        let sample = Self.highWaterKilobytes(of: pid)
        lock.withLock { peak = max(peak, sample) }
        usleep(2_000)
      }
      done.signal()
    }
  }

  /// Stops sampling; the highest peak seen.
  func stop() -> Int {
    lock.withLock { running = false }
    done.wait()
    return lock.withLock { peak }
  }

  /// A running process's peak resident memory so far, from /proc (0 once it has exited).
  static func highWaterKilobytes(of pid: pid_t) -> Int {
    // /proc files report size 0, so they are read with read(2), not by a size-first reader.
    let fd = open("/proc/\(pid)/status", O_RDONLY)
    guard fd >= 0 else { return 0 }
    defer { close(fd) }
    var buffer = [UInt8](repeating: 0, count: 8192)
    let count = read(fd, &buffer, buffer.count)
    guard count > 0 else { return 0 }
    let status = String(decoding: buffer[..<count], as: UTF8.self)
    guard let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }) else { return 0 }
    // "VmHWM:\t  165448 kB"
    return Int(line.dropFirst(6).split(whereSeparator: { $0 == " " || $0 == "\t" }).first ?? "") ?? 0
  }
}
