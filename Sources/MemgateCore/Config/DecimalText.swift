/// An unsigned decimal number as written (`120`, `1.5`), kept as digits so scaling it stays exact.
///
/// Shared by ``ByteSize`` and ``DurationParser``: both accept digits, optionally a `.` and
/// more digits, and nothing else (no sign, exponent, `inf` or `nan`).
struct DecimalText {
    /// Digits before the point.
    let integerDigits: [UInt8]
    /// Digits after the point (empty when there is no point).
    let fractionDigits: [UInt8]
    /// How many characters of the input the number used.
    let length: Int

    /// Reads the number at the start of `text`, or nil when `text` does not start with one.
    init?(prefixOf text: String) {
        var integerDigits: [UInt8] = []
        var fractionDigits: [UInt8] = []
        var index = text.startIndex
        while index < text.endIndex, let digit = Self.digitValue(text[index]) {
            integerDigits.append(digit)
            index = text.index(after: index)
        }
        guard !integerDigits.isEmpty else { return nil }
        var length = integerDigits.count
        if index < text.endIndex, text[index] == "." {
            var cursor = text.index(after: index)
            while cursor < text.endIndex, let digit = Self.digitValue(text[cursor]) {
                fractionDigits.append(digit)
                cursor = text.index(after: cursor)
            }
            // "1." is not a number in this grammar.
            guard !fractionDigits.isEmpty else { return nil }
            length += 1 + fractionDigits.count
        }
        self.integerDigits = integerDigits
        self.fractionDigits = fractionDigits
        self.length = length
    }

    /// `floor(self × factor)` computed exactly, or nil when it overflows `Int64`.
    func multiplied(by factor: Int64) -> Int64? {
        var whole: Int64 = 0
        for digit in integerDigits {
            let (times10, overflow1) = whole.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = times10.addingReportingOverflow(Int64(digit))
            guard !overflow1, !overflow2 else { return nil }
            whole = sum
        }
        let (scaled, overflow) = whole.multipliedReportingOverflow(by: factor)
        guard !overflow else { return nil }
        // Long multiplication of the fraction digits by `factor`, least significant first: the
        // carry left at the end is the integer part of `fraction × factor`.
        var carry: Int64 = 0
        for digit in fractionDigits.reversed() {
            carry = (Int64(digit) * factor + carry) / 10
        }
        let (total, overflowTotal) = scaled.addingReportingOverflow(carry)
        return overflowTotal ? nil : total
    }

    /// The value as a `Double` (for durations, where exactness does not matter).
    var doubleValue: Double {
        let text =
            integerDigits.map(String.init).joined() + "."
            + (fractionDigits.isEmpty ? "0" : fractionDigits.map(String.init).joined())
        return Double(text) ?? .infinity
    }

    /// The value of an ASCII digit, nil for anything else (including other scripts' digits).
    static func digitValue(_ character: Character) -> UInt8? {
        guard let ascii = character.asciiValue, ascii >= 48, ascii <= 57 else { return nil }
        return ascii - 48
    }

    /// `text` without leading and trailing spaces, tabs and line breaks.
    static func trimmed(_ text: String) -> String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" || $0 == "\r\n" }
        guard let first = text.firstIndex(where: { !isSpace($0) }),
            let last = text.lastIndex(where: { !isSpace($0) })
        else { return "" }
        return String(text[first...last])
    }
}
