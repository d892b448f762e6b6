import Foundation

/// A real terminal: an interactive bash with job control (`bash -i`) in a detached tmux
/// session of a fixed size, where gloss is started as a person starts it, with the real
/// `less -FRX` as its pager; tests type with send-keys and read the screen with
/// capture-pane. `stop()` ends every process the session started.
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

  /// Extra variables for gloss in the terminal (PAGER, EDITOR, …).
  var extraEnvironment: [String: String] = [:]
  /// The session id of the pane's shell: every process started in the pane has it.
  private var paneSession: Int32?

  init(width: Int = 100, height: Int = 30, importSeed: Bool = true) throws {
    self.width = width
    self.height = height
    folder = FileManager.default.temporaryDirectory.appendingPathComponent("gloss-repl-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
    _ = try gloss(["init", "--name", "alice"])
    if importSeed { _ = try gloss(["import", Self.seed]) }
  }

  var home: URL { folder.appendingPathComponent("home") }

  var environment: [String: String] {
    [
      "GLOSS_STORE": folder.appendingPathComponent("store.sqlite").path, "USER": "alice",
      "XDG_STATE_HOME": folder.appendingPathComponent("state").path, "NO_COLOR": "1", "HOME": home.path,
    ].merging(extraEnvironment) { $1 }
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
    defer { try? FileManager.default.removeItem(at: outputFile) }
    // Through bash, closing every inherited descriptor above 2, so that the tmux server
    // holds none of the test runner's pipes open.
    let argv =
      [
        "/bin/bash", "-c",
        "for fd in $(ls /proc/$$/fd); do [ \"$fd\" -gt 2 ] && eval \"exec $fd>&-\" 2>/dev/null; done; exec tmux \"$@\"",
        "bash", "-L", socket,
      ] + arguments
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
    posix_spawn_file_actions_addopen(
      &actions, 1, startsServer ? "/dev/null" : outputFile.path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
    posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
    // The test runner blocks terminal signals; a terminal's processes must get them (a
    // shell blocking SIGHUP would outlive its closed terminal), so the mask is emptied.
    var attributes = posix_spawnattr_t()
    posix_spawnattr_init(&attributes)
    defer { posix_spawnattr_destroy(&attributes) }
    var empty = sigset_t()
    sigemptyset(&empty)
    var defaults = sigset_t()
    sigemptyset(&defaults)
    for signal in [SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGPIPE] { sigaddset(&defaults, signal) }
    posix_spawnattr_setsigmask(&attributes, &empty)
    posix_spawnattr_setsigdefault(&attributes, &defaults)
    posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
    var cArguments = argv.map { strdup($0) } + [nil]
    defer { for argument in cArguments { free(argument) } }
    var pid: pid_t = 0
    let spawned = posix_spawn(&pid, "/bin/bash", &actions, &attributes, &cArguments, environ)
    guard spawned == 0 else { throw CocoaError(.executableLoad) }
    var status: Int32 = 0
    while waitpid(pid, &status, 0) < 0, errno == EINTR {}
    return (try? String(contentsOf: outputFile, encoding: .utf8)) ?? ""
  }

  /// Starts an interactive bash in the terminal, then the REPL from it, and waits for the
  /// REPL's prompt. When gloss ends, the shell prints GLOSS-EXITED-<status>.
  func start() throws {
    if paneSession == nil {
      let exports = environment.map { "\($0.key)='\($0.value)'" }.sorted().joined(separator: " ")
      try tmux(
        [
          "new-session", "-d", "-s", "repl", "-x", String(width), "-y", String(height),
          "env \(exports) PS1='$ ' bash --norc --noprofile -i",
        ], startsServer: true)
      paneSession = Int32(
        try tmux(["display-message", "-p", "-t", "repl", "#{pane_pid}"]).trimmingCharacters(
          in: .whitespacesAndNewlines))
      try waitFor("$")
    }
    // Typed as GLOSS""-EXITED so that only the shell's output, not the typed line, reads
    // GLOSS-EXITED.
    try type("\(Self.executable); echo GLOSS\"\"-EXITED-$?")
    try press("Enter")
    try waitFor("alice@store>")
  }

  /// The pid of the gloss running in the terminal, if one is.
  var glossPID: Int32? {
    guard let paneSession else { return nil }
    return processes(inSession: paneSession).first { $0.name == "gloss" }?.pid
  }

  /// Every process whose session is `session`, read from /proc.
  func processes(inSession session: Int32) -> [(pid: Int32, name: String)] {
    let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
    return entries.compactMap { entry -> (Int32, String)? in
      guard let pid = Int32(entry), let stat = try? String(contentsOfFile: "/proc/\(entry)/stat", encoding: .utf8),
        let open = stat.firstIndex(of: "("), let close = stat.lastIndex(of: ")")
      else { return nil }
      let name = String(stat[stat.index(after: open)..<close])
      // After "(name) ": state, ppid, pgrp, session, …
      let fields = stat[stat.index(close, offsetBy: 2)...].split(separator: " ")
      guard fields.count > 3, Int32(fields[3]) == session else { return nil }
      return (pid, name)
    }
  }

  /// A process's state letter from /proc (R, S, T for stopped, …).
  static func state(of pid: Int32) -> String? {
    guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
      let close = stat.lastIndex(of: ")")
    else { return nil }
    return stat[stat.index(close, offsetBy: 2)...].split(separator: " ").first.map(String.init)
  }

  /// A CancerIndex listing of `records` made-up records, big enough that importing it
  /// takes seconds.
  func writeListing(records: Int) throws -> String {
    var text = "Home > Treatments > Synthetic\n\nLatest Research Publications\n\n"
    for number in 0..<records {
      text += """
        Author\(number % 97) A, Other B
        A synthetic title number \(number) about sorafenib and resistance.
        Lancet. 2017; 1(1):1-2 [PubMed] Related Publications
        BACKGROUND: Background text of record \(number), long enough to index a few words.


        """
    }
    text += "CancerIndex.org\n"
    let path = folder.appendingPathComponent("synthetic.txt").path
    try text.write(toFile: path, atomically: false, encoding: .utf8)
    return path
  }

  /// The processes still running in the pane's session (none once `stop` has run).
  var remainingProcesses: [(pid: Int32, name: String)] {
    guard let paneSession else { return [] }
    return processes(inSession: paneSession)
  }

  /// Types text literally, or named keys (Tab, Enter, C-c, C-d, Up).
  func type(_ text: String) throws { try tmux(["send-keys", "-t", "repl", "-l", text]) }
  func press(_ keys: String...) throws { try tmux(["send-keys", "-t", "repl"] + keys) }
  /// Types a line and presses Enter.
  func enter(_ line: String) throws {
    try type(line)
    try press("Enter")
  }

  var screen: String { (try? tmux(["capture-pane", "-p", "-t", "repl"])) ?? "" }
  /// The screen and what scrolled off it, lines the terminal wrapped joined again.
  var scrollback: String { (try? tmux(["capture-pane", "-p", "-J", "-S", "-1000", "-t", "repl"])) ?? "" }
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

  /// Ends the terminal and everything started in it: the tmux server hangs up the pane
  /// (SIGHUP, which gloss obeys); anything still alive a moment later is killed.
  func stop() {
    _ = try? tmux(["kill-server"])
    if let paneSession {
      let deadline = Date().addingTimeInterval(3)
      while !processes(inSession: paneSession).isEmpty, Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
      for process in processes(inSession: paneSession) { kill(process.pid, SIGKILL) }
    }
    try? FileManager.default.removeItem(at: folder)
  }

  deinit { stop() }
}
