import Foundation
import MemgateCore

/// Symbolizes native addresses of a capture with the toolchain's `llvm-symbolizer`: function,
/// file:line from debug info, one frame per function inlined at the address.
///
/// Names get a readable form for display and site keys (Swift as `swift demangle
/// --simplified` prints it, C++ by `CppNameSimplifier`) and keep the full demangled name in
/// `Frame.symbol`. Addresses it cannot resolve are left out; the profile then names them
/// `module+0xoffset`.
public struct NativeSymbolizer: Sendable {
    /// Path of llvm-symbolizer, or nil when none was found (frames then stay `module+0xoffset`).
    public let executable: String?
    let swiftDemangler: SwiftDemangler
    /// Answers already read, shared by every copy of this symbolizer: a pytest target writes one
    /// capture per test, all from the same modules, and one llvm-symbolizer start per capture
    /// (reading libpython's debug information each time) cost more than the tests themselves.
    let answers = AnswerCache()

    /// Finds llvm-symbolizer: `$MEMGATE_SYMBOLIZER`, then PATH, then next to `swift`.
    public init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        swiftDemangler = SwiftDemangler(environment: environment)
        executable =
            ExecutableLocator.tool("llvm-symbolizer", overriddenBy: "MEMGATE_SYMBOLIZER", environment: environment)
            ?? (11...20).reversed().lazy.compactMap { ExecutableLocator.find("llvm-symbolizer-\($0)") }.first
        namesFrames = true
    }

    /// False for `withoutNames`: nothing is asked and no notice is given.
    let namesFrames: Bool

    private init(namingNothing environment: [String: String]) {
        swiftDemangler = SwiftDemangler(environment: environment)
        executable = nil
        namesFrames = false
    }

    /// One that names nothing (native frames stay `module+0xoffset`), for checks that need a
    /// capture's figures and verdict but no names: `memgate record` only asks whether the
    /// program was measured, and starting llvm-symbolizer for that took most of its time.
    public static var withoutNames: NativeSymbolizer { NativeSymbolizer(namingNothing: [:]) }

    /// One entry of llvm-symbolizer's answer for an address, before naming.
    struct Location {
        var name: String
        var file: String?
        var line: Int?
    }

    /// For every native address of the capture that could be resolved, its frames innermost
    /// first: the functions inlined at the address, then the function they were compiled into.
    public func symbolize(_ capture: RawCapture) -> [UInt64: [Frame]] {
        guard namesFrames else { return [:] }
        let queries = NativeSymbolizer.queries(capture)
        guard !queries.isEmpty, learn(queries.map(\.key)) else { return [:] }
        var frames: [UInt64: [Frame]] = [:]
        var chains: [(address: UInt64, key: AnswerCache.Key, locations: [Location])] = []
        for query in queries {
            if let named = answers.frames(query.key) {
                frames[query.address] = named
                continue
            }
            let locations = answers.locations(query.key)
            if !locations.isEmpty { chains.append((query.address, query.key, locations)) }
        }
        let mangled = Set(chains.flatMap { $0.locations.map(\.name) }.filter(SwiftDemangler.isMangled))
        let simplifiedSwift = swiftDemangler.simplify(mangled)
        var named: [AnswerCache.Key: [Frame]] = [:]
        for chain in chains {
            let chainFrames = chain.locations.map { location in
                let (display, full) = NativeSymbolizer.names(of: location.name, simplifiedSwift: simplifiedSwift)
                return Frame(
                    function: display, symbol: full == display ? nil : full, file: location.file, line: location.line,
                    module: chain.key.module, kind: .native)
            }
            frames[chain.address] = chainFrames
            // Named without the capture's Swift names, so the same for every capture: kept.
            if !chain.locations.contains(where: { SwiftDemangler.isMangled($0.name) }) {
                named[chain.key] = chainFrames
            }
        }
        answers.store(frames: named)
        return frames
    }

    /// Asks llvm-symbolizer, in one run, about every native address of `captures` not answered
    /// yet, so symbolizing each of them afterwards starts no process (a pytest target's captures
    /// share most addresses, and each start rereads libpython's debug information).
    public func prefetch(_ captures: [RawCapture]) {
        guard namesFrames else { return }
        _ = learn(captures.flatMap { NativeSymbolizer.queries($0).map(\.key) })
    }

    /// The capture's native addresses with the module and link address llvm-symbolizer needs.
    private static func queries(_ capture: RawCapture) -> [(address: UInt64, key: AnswerCache.Key)] {
        var queries: [(address: UInt64, key: AnswerCache.Key)] = []
        // Whether each module's path can be quoted, asked once per module rather than per
        // address: Foundation's String.contains cost ~0.2 s over a pytest target's captures.
        var quotable: [String: Bool] = [:]
        for address in capture.nativeAddresses.sorted() {
            guard let module = capture.module(containing: address), address > module.bias else { continue }
            let canQuote =
                quotable[module.path]
                ?? {
                    let known = NativeSymbolizer.quoted(modulePath: module.path) != nil
                    quotable[module.path] = known
                    return known
                }()
            guard canQuote else { continue }
            // Return addresses point after the call; step back one byte to land on the call's line.
            let linkAddress = "0x" + String(address - module.bias - 1, radix: 16)
            queries.append((address, AnswerCache.Key(module: module.path, linkAddress: linkAddress)))
        }
        return queries
    }

    /// Answers the keys not answered yet with one llvm-symbolizer run; false when it failed.
    private func learn(_ keys: [AnswerCache.Key]) -> Bool {
        let unknown = answers.missing(keys)
        guard !unknown.isEmpty else { return true }
        guard let executable else {
            SymbolizerNotice.shared.say(
                "llvm-symbolizer was not found ($MEMGATE_SYMBOLIZER, PATH, next to swift)")
            return false
        }
        let input = unknown.map { "CODE \(NativeSymbolizer.quoted(modulePath: $0.module)!) \($0.linkAddress)\n" }
        guard
            let result = CommandOutput.run(
                executable, arguments: ["--output-style=JSON", "--relativenames", "--inlines"],
                input: Data(input.joined().utf8)),
            result.status == 0
        else {
            SymbolizerNotice.shared.say("\(executable) could not be run")
            return false
        }
        let lines = result.output.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
        var learned: [AnswerCache.Key: [Location]] = [:]
        for (key, line) in zip(unknown, lines) {
            learned[key] = NativeSymbolizer.locations(inAnswer: Data(line), address: key.linkAddress)
        }
        answers.store(learned)
        return true
    }

    /// The module path as llvm-symbolizer reads it on standard input: quoted, so a path with a
    /// space stays one argument; nil when no quoting can carry it (both quote kinds, a newline).
    static func quoted(modulePath path: String) -> String? {
        guard !path.contains("\n") else { return nil }
        if !path.contains("\"") { return "\"\(path)\"" }
        if !path.contains("'") { return "'\(path)'" }
        return nil
    }

    /// The resolved entries of one JSON answer line, innermost first; empty when the answer is
    /// for another address or nothing was resolved (`??`).
    static func locations(inAnswer line: Data, address: String) -> [Location] {
        guard let object = try? JSONSerialization.jsonObject(with: line) as? [String: Any],
            object["Address"] as? String == address, let symbols = object["Symbol"] as? [[String: Any]]
        else { return [] }
        var locations: [Location] = []
        for symbol in symbols {
            guard let name = symbol["FunctionName"] as? String, !name.isEmpty, name != "??" else { continue }
            let file = (symbol["FileName"] as? String).flatMap { $0.isEmpty || $0 == "??" ? nil : $0 }
            let lineNumber = (symbol["Line"] as? Int).flatMap { $0 > 0 ? $0 : nil }
            locations.append(Location(name: name, file: file, line: lineNumber))
        }
        return locations
    }

    /// The display and full forms of a symbol name from llvm-symbolizer (which demangles C++
    /// and Rust itself, and leaves Swift names mangled).
    static func names(of name: String, simplifiedSwift: [String: String]) -> (display: String, full: String) {
        guard SwiftDemangler.isMangled(name) else { return (CppNameSimplifier.simplify(name), name) }
        let full = SwiftDemangler.demangle(name)
        return (simplifiedSwift[name] ?? full, full)
    }
}

extension NativeSymbolizer {
    /// llvm-symbolizer's answers by module path and link address, safe to share across threads.
    final class AnswerCache: @unchecked Sendable {
        struct Key: Hashable {
            var module: String
            var linkAddress: String
        }

        private let lock = NSLock()  // guards `answers` and `named`; targets run on several threads with --jobs
        private var answers: [Key: [Location]] = [:]
        /// The frames of answers already named (C, C++ and Rust names): naming runs
        /// CppNameSimplifier, which for a pytest target's 257 captures of the same addresses
        /// took ~0.4 s of CPU after the tests when done per capture.
        private var named: [Key: [Frame]] = [:]

        /// The keys not answered yet, each once, in order.
        func missing(_ keys: [Key]) -> [Key] {
            lock.lock()
            defer { lock.unlock() }
            var seen = Set<Key>()
            return keys.filter { answers[$0] == nil && seen.insert($0).inserted }
        }

        func store(_ learned: [Key: [Location]]) {
            lock.lock()
            defer { lock.unlock() }
            answers.merge(learned) { _, new in new }
        }

        /// The frames named for `key` earlier, if any.
        func frames(_ key: Key) -> [Frame]? {
            lock.lock()
            defer { lock.unlock() }
            return named[key]
        }

        func store(frames: [Key: [Frame]]) {
            guard !frames.isEmpty else { return }
            lock.lock()
            defer { lock.unlock() }
            named.merge(frames) { _, new in new }
        }

        func locations(_ key: Key) -> [Location] {
            lock.lock()
            defer { lock.unlock() }
            return answers[key] ?? []
        }
    }
}
