import Foundation

/// Escaping for untrusted text (case names, function names, file paths, target output)
/// placed into the HTML reports.
enum HtmlEscape {
    /// Escapes text for an element body or a double-quoted attribute value.
    ///
    /// Besides the five markup characters, `/` is escaped so no URL (`http://…`) from a target
    /// ever appears literally in a report, and C0 control characters other than tab, line feed
    /// and carriage return become U+FFFD, since HTML forbids them.
    static func text(_ raw: String) -> String {
        raw.utf8.allSatisfy({ $0 < 0x80 }) ? asciiText(raw) : scalarText(raw)
    }

    /// ``text(_:)`` of any text, scalar by scalar.
    static func scalarText(_ raw: String) -> String {
        var escaped = ""
        escaped.reserveCapacity(raw.utf8.count)
        for scalar in raw.unicodeScalars {
            switch scalar {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "\"": escaped += "&quot;"
            case "'": escaped += "&#39;"
            case "/": escaped += "&#47;"
            case "\t", "\n", "\r": escaped.unicodeScalars.append(scalar)
            case _ where scalar.value < 0x20 || scalar.value == 0x7F: escaped += "\u{FFFD}"
            default: escaped.unicodeScalars.append(scalar)
            }
        }
        return escaped
    }

    /// ``text(_:)`` of an ASCII text, whose bytes are its scalars: appending scalars to a String
    /// one by one took most of rendering a merge's index.html (three texts per case).
    private static func asciiText(_ raw: String) -> String {
        var escaped: [UInt8] = []
        escaped.reserveCapacity(raw.utf8.count + 16)
        for byte in raw.utf8 {
            switch byte {
            case UInt8(ascii: "&"): escaped += "&amp;".utf8
            case UInt8(ascii: "<"): escaped += "&lt;".utf8
            case UInt8(ascii: ">"): escaped += "&gt;".utf8
            case UInt8(ascii: "\""): escaped += "&quot;".utf8
            case UInt8(ascii: "'"): escaped += "&#39;".utf8
            case UInt8(ascii: "/"): escaped += "&#47;".utf8
            case 0x09, 0x0A, 0x0D: escaped.append(byte)
            case 0x00..<0x20, 0x7F: escaped += "\u{FFFD}".utf8
            default: escaped.append(byte)
            }
        }
        return String(decoding: escaped, as: UTF8.self)
    }

    /// Encodes a value as JSON that is safe inside a `<script type="application/json">` element.
    ///
    /// `<`, `>`, `&`, U+2028 and U+2029 are written as `\u003c`-style escapes (valid JSON, since
    /// they can only occur inside strings), so `</script>` or `<!--` in a name cannot end the
    /// element; slashes stay escaped as `\/` (the encoder's default).
    static func scriptJSON<Value: Encodable>(_ value: Value) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let json = String(decoding: try encoder.encode(value), as: UTF8.self)
        var escaped = ""
        escaped.reserveCapacity(json.utf8.count)
        for scalar in json.unicodeScalars {
            switch scalar {
            case "<": escaped += "\\u003c"
            case ">": escaped += "\\u003e"
            case "&": escaped += "\\u0026"
            case "\u{2028}": escaped += "\\u2028"
            case "\u{2029}": escaped += "\\u2029"
            default: escaped.unicodeScalars.append(scalar)
            }
        }
        return escaped
    }

    /// Makes a bundled CSS or JavaScript asset safe to inline in a `<style>` or `<script>`
    /// element: a closing tag inside it (which our assets should never contain) is broken up.
    static func inlineAsset(_ source: String) -> String {
        source.replacingOccurrences(of: "</", with: "<\\/")
    }
}
