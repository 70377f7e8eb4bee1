import Foundation
import MemgateCore

/// Symbolizes native addresses of a capture with the toolchain's `llvm-symbolizer`
/// (function, file:line from debug info; C++ names demangled by it, Swift names by the
/// Swift runtime's demangler).
public struct NativeSymbolizer: Sendable {
    /// Path of llvm-symbolizer, or nil when none was found (frames then stay as addresses).
    public let executable: String?

    /// Finds llvm-symbolizer: `$MEMGATE_SYMBOLIZER`, then PATH, then next to `swift`.
    public init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        if let explicit = environment["MEMGATE_SYMBOLIZER"], !explicit.isEmpty {
            executable = explicit
            return
        }
        var found = ExecutableLocator.find("llvm-symbolizer", environment: environment)
        if found == nil, let swift = ExecutableLocator.find("swift", environment: environment) {
            let sibling = URL(fileURLWithPath: swift).resolvingSymlinksInPath().deletingLastPathComponent()
                .appendingPathComponent("llvm-symbolizer").path
            if FileManager.default.isExecutableFile(atPath: sibling) { found = sibling }
        }
        if found == nil {
            found = (11...20).reversed().lazy.compactMap { ExecutableLocator.find("llvm-symbolizer-\($0)") }.first
        }
        executable = found
    }

    /// Frames for every native address in the capture that could be resolved.
    public func symbolize(_ capture: RawCapture) -> [UInt64: Frame] {
        guard let executable else { return [:] }
        var queries: [(address: UInt64, module: String)] = []
        var input = ""
        for address in capture.nativeAddresses.sorted() {
            guard let module = capture.module(containing: address), address > module.bias else { continue }
            // Return addresses point after the call; step back one byte to land on the call's line.
            let linkAddress = address - module.bias - 1
            queries.append((address, module.path))
            input += "CODE \(module.path) 0x\(String(linkAddress, radix: 16))\n"
        }
        guard !queries.isEmpty,
            let result = CommandOutput.run(
                executable, arguments: ["--output-style=JSON", "--relativenames"],
                input: Data(input.utf8)),
            result.status == 0
        else { return [:] }
        var frames: [UInt64: Frame] = [:]
        let lines = result.output.split(separator: UInt8(ascii: "\n"))
        for (query, line) in zip(queries, lines) {
            guard let object = try? JSONSerialization.jsonObject(with: Data(line)) as? [String: Any],
                let symbols = object["Symbol"] as? [[String: Any]], let symbol = symbols.first,
                let name = symbol["FunctionName"] as? String, !name.isEmpty, name != "??"
            else { continue }
            let file = (symbol["FileName"] as? String).flatMap { $0.isEmpty || $0 == "??" ? nil : $0 }
            let lineNumber = (symbol["Line"] as? Int).flatMap { $0 > 0 ? $0 : nil }
            frames[query.address] = Frame(
                function: SwiftDemangler.demangle(name), file: file, line: lineNumber,
                module: query.module, kind: .native)
        }
        return frames
    }
}
