import CMemgateCaptureFormat
import Foundation

/// The process tree's shared page `<capture>.tree` (`mg_tree` in `memgate_capture_format.h`).
public enum TreePage {
    /// The high-water mark of the tree's combined live bytes, or nil when `data` is not a
    /// tree page or its peak is negative or past `RawCapture.maximumFigure` (damaged).
    public static func peakBytes(_ data: Data) -> Int64? {
        let reader = ByteReader(bytes: [UInt8](data))
        guard Array(reader.bytes.prefix(CaptureFormat.treeMagic.count)) == CaptureFormat.treeMagic,
            let tree = reader.load(mg_tree.self, at: 0), (0...RawCapture.maximumFigure).contains(tree.peak)
        else { return nil }
        return tree.peak
    }
}
