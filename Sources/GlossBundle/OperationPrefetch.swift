import GlossCore

extension SignedBundle {
  /// Visits the operations as `forEachOperation` does, in the same order and with the same
  /// checks, but decodes, verifies and hashes them on another thread (`ChunkPipe`), a few
  /// chunks ahead of `visit`.
  ///
  /// Decoding, the canonical text and the chain hash are a quarter of an import's work and
  /// pure; applying is the store's single writer. A fault of the body reaches `visit`'s
  /// caller after the operations before it were visited. However the visit ends (an
  /// error, a refusal), the decoding thread is told to stop, and does at its next chunk.
  public func forEachOperationDecodedAhead(_ visit: (Op, ChainLink, _ payload: String) throws -> Void) throws {
    let chunkSize = 1_024
    guard operationCount > chunkSize else { return try forEachOperation(visit) }
    let pipe = ChunkPipe<[DecodedOperation], BundleError>(ahead: 4) { [self] (hand) throws(BundleError) in
      var chunk: [DecodedOperation] = []
      chunk.reserveCapacity(chunkSize)
      do {
        try forEachOperation { op, link, payload in
          chunk.append(DecodedOperation(op: op, link: link, payload: payload))
          if chunk.count == chunkSize {
            guard hand(chunk) else { throw CancellationError() }
            chunk.removeAll(keepingCapacity: true)
          }
        }
      } catch let fault as BundleError {
        // What decoded before the fault is visited first, as one thread would.
        if !chunk.isEmpty { _ = hand(chunk) }
        throw fault
      } catch {
        // The visit ended (`hand` said so): nothing is left to hand.
        return
      }
      if !chunk.isEmpty { _ = hand(chunk) }
    }
    defer { pipe.stop() }
    while let chunk = try pipe.next() {
      for index in chunk.indices { try visit(chunk[index].op, chunk[index].link, chunk[index].payload) }
      pipe.discard(consume chunk)
    }
  }
}

extension VerifiedBundle {
  /// `SignedBundle.forEachOperationDecodedAhead`, which cannot meet a fault here.
  public func forEachOperationDecodedAhead(_ visit: (Op, ChainLink, _ payload: String) throws -> Void) throws {
    try signed.forEachOperationDecodedAhead(visit)
  }
}

/// One decoded operation as a chunk holds it. The visit lends its fields straight from the
/// chunk, by index: the chunk is a constant, so the compiler passes them without a copy.
/// Iterating the chunk copied each operation out of it, retaining every string and list in
/// it and releasing them after (about 0.2 s of the writer's time in a million-operation
/// import); lending them through the chunk's unsafe buffer still copied the `Op`, since
/// the visit might have changed the memory behind the pointer.
struct DecodedOperation: Sendable {
  let op: Op
  let link: ChainLink
  let payload: String
}
