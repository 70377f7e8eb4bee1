extension Frame {
    /// Module name fragments of allocator and language runtimes; their frames are never the
    /// "site" of an allocation, the caller into them is.
    static let runtimeModuleFragments = [
        "libc.so", "libc-", "ld-linux", "libstdc++", "libc++", "libswift", "libFoundation",
        "libdispatch", "libmemgate_tracker", "libpython", "libgcc_s", "libm.so", "/usr/lib/swift/",
    ]

    /// The same fragments as UTF-8 bytes, for the byte-wise match in `isRuntimeFrame`.
    static let runtimeModuleFragmentBytes = runtimeModuleFragments.map { Array($0.utf8) }
    /// How a specialization of a standard-library generic names itself (emitted into user binaries).
    static let swiftSpecializationMarker = [Array(" of Swift.".utf8)]

    /// Function name shapes of language-runtime and standard-library code.
    static let runtimeFunctionPrefixes = [
        "operator new", "__swift_", "Swift.", "(extension in Swift)", "_start", "__libc_start",
        "lazy protocol witness table", "type metadata accessor", "__cxa_", "std::",
    ]

    /// Whether this frame belongs to an allocator or language runtime rather than user code.
    public var isRuntimeFrame: Bool {
        guard kind == .native else { return false }
        if let module, module.containsBytes(ofAny: Frame.runtimeModuleFragmentBytes) { return true }
        if function == "??" || function.hasPrefix("0x") { return true }
        // The full symbol: simplified Swift names drop the `Swift.` module prefix.
        let name = fullFunction
        if Frame.runtimeFunctionPrefixes.contains(where: { name.hasPrefix($0) }) { return true }
        // Specializations of standard-library generics are emitted into user binaries.
        if name.containsBytes(ofAny: Frame.swiftSpecializationMarker) || file == "SwiftOnoneSupport.o"
            || file == "/<compiler-generated>"
        {
            return true
        }
        return false
    }

    /// The frame to charge an allocation to: the innermost Python frame when there is one,
    /// else the innermost native frame outside allocator/runtime code (inlined functions are
    /// frames of their own, so this is the innermost function of the user's code even in an
    /// optimized build), else the innermost frame.
    /// - Parameter frames: outermost first.
    public static func allocatingFrame(in frames: [Frame]) -> Frame? {
        if let python = frames.last(where: { $0.kind == .python }) { return python }
        let code = frames.filter { $0.kind != .process }
        return code.last(where: { !$0.isRuntimeFrame }) ?? code.last
    }

    /// The process frame of a stack from a multi-process target, if any.
    public static func processFrame(in frames: [Frame]) -> Frame? {
        frames.first { $0.kind == .process }
    }
}

extension String {
    /// Whether any of `patterns` (UTF-8 bytes) occurs in this string, compared byte by byte:
    /// what a module path or symbol match needs. Foundation's `contains` compares Unicode strings
    /// and took 60 % of `memgate report` on a capture of 48 000 native stacks.
    func containsBytes(ofAny patterns: [[UInt8]]) -> Bool {
        if let found = utf8.withContiguousStorageIfAvailable({ String.containsAny(patterns, in: $0) }) {
            return found
        }
        return Array(utf8).withUnsafeBufferPointer { String.containsAny(patterns, in: $0) }
    }

    private static func containsAny(_ patterns: [[UInt8]], in haystack: UnsafeBufferPointer<UInt8>) -> Bool {
        patterns.contains { pattern in
            guard let first = pattern.first else { return true }
            guard haystack.count >= pattern.count else { return false }
            for start in 0...(haystack.count - pattern.count) where haystack[start] == first {
                var index = 1
                while index < pattern.count && haystack[start + index] == pattern[index] { index += 1 }
                if index == pattern.count { return true }
            }
            return false
        }
    }
}
