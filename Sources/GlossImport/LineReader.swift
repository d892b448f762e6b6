import Foundation

#if canImport(Glibc)
  import Glibc
#endif

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

  /// Opens `path` for reading if it is a regular file. The check is made on the open
  /// descriptor (opened without blocking, so a FIFO cannot hang the import), and emptiness
  /// is decided by reading, not by the size the file system reports: `/proc` files say 0.
  static func open(_ path: String) throws(ImportError) -> FileHandle {
    let descriptor = Glibc.open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
    guard descriptor >= 0 else {
      switch errno {
      case ENOENT: throw ImportError(file: path, problem: "no such file", remedy: "check the path and try again")
      case EACCES: throw ImportError(file: path, problem: "cannot be read", remedy: "check its permissions")
      default:
        throw ImportError(
          file: path, problem: "cannot be opened (\(String(cString: strerror(errno))))",
          remedy: "check that it exists and is readable")
      }
    }
    var status = stat()
    guard fstat(descriptor, &status) == 0 else {
      close(descriptor)
      throw ImportError(file: path, problem: "cannot be read", remedy: "check its permissions")
    }
    switch status.st_mode & S_IFMT {
    case S_IFREG: break
    case S_IFDIR:
      close(descriptor)
      throw ImportError(file: path, problem: "is a folder, not a file", remedy: "name the listing file inside it")
    default:
      close(descriptor)
      throw ImportError(
        file: path, problem: "is not a regular file (a pipe, socket or device)",
        remedy: "save the listing to a file and import that file")
    }
    // Back to blocking reads: a regular file never blocks, and FileHandle expects them.
    _ = fcntl(descriptor, F_SETFL, fcntl(descriptor, F_GETFL) & ~O_NONBLOCK)
    return FileHandle(fileDescriptor: descriptor, closeOnDealloc: true)
  }

  /// Calls `body` with each line, its 1-based number and the bytes read so far.
  mutating func forEachLine(_ body: (Substring, Int, Int) throws(ImportError) -> Void) throws(ImportError) {
    let handle = try Self.open(path)
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
