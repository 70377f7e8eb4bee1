extension Frame {
    /// Module name fragments of allocator and language runtimes; their frames are never the
    /// "site" of an allocation, the caller into them is.
    static let runtimeModuleFragments = [
        "libc.so", "libc-", "ld-linux", "libstdc++", "libc++", "libswift", "libFoundation",
        "libdispatch", "libmemgate_tracker", "libpython", "libgcc_s", "libm.so", "/usr/lib/swift/",
    ]

    /// Function name shapes of language-runtime and standard-library code.
    static let runtimeFunctionPrefixes = [
        "operator new", "__swift_", "Swift.", "(extension in Swift)", "_start", "__libc_start",
        "lazy protocol witness table", "type metadata accessor", "__cxa_", "std::",
    ]

    /// Whether this frame belongs to an allocator or language runtime rather than user code.
    public var isRuntimeFrame: Bool {
        guard kind == .native else { return false }
        if let module, Frame.runtimeModuleFragments.contains(where: { module.contains($0) }) { return true }
        if function == "??" || function.hasPrefix("0x") { return true }
        // The full symbol: simplified Swift names drop the `Swift.` module prefix.
        let name = fullFunction
        if Frame.runtimeFunctionPrefixes.contains(where: { name.hasPrefix($0) }) { return true }
        // Specializations of standard-library generics are emitted into user binaries.
        if name.contains(" of Swift.") || file == "SwiftOnoneSupport.o" || file == "/<compiler-generated>" {
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
