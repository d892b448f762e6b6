import Foundation
import GlossCore

/// Runs the built `gloss` binary as a person or a script would, in a scratch folder with
/// its own store.
struct GlossProcess {
  struct Result {
    let status: Int32
    let stdout: String
    let stderr: String
    var lines: [String] { stdout.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) }
    func json() throws -> JSONValue { try JSONValue(parsing: stdout.trimmingCharacters(in: .whitespacesAndNewlines)) }
  }

  static let executable: URL = {
    let testBinary = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
    var folder = testBinary.deletingLastPathComponent()
    while folder.path != "/" {
      let candidate = folder.appendingPathComponent("gloss")
      if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
      folder = folder.deletingLastPathComponent()
    }
    fatalError("the gloss executable was not built next to the tests")
  }()

  static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()
  static let seed = repository.deletingLastPathComponent().appendingPathComponent(
    "shared/seeds/cancerindex-sorafenib.txt"
  )
  .path
  static func fixture(_ name: String) -> String {
    repository.appendingPathComponent("Tests/GlossImportTests/Fixtures/\(name)").path
  }

  let folder: URL
  var person = "alice"
  var extraEnvironment: [String: String] = [:]

  /// A scratch folder; with `createStore`, its store is made with `gloss init` (only init
  /// makes a store).
  init(person: String = "alice", createStore: Bool = true) {
    folder = FileManager.default.temporaryDirectory.appendingPathComponent("gloss-test-\(UUID().uuidString)")
    try! FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    self.person = person
    if createStore {
      let made = try! run("init", "--name", person)
      precondition(made.status == 0, "gloss init failed: \(made.stderr)")
    }
  }

  var store: String { folder.appendingPathComponent("store.sqlite").path }

  func file(_ name: String, _ contents: String) -> String {
    let path = folder.appendingPathComponent(name).path
    FileManager.default.createFile(atPath: path, contents: Data(contents.utf8))
    return path
  }

  @discardableResult
  func run(_ arguments: String..., input: String? = nil) throws -> Result {
    try run(arguments: arguments, input: input)
  }

  /// `gloss` with these arguments, in this scratch folder, with its store and person.
  func process(_ arguments: [String]) -> Process {
    let process = Process()
    process.executableURL = Self.executable
    process.arguments = arguments
    process.currentDirectoryURL = folder
    var environment = ProcessInfo.processInfo.environment
    environment["GLOSS_STORE"] = store
    environment["USER"] = person
    environment["XDG_STATE_HOME"] = folder.appendingPathComponent("state").path
    environment["NO_COLOR"] = "1"
    for (key, value) in extraEnvironment { environment[key] = value }
    process.environment = environment
    return process
  }

  func run(arguments: [String], input: String? = nil) throws -> Result {
    let process = process(arguments)
    let out = Pipe()
    let err = Pipe()
    let inPipe = Pipe()
    process.standardOutput = out
    process.standardError = err
    process.standardInput = inPipe
    try process.run()
    if let input { inPipe.fileHandleForWriting.write(Data(input.utf8)) }
    try inPipe.fileHandleForWriting.close()
    // Both pipes at once: a process that fills one while we wait on the other would hang.
    nonisolated(unsafe) var errData = Data()
    let done = DispatchSemaphore(value: 0)
    Thread {
      errData = err.fileHandleForReading.readDataToEndOfFile()
      done.signal()
    }.start()
    let outData = out.fileHandleForReading.readDataToEndOfFile()
    done.wait()
    process.waitUntilExit()
    return Result(
      status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
      stderr: String(decoding: errData, as: UTF8.self))
  }

  /// Starts `gloss` without waiting for it, its output going to `output` (for commands
  /// that keep running, like `sync dir --watch`).
  func start(_ arguments: String..., output: URL) throws -> Process {
    let process = process(arguments)
    FileManager.default.createFile(atPath: output.path, contents: nil)
    let handle = try FileHandle(forWritingTo: output)
    process.standardOutput = handle
    process.standardError = handle
    process.standardInput = FileHandle.nullDevice
    try process.run()
    return process
  }

  func operationCount() throws -> Int {
    try run("log", "--json").json().arrayValue?.count ?? -1
  }
}
