import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// Runs a program that needs the terminal, the pager or the editor, the way a shell runs a
/// foreground job: in gloss's own process group, so that it may read the terminal.
///
/// Foundation's `Process` starts its child in a new process group; under a job-control
/// shell that group is not the terminal's foreground group, so `less` or `vi` reading a key
/// is stopped by SIGTTIN and the screen hangs. Here the child shares the group, gets the
/// default disposition of every terminal signal and an empty signal mask, and gloss ignores
/// Ctrl-C and Ctrl-\ while it waits, as `system(3)` does: the key belongs to the child.
public enum ForegroundProcess {
  /// The status a shell gives a command it cannot find.
  public static let notFound: Int32 = 127

  /// Runs `command`, a shell command line as `$PAGER` and `$EDITOR` are (a program and its
  /// options), with `arguments` appended as separate words. `input`, when given, is written
  /// to the program's standard input and then closed; the program may stop reading early
  /// (`q` in the pager). Returns the exit status, 128 + N when signal N ended it.
  public static func run(_ command: String, arguments: [String] = [], input: Data? = nil) throws -> Int32 {
    var pipeEnds: [Int32] = [-1, -1]
    if input != nil, pipe(&pipeEnds) != 0 { throw Failure("cannot create a pipe", code: errno) }
    defer { for end in pipeEnds where end >= 0 { close(end) } }

    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    if input != nil {
      posix_spawn_file_actions_adddup2(&actions, pipeEnds[0], STDIN_FILENO)
      posix_spawn_file_actions_addclose(&actions, pipeEnds[0])
      posix_spawn_file_actions_addclose(&actions, pipeEnds[1])
    }
    var attributes = posix_spawnattr_t()
    posix_spawnattr_init(&attributes)
    defer { posix_spawnattr_destroy(&attributes) }
    var defaults = sigset_t()
    sigemptyset(&defaults)
    for signal in [SIGINT, SIGQUIT, SIGPIPE, SIGTERM, SIGHUP, SIGTSTP, SIGTTIN, SIGTTOU] {
      sigaddset(&defaults, signal)
    }
    var emptyMask = sigset_t()
    sigemptyset(&emptyMask)
    posix_spawnattr_setsigdefault(&attributes, &defaults)
    posix_spawnattr_setsigmask(&attributes, &emptyMask)
    posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))

    let argv = ["/bin/sh", "-c", command + " \"$@\"", "sh"] + arguments
    var cArguments = argv.map { strdup($0) } + [nil]
    defer { for argument in cArguments { free(argument) } }

    let ignored = IgnoredSignals([SIGINT, SIGQUIT, SIGPIPE])
    defer { ignored.restore() }
    var child: pid_t = 0
    let spawned = posix_spawn(&child, "/bin/sh", &actions, &attributes, &cArguments, environ)
    guard spawned == 0 else { throw Failure("cannot start /bin/sh", code: spawned) }

    if let input {
      close(pipeEnds[0])
      pipeEnds[0] = -1
      writeAll(input, to: pipeEnds[1])
      close(pipeEnds[1])
      pipeEnds[1] = -1
    }
    var status: Int32 = 0
    while waitpid(child, &status, 0) < 0 && errno == EINTR {}
    let signalled = status & 0x7f
    return signalled == 0 ? (status >> 8) & 0xff : 128 + signalled
  }

  /// Writes until done or until the reader goes away (EPIPE: the person quit the pager).
  private static func writeAll(_ data: Data, to descriptor: Int32) {
    data.withUnsafeBytes { (buffer: UnsafeRawBufferPointer) in
      var offset = 0
      while offset < buffer.count {
        let written = write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
        if written < 0 {
          if errno == EINTR { continue }
          return
        }
        offset += written
      }
    }
  }

  /// Whether `command`'s program (its first word) can be run: found on `PATH`, or a path
  /// to an executable. A command the shell must interpret (quotes, `$`, `|`) is assumed
  /// runnable and left to the shell.
  public static func canRun(_ command: String) -> Bool {
    let words = command.split(whereSeparator: { $0 == " " || $0 == "\t" })
    guard let program = words.first.map(String.init) else { return false }
    if program.contains(where: { "'\"$`|&;<>(){}\\=".contains($0) }) { return true }
    if program.contains("/") { return access(program, X_OK) == 0 }
    let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
    return path.split(separator: ":").contains { access("\($0)/\(program)", X_OK) == 0 }
  }

  /// A system call that failed, with the system's words for why.
  struct Failure: Error, CustomStringConvertible {
    let description: String
    init(_ what: String, code: Int32) { description = "\(what): \(String(cString: strerror(code)))" }
  }
}

/// Signals set to be ignored until `restore()`, which puts back what was there before.
struct IgnoredSignals {
  private var previous: [(Int32, sigaction)] = []

  init(_ signals: [Int32]) {
    for number in signals {
      var ignore = sigaction()
      ignore.__sigaction_handler.sa_handler = SIG_IGN
      sigemptyset(&ignore.sa_mask)
      var old = sigaction()
      sigaction(number, &ignore, &old)
      previous.append((number, old))
    }
  }

  func restore() {
    for (number, old) in previous {
      var action = old
      sigaction(number, &action, nil)
    }
  }
}
