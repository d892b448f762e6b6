import Foundation

/// Reads a text file line by line in fixed-size chunks, so memory stays bounded however
/// large the file is. Lines lose their `\n` and any `\r` before it.
///
/// It refuses what is not text: a NUL byte or invalid UTF-8 ends the read with an
/// `ImportError` naming the byte offset or line.
struct LineReader {
  let path: String
  let chunkSize = 1 << 20
  /// Bytes read so far: the basis of progress reports.
  private(set) var bytesRead = 0
  private(set) var endsWithNewline = true

  init(path: String) {
    self.path = path
  }

  /// The file's size, or an `ImportError` saying why it cannot be read.
  static func size(of path: String) throws(ImportError) -> Int {
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
      throw ImportError(file: path, problem: "no such file", remedy: "check the path and try again")
    }
    guard !isDirectory.boolValue else {
      throw ImportError(file: path, problem: "is a folder, not a file", remedy: "name the listing file inside it")
    }
    guard let attributes = try? FileManager.default.attributesOfItem(atPath: path),
      let size = attributes[.size] as? Int, FileManager.default.isReadableFile(atPath: path)
    else { throw ImportError(file: path, problem: "cannot be read", remedy: "check its permissions") }
    return size
  }

  /// Calls `body` with each line, its 1-based number and the bytes read so far.
  mutating func forEachLine(_ body: (Substring, Int, Int) throws(ImportError) -> Void) throws(ImportError) {
    guard let handle = FileHandle(forReadingAtPath: path) else {
      throw ImportError(file: path, problem: "cannot be opened", remedy: "check that it exists and is readable")
    }
    defer { try? handle.close() }
    var pending: [UInt8] = []
    var lineNumber = 0
    var lastByte: UInt8 = UInt8(ascii: "\n")
    var consumed = 0
    func emit(_ bytes: ArraySlice<UInt8>, at offset: Int) throws(ImportError) {
      lineNumber += 1
      var slice = bytes
      if slice.last == UInt8(ascii: "\r") { slice = slice.dropLast() }
      if lineNumber == 1, slice.starts(with: [0xEF, 0xBB, 0xBF]) { slice = slice.dropFirst(3) }
      guard let text = String(validating: slice, as: UTF8.self) else {
        throw ImportError(
          file: path, line: lineNumber, problem: "is not valid UTF-8 text",
          remedy: "save the page as UTF-8 plain text and import it again")
      }
      try body(Substring(text), lineNumber, consumed)
    }
    while true {
      let chunk: Data
      do {
        chunk = try handle.read(upToCount: chunkSize) ?? Data()
      } catch {
        throw ImportError(file: path, offset: bytesRead, problem: "read failed (\(error))", remedy: "check the disk")
      }
      if chunk.isEmpty { break }
      let chunkStart = bytesRead
      bytesRead += chunk.count
      consumed = bytesRead
      let bytes = [UInt8](chunk)
      if let nul = bytes.firstIndex(of: 0) {
        throw ImportError(
          file: path, offset: chunkStart + nul, problem: "is a binary file, not a text listing (NUL byte)",
          remedy: "import the page saved as plain text")
      }
      lastByte = bytes[bytes.count - 1]
      var start = 0
      while let newline = bytes[start...].firstIndex(of: UInt8(ascii: "\n")) {
        if pending.isEmpty {
          try emit(bytes[start..<newline], at: chunkStart + start)
        } else {
          pending.append(contentsOf: bytes[start..<newline])
          try emit(pending[...], at: chunkStart + start - pending.count)
          pending.removeAll(keepingCapacity: true)
        }
        start = newline + 1
      }
      pending.append(contentsOf: bytes[start...])
    }
    endsWithNewline = lastByte == UInt8(ascii: "\n")
    if !pending.isEmpty { try emit(pending[...], at: bytesRead - pending.count) }
  }
}
