import Foundation

/// SQLite's busy handler for a store that another process is writing. WAL lets readers go
/// on while one process writes, so only writers wait: they wait their turn for up to
/// `maximumSeconds`, and once a wait passes a second they say why, once per wait.
/// One instance serves one connection, which SQLite calls from one thread at a time.
final class BusyWait: @unchecked Sendable {
  static let maximumSeconds = 300.0
  static let noticeAfter = 1.0

  private var started = Date()
  private var noticed = false

  /// Called by SQLite with the number of earlier calls for this lock; true retries.
  func shouldRetry(_ tries: Int) -> Bool {
    let now = Date()
    if tries == 0 {
      started = now
      noticed = false
    }
    let waited = now.timeIntervalSince(started)
    guard waited < Self.maximumSeconds else { return false }
    if waited >= Self.noticeAfter, !noticed {
      noticed = true
      FileHandle.standardError.write(Data("gloss: waiting for another gloss writing this store…\n".utf8))
    }
    usleep(useconds_t(min(50_000, 1_000 * (tries + 1))))
    return true
  }
}
