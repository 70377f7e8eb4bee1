/// Little-endian reads from a byte array at offsets already validated by the caller;
/// out-of-range reads return 0 rather than trapping, so a hostile file cannot crash memgate.
struct ByteReader {
    let bytes: [UInt8]

    func u64(_ offset: Int) -> UInt64 {
        guard offset >= 0, offset + 8 <= bytes.count else { return 0 }
        var value: UInt64 = 0
        for index in 0..<8 { value |= UInt64(bytes[offset + index]) << (8 * UInt64(index)) }
        return value
    }

    func i64(_ offset: Int) -> Int64 { Int64(bitPattern: u64(offset)) }

    func u32(_ offset: Int) -> UInt32 {
        guard offset >= 0, offset + 4 <= bytes.count else { return 0 }
        var value: UInt32 = 0
        for index in 0..<4 { value |= UInt32(bytes[offset + index]) << (8 * UInt32(index)) }
        return value
    }
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
