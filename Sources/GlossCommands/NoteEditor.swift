import Foundation
import GlossCore

#if canImport(Glibc)
  import Glibc
#endif

/// Writing a note in the person's own editor, as `git commit` does: `$VISUAL`, else
/// `$EDITOR`, else `vi`, on a file in the store's folder (never elsewhere: gloss writes
/// only the store and the folders it is given), removed afterwards. The editor runs in the
/// foreground so that it has the terminal. An empty file cancels.
public enum NoteEditor {
  public static var command: String {
    let environment = ProcessInfo.processInfo.environment
    for name in ["VISUAL", "EDITOR"] {
      if let value = environment[name], !value.trimmingCharacters(in: .whitespaces).isEmpty { return value }
    }
    return "vi"
  }

  /// The text the person wrote, starting from `initial`; throws when there is no terminal
  /// to edit on, the editor fails, or the file comes back empty (nothing is written then).
  public static func compose(initial: String, storePath: String) throws -> String {
    guard Terminal.isTerminal(STDIN_FILENO), Terminal.isTerminal(STDOUT_FILENO) else {
      throw GlossMain.UsageError("give the note's text: there is no terminal to open an editor on")
    }
    let editor = command
    guard ForegroundProcess.canRun(editor) else {
      throw GlossMain.UsageError(
        "the editor '\(SafeText.escaped(editor))' was not found; set VISUAL or EDITOR, or give the note's text")
    }
    let folder = (storePath as NSString).deletingLastPathComponent
    var template = Array(((folder.isEmpty ? "." : folder) + "/.gloss-note-XXXXXX.md").utf8CString)
    let descriptor = mkstemps(&template, 3)
    guard descriptor >= 0 else {
      throw GlossMain.UsageError(
        "cannot make a file for the editor in \(folder): \(String(cString: strerror(errno))); give the note's text")
    }
    let path = String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    defer { unlink(path) }
    let handle = FileHandle(fileDescriptor: descriptor, closeOnDealloc: true)
    handle.write(Data(initial.utf8))
    try? handle.close()
    let status = try ForegroundProcess.run(editor, arguments: [path])
    guard status == 0 else {
      throw GlossMain.UsageError("the editor exited with status \(status); nothing was written")
    }
    let text = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
    let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
    guard !trimmed.isEmpty else { throw GlossMain.UsageError("the note is empty; nothing was written") }
    return trimmed
  }
}
