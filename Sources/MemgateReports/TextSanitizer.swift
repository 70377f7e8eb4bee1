/// Makes untrusted text (target names, target output, finding messages) safe for a medium.
enum TextSanitizer {
    /// Replaces the characters XML 1.0 forbids (U+0000–U+0008, U+000B, U+000C, U+000E–U+001F,
    /// U+FFFE, U+FFFF) by a visible `\u{..}` escape, so any string can go into a document.
    ///
    /// Tab, newline and carriage return are allowed by XML and kept. Swift strings cannot hold
    /// lone surrogates, so no other code point needs care.
    static func xml(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: isForbiddenInXML) else { return text }
        var result = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            if isForbiddenInXML(scalar) {
                result.append(contentsOf: visibleEscape(scalar).unicodeScalars)
            } else {
                result.append(scalar)
            }
        }
        return String(result)
    }

    /// Replaces every C0/C1 control character except newline and tab by a visible escape, so
    /// text printed to a terminal cannot move the cursor or change colours.
    static func terminal(_ text: String, keepNewlines: Bool = true) -> String {
        func isUnsafe(_ scalar: Unicode.Scalar) -> Bool {
            if keepNewlines && (scalar == "\n" || scalar == "\t") { return false }
            return scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value)
        }
        guard text.unicodeScalars.contains(where: isUnsafe) else { return text }
        var result = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            if isUnsafe(scalar) {
                result.append(contentsOf: visibleEscape(scalar).unicodeScalars)
            } else {
                result.append(scalar)
            }
        }
        return String(result)
    }

    /// The first line of `text`, for one-line summaries.
    static func firstLine(_ text: String) -> String {
        String(text.prefix { $0 != "\n" && $0 != "\r" && $0 != "\r\n" })
    }

    private static func isForbiddenInXML(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x09, 0x0A, 0x0D: return false
        case 0x00..<0x20, 0xFFFE, 0xFFFF: return true
        default: return false
        }
    }

    /// `\u{1B}` style, as Swift writes it, so readers recognise what the program printed.
    private static func visibleEscape(_ scalar: Unicode.Scalar) -> String {
        "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
    }
}
