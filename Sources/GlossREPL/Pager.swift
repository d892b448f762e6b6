import Foundation

/// Shows output longer than the screen through `$PAGER` (default `less -FRX`).
enum Pager {
  static var command: String {
    let pager = ProcessInfo.processInfo.environment["PAGER"] ?? ""
    return pager.isEmpty ? "less -FRX" : pager
  }

  /// Returns false when the pager could not run, so the caller prints instead.
  static func show(_ lines: [String]) -> Bool {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/bin/sh")
    process.arguments = ["-c", command]
    let pipe = Pipe()
    process.standardInput = pipe
    do {
      try process.run()
    } catch {
      return false
    }
    let previous = signal(SIGPIPE, SIG_IGN)
    defer { signal(SIGPIPE, previous) }
    let data = Data((lines.joined(separator: "\n") + "\n").utf8)
    try? pipe.fileHandleForWriting.write(contentsOf: data)
    try? pipe.fileHandleForWriting.close()
    process.waitUntilExit()
    // 127: the shell found no such pager; the caller prints the output instead.
    return process.terminationStatus != 127
  }
}
