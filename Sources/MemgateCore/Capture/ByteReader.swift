import CMemgateCaptureFormat
import Foundation

/// Reads the structs of `memgate_capture_format.h` out of a capture's bytes, in place. A read
/// that does not lie wholly inside the bytes returns nil rather than trapping, so a hostile file
/// cannot crash memgate.
///
/// It borrows the bytes: make one only inside `ByteReader.reading(_:_:)`, which keeps them alive.
/// Decoding a capture in place rather than from a copy (`[UInt8](data)`) saves a fifth of
/// reading a large one (a scipy import's capture is 23 MB).
struct ByteReader {
    let bytes: UnsafeRawBufferPointer

    /// Runs `body` with a reader over `data`'s bytes, valid only during the call.
    static func reading<Result>(_ data: Data, _ body: (ByteReader) throws(CaptureError) -> Result)
        throws(CaptureError) -> Result
    {
        let outcome = data.withUnsafeBytes { bytes in
            Swift.Result { () throws(CaptureError) in try body(ByteReader(bytes: bytes)) }
        }
        return try outcome.get()
    }

    var count: Int { bytes.count }

    /// Whether the bytes start with `prefix`.
    func hasPrefix(_ prefix: [UInt8]) -> Bool {
        bytes.count >= prefix.count && bytes.prefix(prefix.count).elementsEqual(prefix)
    }

    /// The `Record` stored at byte `offset`, or nil when it does not fit inside the bytes.
    func load<Record: BitwiseCopyable>(_ type: Record.Type, at offset: Int) -> Record? {
        guard offset >= 0, offset <= bytes.count - MemoryLayout<Record>.size else { return nil }
        return bytes.loadUnaligned(fromByteOffset: offset, as: Record.self)
    }

    /// The `index`-th record of a section starting at `offset` (records are `stride` bytes apart).
    func record<Record: BitwiseCopyable>(_ type: Record.Type, in offset: UInt64, index: Int) -> Record? {
        load(type, at: Int(offset) + index * MemoryLayout<Record>.stride)
    }

    /// `count` consecutive 64-bit words starting `index` words into a section at `offset`, copied
    /// out in one move; nil when they do not fit inside the bytes.
    func words(in offset: UInt64, index: Int, count: Int) -> [UInt64]? {
        let stride = MemoryLayout<UInt64>.stride
        guard count >= 0, count <= bytes.count / stride else { return nil }
        let start = Int(offset) + index * stride
        let byteCount = count * stride
        guard start >= 0, start <= bytes.count - byteCount else { return nil }
        return [UInt64](unsafeUninitializedCapacity: count) { words, initialized in
            // A byte copy: the section need not be aligned in the file's buffer.
            UnsafeMutableRawBufferPointer(words).copyMemory(
                from: UnsafeRawBufferPointer(rebasing: bytes[start..<(start + byteCount)]))
            initialized = count
        }
    }
}

/// The text of a fixed-size, NUL-terminated `char[N]` field of a header (imported as a tuple).
func fixedString<Field>(_ field: Field) -> String {
    withUnsafeBytes(of: field) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
}

/// The NUL-terminated string section of a capture.
struct StringTable {
    let reader: ByteReader
    let offset: Int
    let count: Int

    func string(at relative: UInt32) throws(CaptureError) -> String {
        let start = Int(relative)
        guard start < count else { throw .corrupt("string offset \(start) outside the string section") }
        let bytes = reader.bytes
        var end = offset + start
        let limit = offset + count
        while end < limit && bytes[end] != 0 { end += 1 }
        guard end < limit else { throw .corrupt("unterminated string at offset \(start)") }
        return String(decoding: UnsafeRawBufferPointer(rebasing: bytes[(offset + start)..<end]), as: UTF8.self)
    }
}
