/// Whether and how console output is coloured.
public struct ConsoleStyle: Hashable, Sendable {
    /// Whether ANSI colour codes are emitted.
    public var colorEnabled: Bool

    /// - Parameter colorEnabled: emit ANSI colour codes.
    public init(colorEnabled: Bool) {
        self.colorEnabled = colorEnabled
    }

    /// Decides colour from the environment: only on a terminal, never when `NO_COLOR` is set
    /// (to any value, even empty) and never when `TERM` is `dumb`.
    ///
    /// - Parameters:
    ///   - environment: the process environment, e.g. `ProcessInfo.processInfo.environment`.
    ///   - isTTY: whether standard output is a terminal (`isatty(STDOUT_FILENO) == 1`).
    public static func detect(environment: [String: String], isTTY: Bool) -> ConsoleStyle {
        let disabled = !isTTY || environment["NO_COLOR"] != nil || environment["TERM"] == "dumb"
        return ConsoleStyle(colorEnabled: !disabled)
    }

    /// Green, for passes.
    func success(_ text: String) -> String { paint(text, code: "32") }
    /// Bold red, for failures.
    func failure(_ text: String) -> String { paint(text, code: "1;31") }
    /// Yellow, for skips.
    func warning(_ text: String) -> String { paint(text, code: "33") }
    /// Dim, for secondary detail.
    func dim(_ text: String) -> String { paint(text, code: "2") }

    private func paint(_ text: String, code: String) -> String {
        guard colorEnabled, !text.isEmpty else { return text }
        return "\u{1B}[\(code)m\(text)\u{1B}[0m"
    }
}
