import Foundation
import GlossCommands
import GlossCore

/// Shows output longer than the screen through `$PAGER` (default `less -FRX`), run in the
/// foreground so that it can read keys: `q` returns to the prompt.
enum Pager {
  static var command: String {
    let pager = ProcessInfo.processInfo.environment["PAGER"] ?? ""
    return pager.trimmingCharacters(in: .whitespaces).isEmpty ? "less -FRX" : pager
  }

  /// A pager that cannot run is reported once, then output prints directly.
  nonisolated(unsafe) private static var reportedMissing = false

  /// Returns false when the pager could not run, so the caller prints instead.
  static func show(_ lines: [String]) -> Bool {
    let command = command
    guard ForegroundProcess.canRun(command) else {
      if !reportedMissing {
        reportedMissing = true
        FileHandle.standardError.write(
          Data(
            "gloss: the pager '\(SafeText.escaped(command))' was not found; printing instead (set PAGER, or .pager off)\n"
              .utf8))
      }
      return false
    }
    fflush(nil)
    let data = Data((lines.joined(separator: "\n") + "\n").utf8)
    guard let status = try? ForegroundProcess.run(command, input: data) else { return false }
    return status != ForegroundProcess.notFound
  }
}
