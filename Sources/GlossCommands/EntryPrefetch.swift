import Foundation
import GlossBundle
import GlossImport
import GlossStore
import Synchronization

/// Converts a file's entries on another thread, a few chunks ahead of the store, and
/// prepares each publication for it (`PreparedPublication`): while the store writes one
/// chunk, the next ones are being read. The store has one writer; reading and conversion
/// are pure, so the two cores of a laptop each get part of an import.
///
/// The entries come from a library file read whole (`EntryBatches`), or stream from a
/// CancerIndex listing as it is read. Chunks are handed over in file order through a
/// `ChunkPipe`, which bounds how many wait. `stop` ends the thread early (a failed or
/// cancelled import); `drain` calls it however it ends.
final class EntryPrefetch: Sendable {
  static let chunkSize = 512

  private let pipe: ChunkPipe<[Prepared], ImportError>
  private let bytesRead: BytesRead

  /// The bytes of the file the reading thread has read, for progress.
  private final class BytesRead: Sendable {
    let count = Mutex(0)
  }

  /// An entry, with its publication prepared for the store.
  enum Prepared: Sendable {
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

  /// `produce` hands chunks of entries in file order to `emit`, which prepares them and
  /// says whether to go on, and the bytes read so far to `read`.
  private init(
    _ produce: @escaping @Sendable (_ emit: ([ListingEntry]) -> Bool, _ read: (Int) -> Void) throws(ImportError) -> Void
  ) {
    let bytesRead = BytesRead()
    self.bytesRead = bytesRead
    pipe = ChunkPipe(ahead: 8) { (hand) throws(ImportError) in
      try produce({ entries in hand(entries.map(Self.prepare)) }, { bytes in bytesRead.count.withLock { $0 = bytes } })
    }
  }

  private static func prepare(_ entry: ListingEntry) -> Prepared {
    if case .publication(let publication, _) = entry { return .publication(PreparedPublication(publication)) }
    return .skipped(entry)
  }

  /// The bytes of the file read so far (for a listing; 0 for a file read whole).
  var bytes: Int { bytesRead.count.withLock { $0 } }

  /// Every entry in file order, to `body`; the thread is stopped however `body` ends.
  /// An error of the reader's is thrown once the entries before it are taken.
  func drain(_ body: (Prepared) throws -> Void) throws {
    defer { stop() }
    while let chunk = try pipe.next() {
      for entry in chunk { try body(entry) }
      pipe.discard(consume chunk)
    }
  }

  func stop() { pipe.stop() }
}
