import Foundation
import GlossImport
import GlossStore

/// Converts a file's entries (`EntryBatches`) on another thread, a few chunks ahead of the
/// store, and prepares each publication for it (`PreparedPublication`): while the store
/// writes one chunk, the next ones are being read. The store has one writer; conversion is
/// pure, so the two cores of a laptop each get part of an import.
///
/// Chunks are handed over in file order. At most `ahead` chunks wait, so memory stays
/// bounded by the chunk size, not the file. `stop` ends the thread early (a failed or
/// cancelled import); it must be called when the consumer is done, as it is by `drain`.
final class EntryPrefetch: @unchecked Sendable {
  static let chunkSize = 512
  private static let ahead = 8

  private let batches: EntryBatches
  private let condition = NSCondition()
  private var ready: [Int: [Prepared]] = [:]
  private var stopped = false

  /// An entry, with its publication prepared for the store.
  enum Prepared {
    case publication(PreparedPublication)
    case skipped(ListingEntry)
  }

  init(_ batches: EntryBatches) {
    self.batches = batches
    guard chunkCount > 1 else { return }
    Thread { [self] in produce() }.start()
  }

  var chunkCount: Int { (batches.count + Self.chunkSize - 1) / Self.chunkSize }

  private func range(_ chunk: Int) -> Range<Int> {
    chunk * Self.chunkSize..<min(batches.count, (chunk + 1) * Self.chunkSize)
  }

  private func produce() {
    for chunk in 0..<chunkCount {
      condition.lock()
      while !stopped && ready.count >= Self.ahead { condition.wait() }
      let stop = stopped
      condition.unlock()
      if stop { return }
      let entries = prepare(range(chunk))
      condition.lock()
      ready[chunk] = entries
      condition.broadcast()
      condition.unlock()
    }
  }

  private func prepare(_ range: Range<Int>) -> [Prepared] {
    batches.entries(range).map { entry in
      if case .publication(let publication, _) = entry { return .publication(PreparedPublication(publication)) }
      return .skipped(entry)
    }
  }

  /// The entries of chunk `chunk`, once converted; chunks must be taken in order.
  func take(_ chunk: Int) -> [Prepared] {
    guard chunkCount > 1 else { return prepare(range(chunk)) }
    condition.lock()
    defer { condition.unlock() }
    while ready[chunk] == nil { condition.wait() }
    let entries = ready.removeValue(forKey: chunk)!
    condition.broadcast()
    return entries
  }

  /// Every entry in file order, to `body`; the thread is stopped however `body` ends.
  func drain(_ body: (Prepared) throws -> Void) rethrows {
    defer { stop() }
    for chunk in 0..<chunkCount {
      for entry in take(chunk) { try body(entry) }
    }
  }

  func stop() {
    condition.lock()
    stopped = true
    condition.broadcast()
    condition.unlock()
  }
}
