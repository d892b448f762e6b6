import Foundation
import GlossImport
import GlossStore

/// Converts a file's entries on another thread, a few chunks ahead of the store, and
/// prepares each publication for it (`PreparedPublication`): while the store writes one
/// chunk, the next ones are being read. The store has one writer; reading and conversion
/// are pure, so the two cores of a laptop each get part of an import.
///
/// The entries come from a library file read whole (`EntryBatches`), or stream from a
/// CancerIndex listing as it is read. Chunks are handed over in file order. At most
/// `ahead` chunks wait, so memory stays bounded by the chunk size, not the file. `stop`
/// ends the thread early (a failed or cancelled import); `drain` calls it however it ends.
final class EntryPrefetch: @unchecked Sendable {
  static let chunkSize = 512
  private static let ahead = 8

  private let condition = NSCondition()
  private var ready: [[Prepared]] = []
  private var finished = false
  private var failure: ImportError?
  private var stopped = false
  private var bytesRead = 0

  /// An entry, with its publication prepared for the store.
  enum Prepared {
    case publication(PreparedPublication)
    case skipped(ListingEntry)
  }

  /// The entries of a library file read whole.
  convenience init(_ batches: EntryBatches) {
    self.init { (emit, _) throws(ImportError) in
      for start in stride(from: 0, to: batches.count, by: Self.chunkSize) {
        guard emit(batches.entries(start..<min(batches.count, start + Self.chunkSize))) else { return }
      }
    }
  }

  /// The entries of a CancerIndex listing, read as they stream.
  convenience init(listing: CancerIndexListing) {
    self.init { (emit, read) throws(ImportError) in
      var chunk: [ListingEntry] = []
      var going = true
      try listing.read(progress: read) { (entry: ListingEntry) throws(ImportError) in
        guard going else { return }
        chunk.append(entry)
        if chunk.count == Self.chunkSize {
          going = emit(chunk)
          chunk = []
        }
      }
      if going, !chunk.isEmpty { _ = emit(chunk) }
    }
  }

  /// `produce` hands chunks of entries in file order to `emit`, which says whether to go
  /// on, and the bytes read so far to `read`.
  private init(
    _ produce: @escaping @Sendable (_ emit: ([ListingEntry]) -> Bool, _ read: (Int) -> Void) throws(ImportError) -> Void
  ) {
    Thread { [self] in
      do throws(ImportError) {
        try produce({ entries in self.hand(entries) }, { bytes in self.condition.withLock { self.bytesRead = bytes } })
      } catch {
        condition.withLock { failure = error }
      }
      condition.lock()
      finished = true
      condition.broadcast()
      condition.unlock()
    }.start()
  }

  /// Prepares a chunk and queues it, once fewer than `ahead` wait; false once stopped.
  private func hand(_ entries: [ListingEntry]) -> Bool {
    let prepared = entries.map { entry -> Prepared in
      if case .publication(let publication, _) = entry { return .publication(PreparedPublication(publication)) }
      return .skipped(entry)
    }
    condition.lock()
    defer { condition.unlock() }
    while !stopped && ready.count >= Self.ahead { condition.wait() }
    guard !stopped else { return false }
    ready.append(prepared)
    condition.broadcast()
    return true
  }

  /// The next chunk in file order, nil after the last; throws what the reader threw.
  private func next() throws(ImportError) -> [Prepared]? {
    condition.lock()
    defer { condition.unlock() }
    while ready.isEmpty && !finished { condition.wait() }
    if !ready.isEmpty {
      condition.broadcast()
      return ready.removeFirst()
    }
    if let failure { throw failure }
    return nil
  }

  /// The bytes of the file read so far (for a listing; 0 for a file read whole).
  var bytes: Int { condition.withLock { bytesRead } }

  /// Every entry in file order, to `body`; the thread is stopped however `body` ends.
  /// An error of the reader's is thrown once the entries before it are taken.
  func drain(_ body: (Prepared) throws -> Void) throws {
    defer { stop() }
    while let chunk = try next() {
      for entry in chunk { try body(entry) }
    }
  }

  func stop() {
    condition.lock()
    stopped = true
    condition.broadcast()
    condition.unlock()
  }
}
