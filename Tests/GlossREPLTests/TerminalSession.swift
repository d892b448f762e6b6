import Foundation

/// A real terminal: gloss runs in a detached tmux session of a fixed size; tests type with
/// send-keys and read the screen with capture-pane, as a person would meet it.
final class TerminalSession {
  let socket = "gloss-test-\(UUID().uuidString.prefix(8))"
  let folder: URL
  let width: Int
  let height: Int

  static let executable: String = {
    let testBinary = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
    var folder = testBinary.deletingLastPathComponent()
    while folder.path != "/" {
      let candidate = folder.appendingPathComponent("gloss")
      if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate.path }
      folder = folder.deletingLastPathComponent()
    }
    fatalError("the gloss executable was not built next to the tests")
  }()

  static let seed = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent(
      "shared/seeds/cancerindex-sorafenib.txt"
    ).path

  init(width: Int = 100, height: Int = 30, importSeed: Bool = true) throws {
    self.width = width
    self.height = height
    folder = FileManager.default.temporaryDirectory.appendingPathComponent("gloss-repl-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    if importSeed { _ = try gloss(["import", Self.seed]) }
  }

  var environment: [String: String] {
    [
      "GLOSS_STORE": folder.appendingPathComponent("store.sqlite").path, "USER": "alice",
      "XDG_STATE_HOME": folder.appendingPathComponent("state").path, "NO_COLOR": "1", "TERM": "xterm",
      "PAGER": "cat > \(folder.appendingPathComponent("paged.txt").path)",
    ]
  }

  var historyFile: String { folder.appendingPathComponent("state/gloss/history").path }

  /// Runs gloss once, outside the terminal.
  func gloss(_ arguments: [String]) throws -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: Self.executable)
    process.arguments = arguments
    process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
    let pipe = Pipe()
    process.standardOutput = pipe
    try process.run()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return String(decoding: data, as: UTF8.self)
  }

  /// Runs a tmux client command. Its output goes through a file, never a pipe: the tmux
  /// server that the first command starts would inherit a pipe and hold it open for as long
  /// as it lives.
  @discardableResult
  func tmux(_ arguments: [String], startsServer: Bool = false) throws -> String {
    let outputFile = folder.appendingPathComponent("tmux-\(UUID().uuidString).out")
    FileManager.default.createFile(atPath: outputFile.path, contents: nil)
    let output = try FileHandle(forWritingTo: outputFile)
    defer {
      try? output.close()
      try? FileManager.default.removeItem(at: outputFile)
    }
    let process = Process()
    // Through sh, closing every inherited descriptor above 2, so that the tmux server
    // holds none of the test runner's pipes open.
    process.executableURL = URL(fileURLWithPath: "/bin/bash")
    process.arguments =
      [
        "-c",
        "for fd in $(ls /proc/$$/fd); do [ \"$fd\" -gt 2 ] && eval \"exec $fd>&-\" 2>/dev/null; done; exec tmux \"$@\"",
        "bash", "-L", socket,
      ] + arguments
    process.standardInput = FileHandle.nullDevice
    process.standardError = FileHandle.nullDevice
    process.standardOutput = startsServer ? FileHandle.nullDevice : output
    try process.run()
    process.waitUntilExit()
    return (try? String(contentsOf: outputFile, encoding: .utf8)) ?? ""
  }

  /// Starts the REPL and waits for its prompt.
  func start() throws {
    let exports = environment.map { "\($0.key)='\($0.value)'" }.sorted().joined(separator: " ")
    try tmux(
      [
        "new-session", "-d", "-s", "repl", "-x", String(width), "-y", String(height),
        "env \(exports) \(Self.executable); echo GLOSS-EXITED-$?; sleep 30",
      ], startsServer: true)
    try waitFor("alice@store>")
  }

  /// Types text literally, or named keys (Tab, Enter, C-c, C-d, Up).
  func type(_ text: String) throws { try tmux(["send-keys", "-t", "repl", "-l", text]) }
  func press(_ keys: String...) throws { try tmux(["send-keys", "-t", "repl"] + keys) }

  var screen: String { (try? tmux(["capture-pane", "-p", "-t", "repl"])) ?? "" }
  var lines: [String] { screen.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) }

  /// Waits until the screen shows `text` (capture-pane drops trailing spaces, so `text`
  /// should not end in one); returns the screen.
  @discardableResult
  func waitFor(_ text: String, timeout: Double = 10) throws -> String {
    let deadline = Date().addingTimeInterval(timeout)
    while Date() < deadline {
      let current = screen
      if current.contains(text) { return current }
      Thread.sleep(forTimeInterval: 0.05)
    }
    struct Timeout: Error, CustomStringConvertible {
      let description: String
    }
    throw Timeout(description: "the screen never showed \(text.debugDescription); it shows:\n\(screen)")
  }

  func stop() {
    _ = try? tmux(["kill-server"])
    try? FileManager.default.removeItem(at: folder)
  }

  deinit { stop() }
}
