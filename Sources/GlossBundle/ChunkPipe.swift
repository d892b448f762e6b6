import Foundation

/// Chunks of work handed in order from a producing thread to the one thread that consumes
/// them: decoding runs on a laptop's second core while the first does what must follow it
/// in order (hashing a bundle's chain, applying to the store, writing imported records).
///
/// At most `ahead` chunks wait, so memory stays bounded by the chunk size, not the input.
/// A failure of the producer reaches the consumer after the chunks handed before it, so
/// the consumer meets problems in input order, as it would reading alone. `stop` ends the
/// producer early. A consumer done with a chunk hands it to `discard`, which frees it on
/// another thread too.
public final class ChunkPipe<Chunk: Sendable, Failure: Error>: @unchecked Sendable {
  private let ahead: Int
  private let condition = NSCondition()
  private var ready: [Chunk] = []
  private var failure: Failure?
  private var finished = false
  private var stopped = false
  /// Where consumed chunks are freed.
  private let disposal = DispatchQueue(label: "gloss.chunk-pipe.disposal")

  /// Starts `produce` on a new thread. It passes each chunk to `hand`, which waits while
  /// `ahead` chunks wait and says whether to go on (false once the consumer stopped).
  public init(ahead: Int, produce: @escaping @Sendable (_ hand: (Chunk) -> Bool) throws(Failure) -> Void) {
    self.ahead = ahead
    Thread { [self] in
      var failure: Failure?
      do throws(Failure) {
        try produce(hand)
      } catch {
        failure = error
      }
      condition.withLock {
        self.failure = failure
        finished = true
        condition.broadcast()
      }
    }.start()
  }

  private func hand(_ chunk: Chunk) -> Bool {
    condition.lock()
    defer { condition.unlock() }
    while !stopped && ready.count >= ahead { condition.wait() }
    guard !stopped else { return false }
    ready.append(chunk)
    condition.broadcast()
    return true
  }

  /// The next chunk in order; nil after the last; the producer's failure after the chunks
  /// it handed before failing.
  public func next() throws(Failure) -> Chunk? {
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

  /// Lets go of a consumed chunk on another thread. A chunk is a thousand decoded
  /// operations or hundreds of publications, thousands of strings in all: freeing them was
  /// a twentieth of a listing import's writer, on the core that the store keeps busy.
  public func discard(_ chunk: consuming Chunk) {
    // Boxed, so that the disposal thread drops the last reference whichever thread runs
    // first: a captured copy would leave the consumer's own to race it.
    let box = Discarded(chunk)
    disposal.async { box.chunk = nil }
  }

  /// A chunk on its way to being freed; only the disposal thread touches it.
  private final class Discarded: @unchecked Sendable {
    var chunk: Chunk?

    init(_ chunk: consuming Chunk) { self.chunk = chunk }
  }

  /// Ends the producer early: its next `hand` says stop, and drops the chunk. It is not
  /// waited for: a producer that reads on after that (a listing streams to its end) must
  /// not hold up a cancelled import.
  public func stop() {
    condition.lock()
    defer { condition.unlock() }
    stopped = true
    condition.broadcast()
  }
}
