import GlossCore

/// A body's operations in order, each with the offset where it starts, for the reader
/// that verifies their chains. Above `chunkSize` operations they are decoded on another
/// thread (`ChunkPipe`) while this one writes each canonical text and hashes the chain:
/// the two halves of verifying, which before took turns on one core.
struct DecodedOperations {
  /// A struct, not a tuple: the runtime copies a tuple of these fields by reading their
  /// layout (as `DecodedOperation` says).
  struct Decoded: Sendable {
    let op: Op
    let payload: String
    let offset: Int
  }
  private static let chunkSize = 1_024

  private var decoder: OperationDecoder?
  private let pipe: ChunkPipe<[Decoded], ByteReader.Malformed>?
  private var chunk: [Decoded] = []
  private var index = 0

  /// `count` is how many operations the ranges hold.
  init(_ decoder: OperationDecoder, count: Int) {
    guard count > Self.chunkSize else {
      self.decoder = decoder
      pipe = nil
      return
    }
    pipe = ChunkPipe(ahead: 4) { (hand) throws(ByteReader.Malformed) in
      var decoder = decoder
      var chunk: [Decoded] = []
      chunk.reserveCapacity(Self.chunkSize)
      while true {
        let offset = decoder.offset
        // Past the last range, nil once the body is checked to end there.
        guard let (op, payload) = try decoder.next() else { break }
        chunk.append(Decoded(op: op, payload: payload, offset: offset))
        if chunk.count == Self.chunkSize {
          guard hand(chunk) else { return }
          chunk.removeAll(keepingCapacity: true)
        }
      }
      if !chunk.isEmpty { _ = hand(chunk) }
    }
  }

  /// The next operation; nil past the last range, once the body is checked to end there.
  mutating func next() throws(ByteReader.Malformed) -> Decoded? {
    if decoder != nil {
      let offset = decoder!.offset
      return try decoder!.next().map { Decoded(op: $0.op, payload: $0.payload, offset: offset) }
    }
    if index == chunk.count {
      guard let next = try pipe!.next() else { return nil }
      chunk = next
      index = 0
    }
    index += 1
    return chunk[index - 1]
  }

  /// Ends the decoding thread, however reading ended.
  func stop() { pipe?.stop() }
}
