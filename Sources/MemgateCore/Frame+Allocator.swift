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
        if let module, Frame.isRuntimeModule(module) { return true }
        return hasRuntimeName
    }

    /// Whether a module path names an allocator or language runtime.
    static func isRuntimeModule(_ path: String) -> Bool {
        path.containsBytes(ofAny: Frame.runtimeModuleFragmentBytes)
    }

    /// Whether a native frame's name or file marks runtime or standard-library code, whatever its module.
    var hasRuntimeName: Bool {
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
        var classifier = RuntimeFrameClassifier()
        return allocatingFrame(in: frames, classifier: &classifier)
    }

    /// `allocatingFrame(in:)` with runtime modules remembered in `classifier`, for a caller that
    /// asks about many stacks: a Python program's native stacks are mostly interpreter frames,
    /// so all of a stack's frames may be looked at, and a scipy import has 2.44 M of them.
    static func allocatingFrame(in frames: [Frame], classifier: inout RuntimeFrameClassifier) -> Frame? {
        // Through a buffer pointer: the array's subscript copied every frame it looked at.
        let index = frames.withUnsafeBufferPointer { frames -> Int? in
            if let python = frames.lastIndex(where: { $0.kind == .python }) { return python }
            var innermostCode: Int?
            for index in frames.indices.reversed() where frames[index].kind != .process {
                if !classifier.isRuntime(frames[index]) { return index }
                if innermostCode == nil { innermostCode = index }
            }
            return innermostCode
        }
        return index.map { frames[$0] }
    }

    /// The process frame of a stack from a multi-process target, if any.
    public static func processFrame(in frames: [Frame]) -> Frame? {
        let index = frames.withUnsafeBufferPointer { frames in frames.firstIndex { $0.kind == .process } }
        return index.map { frames[$0] }
    }
}

/// `Frame.isRuntimeFrame`, with each module's verdict decided once: the module test scans its
/// path for every runtime fragment, and ran for every frame of every stack of a capture.
struct RuntimeFrameClassifier {
    private var moduleVerdicts: [String: Bool] = [:]
    /// The last module asked about: a stack's frames come in runs from one module, whose frames
    /// share one string, so comparing with it is a pointer comparison and no hashing.
    private var lastModule: String?
    private var lastModuleIsRuntime = false

    /// The same answer as `frame.isRuntimeFrame`.
    mutating func isRuntime(_ frame: Frame) -> Bool {
        guard frame.kind == .native else { return false }
        if let module = frame.module, isRuntimeModule(module) { return true }
        return frame.hasRuntimeName
    }

    private mutating func isRuntimeModule(_ module: String) -> Bool {
        if module == lastModule { return lastModuleIsRuntime }
        let verdict: Bool
        if let known = moduleVerdicts[module] {
            verdict = known
        } else {
            verdict = Frame.isRuntimeModule(module)
            moduleVerdicts[module] = verdict
        }
        lastModule = module
        lastModuleIsRuntime = verdict
        return verdict
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
