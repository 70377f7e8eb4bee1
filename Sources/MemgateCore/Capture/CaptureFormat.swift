import CMemgateCaptureFormat

/// The constants of the capture format, taken from `memgate_capture_format.h` (the one
/// definition the tracker is built from), typed for the reader.
enum CaptureFormat {
    static let magic = Array(MG_MAGIC.utf8)
    static let version = UInt32(MG_VERSION)
    /// Bytes before the first section; the header struct itself is smaller.
    static let headerSize = Int(MG_HEADER_SIZE)
    /// The checksum field, read as zero when the checksum is computed.
    static let checksumRange: Range<Int> = {
        let offset = MemoryLayout<mg_header>.offset(of: \.checksum)!
        return offset..<(offset + MemoryLayout<UInt64>.size)
    }()

    static let treeMagic = Array(MG_TREE_MAGIC.utf8)
}
