import Foundation

/// Static files embedded into reports.
enum ReportAssets {
    static func text(named name: String) -> String? {
        guard let url = Bundle.module.url(forResource: "Assets/\(name)", withExtension: nil) else { return nil }
        return try? String(contentsOf: url, encoding: .utf8)
    }

    /// The asset made safe to inline in a `<script>` or `<style>` element (empty when it is
    /// missing), read and escaped once per process: a merge writes tens of thousands of pages.
    static func inlined(named name: String) -> String { inlinedCache.text(named: name) }

    private static let inlinedCache = InlinedAssets()
}

/// Inlined assets by name, filled on first use; pages are rendered from several threads.
private final class InlinedAssets: @unchecked Sendable {
    private let lock = NSLock()
    private var texts: [String: String] = [:]

    func text(named name: String) -> String {
        lock.lock()
        defer { lock.unlock() }
        if let text = texts[name] { return text }
        let text = HtmlEscape.inlineAsset(ReportAssets.text(named: name) ?? "")
        texts[name] = text
        return text
    }
}
