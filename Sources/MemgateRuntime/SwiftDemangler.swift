import Foundation

@_silgen_name("swift_demangle")
private func runtimeDemangle(
    _ mangledName: UnsafePointer<CChar>?, _ mangledNameLength: UInt,
    _ outputBuffer: UnsafeMutablePointer<CChar>?, _ outputBufferSize: UnsafeMutablePointer<UInt>?,
    _ flags: UInt32
) -> UnsafeMutablePointer<CChar>?

/// Demangles Swift symbol names: the full form with the Swift runtime's own demangler, the
/// simplified form (`closure #1 in static ThreadOpsPosix.run(handle:args:)`) with the
/// toolchain's `swift-demangle --simplified`, which the runtime does not offer.
struct SwiftDemangler: Sendable {
    /// Path of swift-demangle, or nil when none was found (names then stay in full).
    let simplifierExecutable: String?

    /// Finds swift-demangle on PATH, then next to `swift` (`$MEMGATE_SWIFT_DEMANGLE` overrides).
    init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        simplifierExecutable = ExecutableLocator.tool(
            "swift-demangle", overriddenBy: "MEMGATE_SWIFT_DEMANGLE", environment: environment)
    }

    /// Whether `name` is a mangled Swift symbol.
    static func isMangled(_ name: String) -> Bool {
        name.hasPrefix("$s") || name.hasPrefix("_$s") || name.hasPrefix("$S") || name.hasPrefix("_T0")
    }

    /// The full demangled form, or `name` itself when it is not a Swift symbol.
    static func demangle(_ name: String) -> String {
        guard isMangled(name) else { return name }
        return name.withCString { pointer in
            guard let demangled = runtimeDemangle(pointer, UInt(strlen(pointer)), nil, nil, 0) else { return name }
            defer { free(demangled) }
            return String(cString: demangled)
        }
    }

    /// Simplified forms of mangled Swift names, in one run of swift-demangle; names it could
    /// not simplify are missing from the result.
    func simplify(_ mangledNames: Set<String>) -> [String: String] {
        let names = mangledNames.filter { !$0.contains("\n") }.sorted()
        guard let simplifierExecutable, !names.isEmpty,
            let result = CommandOutput.run(
                simplifierExecutable, arguments: ["--simplified"],
                input: Data((names.joined(separator: "\n") + "\n").utf8)),
            result.status == 0
        else { return [:] }
        let lines = String(decoding: result.output, as: UTF8.self).split(
            separator: "\n", omittingEmptySubsequences: false)
        guard lines.count >= names.count else { return [:] }
        var simplified: [String: String] = [:]
        for (name, line) in zip(names, lines) where !line.isEmpty && line != name {
            simplified[name] = String(line)
        }
        return simplified
    }
}
