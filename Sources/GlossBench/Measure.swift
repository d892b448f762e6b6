import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// Runs a child process and measures its wall time and peak resident memory.
///
/// The child is started by a small supervisor, this very binary started afresh
/// (`superviseChild`), which times it and reads its peak from wait4's `ru_maxrss`.
/// Started from here directly, its `ru_maxrss` would be this process's: posix_spawn
/// starts a child in the spawning process's address space, and exec carries that space's
/// high-water mark into the child's, which here is a million generated operations. The
/// supervisor's space is a freshly started binary's, 18 MiB, below what gloss takes to
/// start (23 MiB), so the peak read is the child's own. Reading the child's `VmHWM` from
/// /proc every 2 ms instead slowed the child it measured (a million-operation import's
/// median went from 9.0 s to 8.4 s without it, runs minutes apart), and missed its last
/// moments.
enum Measure {
  struct Result {
    let seconds: Double
    let peakKilobytes: Int
    let status: Int32
  }

  /// The argument that makes this binary a supervisor (`superviseChild`).
  static let superviseFlag = "--supervise-child"
  /// The supervisor's report, "seconds peak-kilobytes status", goes to this descriptor.
  private static let reportDescriptor: Int32 = 3

  /// Standard output goes to `stdoutPath` when given (a baseline that must write its
  /// output as the measured command does), else to /dev/null unless not `quiet`.
  static func run(_ argv: [String], stdinPath: String? = nil, stdoutPath: String? = nil, quiet: Bool = true)
    -> Result
  {
    var report: [Int32] = [0, 0]
    guard pipe(&report) == 0 else { fatalError("cannot make a pipe: \(String(cString: strerror(errno)))") }
    // Neither end is the supervisor's but as its `reportDescriptor` (dup2 clears the flag).
    for end in report { _ = fcntl(end, F_SETFD, FD_CLOEXEC) }
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    if let stdinPath { posix_spawn_file_actions_addopen(&actions, 0, stdinPath, O_RDONLY, 0) }
    if let stdoutPath {
      posix_spawn_file_actions_addopen(&actions, 1, stdoutPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
    } else if quiet {
      posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
    }
    posix_spawn_file_actions_adddup2(&actions, report[1], reportDescriptor)
    let supervisor = ["/proc/self/exe", superviseFlag] + argv
    var pid: pid_t = 0
    let cArgs = supervisor.map { strdup($0) } + [nil]
    defer { cArgs.forEach { free($0) } }
    let spawned = posix_spawn(&pid, supervisor[0], &actions, nil, cArgs, environ)
    guard spawned == 0 else { fatalError("cannot start the supervisor: \(String(cString: strerror(spawned)))") }
    close(report[1])
    var bytes: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 256)
    while case let count = read(report[0], &buffer, buffer.count), count > 0 { bytes += buffer[..<count] }
    close(report[0])
    var status: Int32 = 0
    waitpid(pid, &status, 0)
    let fields = String(decoding: bytes, as: UTF8.self).split(separator: " ")
    guard fields.count == 3, let seconds = Double(fields[0]), let peak = Int(fields[1]), let code = Int32(fields[2])
    else { fatalError("the supervisor of \(argv[0]) reported nothing (status \(status))") }
    return Result(seconds: seconds, peakKilobytes: peak, status: code)
  }

  /// Runs `argv` with this process's descriptors, waits for it, and writes its wall time,
  /// peak resident memory and exit status to `reportDescriptor`; then exits. Called first
  /// thing in `main`, so that this process's own memory, which the child's peak includes,
  /// stays a freshly started binary's.
  static func superviseChild(_ argv: [String]) -> Never {
    _ = fcntl(reportDescriptor, F_SETFD, FD_CLOEXEC)
    var pid: pid_t = 0
    let cArgs = argv.map { strdup($0) } + [nil]
    var start = timespec()
    clock_gettime(CLOCK_MONOTONIC, &start)
    let spawned = posix_spawnp(&pid, argv[0], nil, nil, cArgs, environ)
    var status: Int32 = 0
    var usage = rusage()
    let code: Int32
    if spawned == 0 {
      wait4(pid, &status, 0, &usage)
      code = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
    } else {
      FileHandle.standardError.write(Data("cannot start \(argv[0]): \(String(cString: strerror(spawned)))\n".utf8))
      code = 127
    }
    var end = timespec()
    clock_gettime(CLOCK_MONOTONIC, &end)
    let seconds = Double(end.tv_sec - start.tv_sec) + Double(end.tv_nsec - start.tv_nsec) / 1e9
    let report = "\(seconds) \(usage.ru_maxrss) \(code)"
    _ = report.utf8CString.withUnsafeBufferPointer { write(reportDescriptor, $0.baseAddress, $0.count - 1) }
    exit(0)
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
