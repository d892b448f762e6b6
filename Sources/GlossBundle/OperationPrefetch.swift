import GlossCore

extension VerifiedBundle {
  /// Visits the operations as `forEachOperation` does, in the same order, but decodes and
  /// hashes them on another thread (`ChunkPipe`), a few chunks ahead of `visit`.
  ///
  /// Decoding, the canonical text and the chain hash are a quarter of an import's work and
  /// pure; applying is the store's single writer. However `visit` ends (an error, a
  /// refusal), the decoding thread is told to stop, and does at its next chunk.
  public func forEachOperationDecodedAhead(_ visit: (Op, ChainLink, _ payload: String) throws -> Void) throws {
    let chunkSize = 1_024
    guard operationCount > chunkSize else { return try forEachOperation(visit) }
    let pipe = ChunkPipe<[(Op, ChainLink, String)], Never>(ahead: 4) { [self] hand in
      var chunk: [(Op, ChainLink, String)] = []
      chunk.reserveCapacity(chunkSize)
      // Visiting a verified bundle cannot fail: the only error is the one that stops it.
      try? forEachOperation { op, link, payload in
        chunk.append((op, link, payload))
        if chunk.count == chunkSize {
          guard hand(chunk) else { throw CancellationError() }
          chunk.removeAll(keepingCapacity: true)
        }
      }
      if !chunk.isEmpty { _ = hand(chunk) }
    }
    defer { pipe.stop() }
    while let chunk = pipe.next() {
      for (op, link, payload) in chunk { try visit(op, link, payload) }
      pipe.discard(consume chunk)
    }
  }
}
