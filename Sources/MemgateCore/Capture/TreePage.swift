import CMemgateCaptureFormat
import Foundation

/// The process tree's shared page `<capture>.tree` (`mg_tree` in `memgate_capture_format.h`).
public enum TreePage {
    /// The high-water mark of the tree's combined live bytes, or nil when `data` is not a
    /// tree page or its peak is negative or past `RawCapture.maximumFigure` (damaged).
    public static func peakBytes(_ data: Data) -> Int64? {
        let tree = try? ByteReader.reading(data) { reader throws(CaptureError) -> mg_tree? in
            reader.hasPrefix(CaptureFormat.treeMagic) ? reader.load(mg_tree.self, at: 0) : nil
        }
        guard let tree = tree ?? nil, (0...RawCapture.maximumFigure).contains(tree.peak) else { return nil }
        return tree.peak
    }
}
