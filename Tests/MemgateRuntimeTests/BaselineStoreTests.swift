import Foundation
import MemgateCore
import Testing

@testable import MemgateRuntime

private let sample = Baseline(
    name: "case", peakBytes: 2_048, totalBytes: 4_096, allocationCount: 3, bytesAtEnd: 0,
    sites: ["f @ x.py": .init(bytesAtPeak: 1_024, allocationsAtPeak: 1, line: 4)],
    environment: EnvironmentFingerprint(python: nil, libc: "glibc 2.36", arch: "x86_64"))

/// A fresh temporary directory holding `Baselines/`, removed when the test ends.
private func withTemporaryStore(_ body: (BaselineStore, URL) throws -> Void) throws {
    let root = FileManager.default.temporaryDirectory
        .appendingPathComponent("memgate-store-\(UUID().uuidString)", isDirectory: true)
    try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: root) }
    let directory = root.appendingPathComponent("Baselines", isDirectory: true)
    try body(BaselineStore(directory: directory), directory.standardizedFileURL)
}

/// Every file below `directory`, relative, sorted.
private func files(under directory: URL) -> [String] {
    let enumerator = FileManager.default.enumerator(atPath: directory.path)
    var paths: [String] = []
    while let path = enumerator?.nextObject() as? String {
        var isDirectory: ObjCBool = false
        _ = FileManager.default.fileExists(
            atPath: directory.appendingPathComponent(path).path, isDirectory: &isDirectory)
        if !isDirectory.boolValue { paths.append(path) }
    }
    return paths.sorted()
}

@Suite struct BaselineStoreTests {
    @Test func plainTargetLivesAtTheTopLevel() throws {
        try withTemporaryStore { store, directory in
            let url = try store.url(forTarget: "fibonacci-list", caseName: nil)
            #expect(url.path == directory.appendingPathComponent("fibonacci-list.json").path)
        }
    }

    @Test(
        "pytest node ids map to safe, distinct file names",
        arguments: [
            ("tests/test_x.py::test_a[1-/../b]", "tests_test_x.py__test_a_1-_.._b_-"),
            ("tests/test_x.py::test_a[1-_.._b]", "tests_test_x.py__test_a_1-_.._b_-"),
            ("..", "_.-"),
            (".", "_-"),
            ("", "-"),
            ("tests/test_ü.py::test_ünïcode[日本]", "tests_test__.py__test__n_code____-"),
            ("/etc/passwd", "_etc_passwd-"),
        ])
    func safeCaseFileName(caseName: String, prefix: String) throws {
        try withTemporaryStore { store, directory in
            let url = try store.url(forTarget: "exercises", caseName: caseName)
            #expect(url.deletingLastPathComponent().path == directory.appendingPathComponent("exercises").path)
            let name = url.lastPathComponent
            #expect(name.hasPrefix(prefix))
            #expect(name.hasSuffix(".json"))
            let hash = name.dropFirst(prefix.count).dropLast(".json".count)
            #expect(hash.count == 16)
            #expect(hash.allSatisfy { $0.isHexDigit && !$0.isUppercase })
            #expect(
                name.unicodeScalars.allSatisfy {
                    $0.isASCII
                        && ($0 == "." || $0 == "_" || $0 == "-" || $0.properties.isAlphabetic
                            || ("0"..."9").contains($0))
                })
        }
    }

    @Test func idsThatLookAlikeGetDifferentFiles() throws {
        try withTemporaryStore { store, _ in
            let ids = ["a/b", "a_b", "a:b", "a\u{fc}b", "a\u{e9}b", "tests/t.py::x[1-/../b]", "tests/t.py::x[1-_.._b]"]
            let urls = try ids.map { try store.url(forTarget: "t", caseName: $0) }
            #expect(Set(urls).count == ids.count)
            // Stable across calls and processes (FNV-1a, not the seeded Hasher).
            #expect(try store.url(forTarget: "t", caseName: "a/b") == urls[0])
            #expect(BaselineFileName.fnv1aHex("") == "cbf29ce484222325")
            #expect(BaselineFileName.fnv1aHex("a") == "af63dc4c8601ec8c")
        }
    }

    @Test(
        "unsafe target names are rejected",
        arguments: ["../x", "..", ".", "", "a/b", "/abs", "x\u{0}", "tést", "a b"])
    func unsafeTargets(target: String) throws {
        try withTemporaryStore { store, directory in
            #expect(throws: BaselineError.invalidTargetName(target)) {
                try store.url(forTarget: target, caseName: nil)
            }
            #expect(throws: BaselineError.invalidTargetName(target)) {
                try store.save(sample, target: target, caseName: "t")
            }
            #expect(!FileManager.default.fileExists(atPath: directory.path))
        }
    }

    @Test func saveThenLoadRoundTripsAndCreatesDirectories() throws {
        try withTemporaryStore { store, directory in
            #expect(try store.load(target: "exercises", caseName: "tests/t.py::x") == nil)
            try store.save(sample, target: "exercises", caseName: "tests/t.py::x")
            try store.save(sample, target: "plain", caseName: nil)
            #expect(try store.load(target: "exercises", caseName: "tests/t.py::x") == sample)
            #expect(try store.load(target: "plain", caseName: nil) == sample)
            let saved = try Data(contentsOf: try store.url(forTarget: "plain", caseName: nil))
            #expect(saved == (try BaselineCodec.encode(sample)))
            #expect(files(under: directory).count == 2)
        }
    }

    @Test func atomicOverwriteLeavesNoTemporaryFiles() throws {
        try withTemporaryStore { store, directory in
            var changed = sample
            for peak in [Int64(1), 2, 3] {
                changed.peakBytes = peak
                try store.save(changed, target: "t", caseName: nil)
                try store.save(changed, target: "t", caseName: "a/b")
            }
            #expect(try store.load(target: "t", caseName: nil)?.peakBytes == 3)
            let names = files(under: directory)
            #expect(names.count == 2)
            #expect(names.first == "t.json")
            #expect(names.allSatisfy { !$0.contains(".tmp-") && !($0 as NSString).lastPathComponent.hasPrefix(".") })
        }
    }

    @Test func aSymlinkedCaseDirectoryPointingOutsideIsRefused() throws {
        try withTemporaryStore { store, directory in
            let outside = directory.deletingLastPathComponent().appendingPathComponent("elsewhere", isDirectory: true)
            try FileManager.default.createDirectory(at: outside, withIntermediateDirectories: true)
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            try FileManager.default.createSymbolicLink(
                at: directory.appendingPathComponent("escape"), withDestinationURL: outside)
            #expect(throws: BaselineError.self) { try store.save(sample, target: "escape", caseName: "t") }
            #expect(throws: BaselineError.self) { try store.load(target: "escape", caseName: "t") }
            #expect(files(under: outside).isEmpty)
        }
    }

    @Test(
        "containment is strict and lexical on standardized paths",
        arguments: [
            ("/b/x.json", "/b", true), ("/b/t/x.json", "/b/", true), ("/b", "/b", false), ("/b/", "/b", false),
            ("/bx/y.json", "/b", false), ("/a/x.json", "/b", false),
        ])
    func containment(path: String, directory: String, inside: Bool) {
        #expect(BaselineStore.path(path, isInside: directory) == inside)
    }

    @Test func aCorruptFileNamesItsPath() throws {
        try withTemporaryStore { store, directory in
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            let url = try store.url(forTarget: "t", caseName: nil)
            try Data("{\"formatVersion\": 9}".utf8).write(to: url)
            #expect(throws: BaselineError.unsupportedFormatVersion(path: url.path, found: 9, supported: 1)) {
                try store.load(target: "t", caseName: nil)
            }
        }
    }
}
