import MemgateCore

/// The shell shared by the HTML reports: one self-contained document with the stylesheet
/// (and the script, if any) inlined, so the file works offline and from CI artifact storage.
enum HtmlPage {
    /// - Parameters:
    ///   - title: plain text; escaped here.
    ///   - body: markup for `<body>`, already escaped by the caller.
    ///   - scriptAsset: name of a bundled script to inline at the end of the body.
    static func document(title: String, body: String, scriptAsset: String? = nil) -> String {
        let style = ReportAssets.inlined(named: "flamegraph.css")
        var page = """
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <meta name="generator" content="memgate">
            <title>\(HtmlEscape.text(title))</title>
            <style>
            \(style)
            </style>
            </head>
            <body>
            \(body)

            """
        if let scriptAsset {
            let script = ReportAssets.inlined(named: scriptAsset)
            page += "<script>\n\(script)\n</script>\n"
        }
        page += "</body>\n</html>\n"
        return page
    }

    /// A `<div><dt>…</dt><dd>…</dd></div>` pair of a figures list; `value` is already markup.
    static func figure(_ label: String, _ value: String, valueClass: String? = nil) -> String {
        let classAttribute = valueClass.map { " class=\"\($0)\"" } ?? ""
        return "<div><dt>\(HtmlEscape.text(label))</dt><dd\(classAttribute)>\(value)</dd></div>"
    }

    /// A status badge, e.g. `<span class="status status-failed">failed</span>`.
    static func statusBadge(_ status: CaseResult.Status) -> String {
        "<span class=\"status status-\(status.rawValue)\">\(status.rawValue)</span>"
    }

    /// The badge of a bare capture, which has no verdict.
    static let captureBadge = "<span class=\"status status-capture\">capture</span>"

    /// The peak's change against a baseline peak, e.g. `+1.2 MiB (+10.0%)`, with a class
    /// naming its direction.
    static func peakDelta(peakBytes: Int64, baselinePeakBytes: Int64) -> (text: String, cssClass: String) {
        let delta = peakBytes - baselinePeakBytes
        var text = HtmlFormat.signedBytes(delta)
        if let percent = HtmlFormat.signedPercent(delta, of: baselinePeakBytes) { text += " (\(percent))" }
        let cssClass = delta > 0 ? "delta grown" : (delta < 0 ? "delta shrunk" : "delta")
        return (text, cssClass)
    }
}
