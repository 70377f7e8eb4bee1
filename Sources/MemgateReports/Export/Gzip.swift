import CZlib
import Foundation

/// gzip through zlib (Foundation on Linux has no gzip API).
enum Gzip {
    struct Failure: Error, CustomStringConvertible {
        var code: Int32
        var description: String { "zlib could not gzip the data (error \(code))" }
    }

    /// `data` as one gzip member (RFC 1952), compressed at zlib's default level.
    static func compress(_ data: [UInt8]) throws -> Data {
        var stream = z_stream()
        // 15 window bits + 16 asks zlib for a gzip header and trailer instead of zlib's own.
        var status = deflateInit2_(
            &stream, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY, zlibVersion(),
            Int32(MemoryLayout<z_stream>.size))
        guard status == Z_OK else { throw Failure(code: status) }
        defer { deflateEnd(&stream) }
        // deflateBound leaves no room for the gzip wrapper's 18 bytes; a little more is kept.
        var output = [UInt8](repeating: 0, count: Int(deflateBound(&stream, uLong(data.count))) + 64)
        var input = data
        status = input.withUnsafeMutableBufferPointer { inputBuffer in
            output.withUnsafeMutableBufferPointer { outputBuffer in
                stream.next_in = inputBuffer.baseAddress
                stream.avail_in = uInt(inputBuffer.count)
                stream.next_out = outputBuffer.baseAddress
                stream.avail_out = uInt(outputBuffer.count)
                return deflate(&stream, Z_FINISH)
            }
        }
        guard status == Z_STREAM_END else { throw Failure(code: status) }
        return Data(output.prefix(Int(stream.total_out)))
    }
}
