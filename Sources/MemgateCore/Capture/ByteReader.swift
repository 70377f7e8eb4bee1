import CMemgateCaptureFormat

/// Reads the structs of `memgate_capture_format.h` out of a capture's bytes. A read that does not
/// lie wholly inside the bytes returns nil rather than trapping, so a hostile file cannot crash memgate.
struct ByteReader {
    let bytes: [UInt8]

    /// The `Record` stored at byte `offset`, or nil when it does not fit inside the bytes.
    func load<Record: BitwiseCopyable>(_ type: Record.Type, at offset: Int) -> Record? {
        guard offset >= 0, offset <= bytes.count - MemoryLayout<Record>.size else { return nil }
        return bytes.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: offset, as: Record.self) }
    }

    /// The `index`-th record of a section starting at `offset` (records are `stride` bytes apart).
    func record<Record: BitwiseCopyable>(_ type: Record.Type, in offset: UInt64, index: Int) -> Record? {
        load(type, at: Int(offset) + index * MemoryLayout<Record>.stride)
    }
}

/// The text of a fixed-size, NUL-terminated `char[N]` field of a header (imported as a tuple).
func fixedString<Field>(_ field: Field) -> String {
    withUnsafeBytes(of: field) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
}

/// The NUL-terminated string section of a capture.
struct StringTable {
    let bytes: [UInt8]
    let offset: Int
    let count: Int

    func string(at relative: UInt32) throws(CaptureError) -> String {
        let start = Int(relative)
        guard start < count else { throw .corrupt("string offset \(start) outside the string section") }
        var end = offset + start
        let limit = offset + count
        while end < limit && bytes[end] != 0 { end += 1 }
        guard end < limit else { throw .corrupt("unterminated string at offset \(start)") }
        return String(decoding: bytes[(offset + start)..<end], as: UTF8.self)
    }
}
