import Foundation

/// Static files embedded into reports.
enum ReportAssets {
    static func text(named name: String) -> String? {
        guard let url = Bundle.module.url(forResource: "Assets/\(name)", withExtension: nil) else { return nil }
        return try? String(contentsOf: url, encoding: .utf8)
    }
}
