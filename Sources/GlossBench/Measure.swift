import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// Runs a child process and measures its wall time and peak resident memory (wait4's
/// rusage of that child alone).
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
    var status: Int32 = 0
    var usage = rusage()
    wait4(pid, &status, 0, &usage)
    return Result(
      seconds: Date().timeIntervalSince(start), peakKilobytes: Int(usage.ru_maxrss),
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
