import CMemgateCaptureFormat

// memgate runs on Linux only: its tracker is an LD_PRELOAD library that hooks glibc's allocator,
// and the runtime reads /proc. Say so at build time rather than build something that cannot work.
#if !os(Linux)
    #error("memgate supports Linux only (x86-64 and aarch64): LD_PRELOAD tracking and /proc")
#endif
// The tracker writes its structs in the host's byte order and memgate reads them as the host's
// structs; the format is little-endian, and so is every platform memgate runs on. A big-endian
// port would have to swap every field.
#if _endian(big)
    #error("memgate reads captures as little-endian structs: big-endian hosts are not supported")
#endif

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
