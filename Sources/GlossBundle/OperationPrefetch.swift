import Foundation
import GlossCore

extension VerifiedBundle {
  /// Visits the operations as `forEachOperation` does, in the same order, but decodes and
  /// hashes them on another thread, a few chunks ahead of `visit`.
  ///
  /// Decoding, the canonical text and the chain hash are a quarter of an import's work
  /// and pure; applying is the store's single writer. Kept apart, a laptop's second core
  /// does the first while the first core applies. At most `ahead` chunks of `chunkSize`
  /// operations wait, so memory stays bounded by the chunk size, not the bundle. However
  /// `visit` ends (an error, a refusal), the thread stops before this returns.
  public func forEachOperationDecodedAhead(_ visit: (Op, ChainLink, _ payload: String) throws -> Void) throws {
    guard operationCount > OperationPrefetch.chunkSize else { return try forEachOperation(visit) }
    let prefetch = OperationPrefetch(self)
    defer { prefetch.stop() }
    while let chunk = prefetch.next() {
      for (op, link, payload) in chunk { try visit(op, link, payload) }
    }
  }
}

/// The decoding thread of `forEachOperationDecodedAhead` and the chunks it hands over.
private final class OperationPrefetch: @unchecked Sendable {
  static let chunkSize = 1_024
  private static let ahead = 4

  typealias Chunk = [(Op, ChainLink, String)]

  private let condition = NSCondition()
  private var ready: [Chunk] = []
  private var finished = false
  private var stopped = false

  private struct Stopped: Error {}

  init(_ bundle: VerifiedBundle) {
    Thread { [self] in
      var chunk: Chunk = []
      chunk.reserveCapacity(Self.chunkSize)
      // Visiting a verified bundle cannot fail: the only error is the one that stops it.
      try? bundle.forEachOperation { op, link, payload in
        chunk.append((op, link, payload))
        if chunk.count == Self.chunkSize {
          guard hand(chunk) else { throw Stopped() }
          chunk.removeAll(keepingCapacity: true)
        }
      }
      if !chunk.isEmpty { _ = hand(chunk) }
      condition.withLock {
        finished = true
        condition.broadcast()
      }
    }.start()
  }

  /// Queues a chunk once fewer than `ahead` wait; false once stopped.
  private func hand(_ chunk: Chunk) -> Bool {
    condition.lock()
    defer { condition.unlock() }
    while !stopped && ready.count >= Self.ahead { condition.wait() }
    guard !stopped else { return false }
    ready.append(chunk)
    condition.broadcast()
    return true
  }

  /// The next chunk in bundle order; nil after the last.
  func next() -> Chunk? {
    condition.lock()
    defer { condition.unlock() }
    while ready.isEmpty && !finished { condition.wait() }
    guard !ready.isEmpty else { return nil }
    condition.broadcast()
    return ready.removeFirst()
  }

  /// Ends the thread early and waits until it has let go of the bundle.
  func stop() {
    condition.lock()
    defer { condition.unlock() }
    stopped = true
    condition.broadcast()
    while !finished { condition.wait() }
  }
}
