import Foundation
import GlossBundle
import GlossCore

#if canImport(Glibc)
  import Glibc
#endif

/// Reading and writing bundle files without trusting the folder they are in. A shared
/// folder is written by everyone who can reach it, so a name there may be a symbolic link
/// to any file of ours, a FIFO that blocks forever, or a sparse file of many gigabytes.
public enum BundleFile {
  /// Reads a whole bundle file: a regular file of at most `BundleLimits.maximumFileBytes`,
  /// opened without blocking and, unless `followLinks`, without following a symbolic
  /// link. The size is taken from the open descriptor, so nothing swapped in between the
  /// check and the read can make it read more.
  public static func read(_ path: String, followLinks: Bool) throws(BundleError) -> [UInt8] {
    let name = SafeText.escaped(path)
    var flags = O_RDONLY | O_NONBLOCK | O_CLOEXEC
    if !followLinks { flags |= O_NOFOLLOW }
    let descriptor = open(path, flags)
    guard descriptor >= 0 else {
      let code = errno
      let problem: String
      switch code {
      case ENOENT: problem = "no such file"
      case ELOOP: problem = "is a symbolic link, which gloss never follows in a shared folder"
      case EACCES: problem = "cannot be read (permission denied)"
      default: problem = "cannot be opened (\(String(cString: strerror(code))))"
      }
      throw BundleError(file: name, problem: problem, remedy: "check the path and try again")
    }
    defer { close(descriptor) }
    var status = stat()
    guard fstat(descriptor, &status) == 0, (status.st_mode & S_IFMT) == S_IFREG else {
      throw BundleError(
        file: name, problem: "is not a regular file", remedy: "a bundle is a plain file; check the path")
    }
    let size = Int(status.st_size)
    guard size <= BundleLimits.maximumFileBytes else {
      throw BundleError(
        file: name,
        problem: "is \(size) bytes, more than the \(BundleLimits.maximumFileBytes >> 20) MiB a bundle may have",
        remedy: "do not import it; a real bundle is far smaller")
    }
    var bytes = [UInt8](repeating: 0, count: size)
    var done = 0
    while done < size {
      let count = bytes.withUnsafeMutableBytes { buffer in
        Glibc.read(descriptor, buffer.baseAddress! + done, size - done)
      }
      if count < 0, errno == EINTR || errno == EAGAIN { continue }
      guard count > 0 else { break }
      done += count
    }
    return Array(bytes.prefix(done))
  }

  /// Writes `bytes` to `path` through a temporary file in the same folder, created
  /// exclusively (`O_EXCL|O_NOFOLLOW`) under an unpredictable name that file-sync tools
  /// never copy, flushed, then renamed over `path`: a reader sees the old file or the new
  /// one, never half of one, and a planted link is never written through (rename replaces
  /// the link itself). The name, `~syncthing~NAME.RANDOM.tmp`, is one that Syncthing takes
  /// for its own temporary file (it skips `~syncthing~*` and `.syncthing.*` on every
  /// platform) and that Dropbox and Nextcloud ignore (`~*.tmp`); gloss ignores names
  /// starting with `~` or `.`.
  public static func writeAtomically(_ bytes: [UInt8], to path: String) throws {
    let folder = (path as NSString).deletingLastPathComponent
    let base = (path as NSString).lastPathComponent
    let random = Hex.encode((0..<16).map { _ in UInt8.random(in: 0...255) })
    let temporary = (folder.isEmpty ? "." : folder) + "/~syncthing~\(base).\(random).tmp"
    let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o644)
    guard descriptor >= 0 else {
      throw StoreError("cannot write \(SafeText.escaped(path)): \(String(cString: strerror(errno)))")
    }
    var failure: String?
    var done = 0
    while done < bytes.count, failure == nil {
      let count = bytes.withUnsafeBytes { buffer in
        write(descriptor, buffer.baseAddress! + done, bytes.count - done)
      }
      if count < 0 {
        if errno == EINTR { continue }
        failure = String(cString: strerror(errno))
      } else {
        done += count
      }
    }
    if failure == nil, fsync(descriptor) != 0 { failure = String(cString: strerror(errno)) }
    close(descriptor)
    // rename(2) replaces the target atomically.
    if failure == nil, rename(temporary, path) != 0 { failure = String(cString: strerror(errno)) }
    if let failure {
      unlink(temporary)
      throw StoreError("cannot write \(SafeText.escaped(path)): \(failure)")
    }
  }
}
