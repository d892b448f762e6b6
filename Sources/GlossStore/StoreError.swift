import GRDB

/// A store problem a person can act on. The message says what is wrong and what to do.
public struct StoreError: Error, Equatable, CustomStringConvertible {
  public let message: String
  public init(_ message: String) { self.message = message }
  public var description: String { message }

  /// Only `init` makes a store: a mistyped path must not become a new, empty one.
  public static func noStore(_ path: String) -> StoreError {
    let command = path == StoreLocation.resolve(explicit: nil) ? "gloss init" : "gloss init --store \(path)"
    return StoreError("no Gloss store at \(path); create one with: \(command) [--name NAME]")
  }

  static func foreign(_ path: String) -> StoreError {
    StoreError("\(path) is a SQLite database of another program, not a Gloss store; name another file with --store")
  }

  /// Words for an SQLite failure on the store at `path`. A busy store is not a broken
  /// one, and SQLite's own wording ("Expression tree is too large") is never the message.
  public static func from(_ error: DatabaseError, path: String) -> StoreError {
    switch error.resultCode {
    case .SQLITE_BUSY, .SQLITE_LOCKED:
      return StoreError(
        "\(path) is busy: another gloss has been writing it for \(Int(BusyWait.maximumSeconds)) s; "
          + "try again when it has finished")
    case .SQLITE_NOTADB, .SQLITE_CORRUPT:
      return StoreError("\(path) is not a Gloss store (or it is damaged); name another file with --store")
    case .SQLITE_CANTOPEN, .SQLITE_PERM, .SQLITE_READONLY:
      return StoreError("\(path) cannot be opened for writing; check the file and its folder's permissions")
    case .SQLITE_FULL:
      return StoreError("the disk holding \(path) is full; nothing was written. Free some space and try again")
    case .SQLITE_INTERRUPT:
      return StoreError("cancelled")
    default:
      return StoreError("\(path): the store failed (SQLite \(error.resultCode.rawValue)); nothing was written")
    }
  }
}
