import CMemgateCaptureFormat

/// Why a capture file could not be read. memgate exits 3 on these: the measurement is unusable.
public enum CaptureError: Error, CustomStringConvertible, Equatable, Sendable {
    case unreadable(path: String, reason: String)
    case tooShort(byteCount: Int)
    case badMagic
    case unsupportedVersion(Int)
    case truncated(expectedBytes: UInt64, actualBytes: Int)
    case sectionOutOfBounds(section: String)
    case checksumMismatch
    case corrupt(String)
    /// One of the errors above, found in the capture file at `path`.
    indirect case inFile(path: String, problem: CaptureError)

    /// The error without the file it was found in, for messages that name the file themselves.
    public var problem: CaptureError {
        if case .inFile(_, let problem) = self { return problem.problem }
        return self
    }

    public var description: String {
        switch self {
        case .unreadable(let path, let reason): return "cannot read capture \(path): \(reason)"
        case .tooShort(let count):
            return "not a memgate capture: \(count) bytes is shorter than the \(CaptureFormat.headerSize)-byte header"
        case .badMagic: return "not a memgate capture: the file does not start with \(MG_MAGIC)"
        case .unsupportedVersion(let version):
            return "capture format version \(version) is not supported by this memgate (supports \(MG_VERSION))"
        case .truncated(let expected, let actual):
            return "capture is truncated: header says \(expected) bytes, file has \(actual)"
        case .sectionOutOfBounds(let section): return "capture is corrupt: the \(section) section lies outside the file"
        case .checksumMismatch: return "capture is corrupt: checksum of a finished capture does not match its contents"
        case .corrupt(let what): return "capture is corrupt: \(what)"
        case .inFile(let path, let problem): return "\(path): \(problem)"
        }
    }
}
