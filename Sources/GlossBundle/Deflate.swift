import CZlib

/// zlib (RFC 1950) compression of a bundle's body.
enum Deflate {
  struct Failure: Error, CustomStringConvertible {
    let description: String
  }

  static func compress(_ input: [UInt8], level: Int32 = 6) throws -> [UInt8] {
    var stream = z_stream()
    guard deflateInit_(&stream, level, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
      throw Failure(description: "zlib could not start compressing")
    }
    defer { deflateEnd(&stream) }
    var output = [UInt8](repeating: 0, count: Int(deflateBound(&stream, UInt(input.count))))
    var input = input
    let result = input.withUnsafeMutableBufferPointer { inBuffer in
      output.withUnsafeMutableBufferPointer { outBuffer in
        stream.next_in = inBuffer.baseAddress
        stream.avail_in = uInt(inBuffer.count)
        stream.next_out = outBuffer.baseAddress
        stream.avail_out = uInt(outBuffer.count)
        return deflate(&stream, Z_FINISH)
      }
    }
    guard result == Z_STREAM_END else { throw Failure(description: "zlib could not compress (\(result))") }
    return Array(output.prefix(Int(stream.total_out)))
  }

  /// Inflates to exactly `expectedSize` bytes, which the caller has bounded: the output
  /// buffer is allocated once and zlib never writes past it, so a body that would expand
  /// further fails instead of growing.
  static func decompress(_ input: ArraySlice<UInt8>, expectedSize: Int) throws -> [UInt8] {
    var stream = z_stream()
    guard inflateInit_(&stream, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
      throw Failure(description: "zlib could not start decompressing")
    }
    defer { inflateEnd(&stream) }
    var output = [UInt8](repeating: 0, count: max(expectedSize, 1))
    var input = Array(input)
    let result = input.withUnsafeMutableBufferPointer { inBuffer in
      output.withUnsafeMutableBufferPointer { outBuffer in
        stream.next_in = inBuffer.baseAddress
        stream.avail_in = uInt(inBuffer.count)
        stream.next_out = outBuffer.baseAddress
        stream.avail_out = uInt(outBuffer.count)
        return inflate(&stream, Z_FINISH)
      }
    }
    guard result == Z_STREAM_END, Int(stream.total_out) == expectedSize, stream.avail_in == 0 else {
      throw Failure(description: "the compressed body is corrupt (zlib \(result))")
    }
    return output
  }
}
