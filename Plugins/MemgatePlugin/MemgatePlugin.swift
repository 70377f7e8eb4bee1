import Foundation
import PackagePlugin

/// `swift package --allow-writing-to-package-directory memgate <memgate arguments>`: builds the
/// package's executable products and the tracker library in release, then runs memgate with the
/// arguments in the package directory and exits with memgate's status.
///
/// The executables are where `swift build -c release` puts them (`.build/release/<product>`),
/// so a config gates them with `command: [".build/release/<product>", …]`. memgate finds the
/// tracker through `MEMGATE_TRACKER`, set to the library just built.
@main
struct MemgatePlugin: CommandPlugin {
    func performCommand(context: PluginContext, arguments: [String]) async throws {
        for product in context.package.products(ofType: ExecutableProduct.self) {
            _ = try build(.product(product.name), what: "executable \(product.name)")
        }
        let tracker = try linkTracker(context: context)
        var environment = ProcessInfo.processInfo.environment
        environment["MEMGATE_TRACKER"] = tracker.path
        // memgate's own status: 1 a case failed the gate, 2 usage or config error, 3 it could not run.
        exit(
            try run(
                try context.tool(named: "memgate").url, arguments, environment: environment,
                in: context.package.directoryURL))
    }

    /// Builds the tracker's objects (the memgate_tracker product) in release and links them into
    /// a plain shared object with the toolchain's clang, so it links only libc, libdl, pthread and
    /// libunwind, as `make tracker` does.
    private func linkTracker(context: PluginContext) throws -> URL {
        let objects = try build(.product("memgate_tracker"), what: "the tracker library")
        guard let archive = objects.builtArtifacts.first(where: { $0.kind == .staticLibrary }) else {
            throw PluginFailure("building memgate_tracker produced no static library")
        }
        let library = context.pluginWorkDirectoryURL.appendingPathComponent("libmemgate_tracker.so")
        let status = try run(
            try context.tool(named: "clang").url,
            [
                "-shared", "-o", library.path, "-Wl,--whole-archive", archive.url.path, "-Wl,--no-whole-archive",
                "-lunwind", "-ldl", "-lpthread",
            ], environment: ProcessInfo.processInfo.environment, in: context.pluginWorkDirectoryURL)
        guard status == 0 else { throw PluginFailure("linking libmemgate_tracker.so failed (status \(status))") }
        return library
    }

    /// Runs `executable` and returns its exit status (128 + the signal when a signal ended it).
    private func run(_ executable: URL, _ arguments: [String], environment: [String: String], in directory: URL)
        throws -> Int32
    {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.environment = environment
        process.currentDirectoryURL = directory
        try process.run()
        process.waitUntilExit()
        return process.terminationReason == .uncaughtSignal
            ? 128 + process.terminationStatus : process.terminationStatus
    }

    /// Builds `subset` in release; throws with the build log when it fails.
    private func build(_ subset: PackageManager.BuildSubset, what: String) throws -> PackageManager.BuildResult {
        let result = try packageManager.build(subset, parameters: .init(configuration: .release, logging: .concise))
        guard result.succeeded else { throw PluginFailure("building \(what) failed:\n\(result.logText)") }
        return result
    }
}

/// A step before memgate could run failed; the message says which.
struct PluginFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
