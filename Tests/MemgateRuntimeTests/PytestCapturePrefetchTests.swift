import Foundation
import MemgateCore
import Testing

@testable import MemgateRuntime

/// Captures read while a pytest target runs give exactly the profiles read after it.
struct PytestCapturePrefetchTests {
    @Test func profilesReadEarlyEqualThoseReadAfterTheRun() throws {
        try withTemporaryDirectory { directory in
            let tests = directory.appendingPathComponent("test_prefetch.py")
            try """
            import pytest

            kept = []

            @pytest.mark.limit_memory("10 MB")
            def test_keeps_a_mebibyte():
                kept.append(bytearray(1 << 20))

            def test_allocates_and_frees():
                assert len([bytearray(4096) for _ in range(64)]) == 64

            @pytest.mark.limit_leaks("1 MB")
            def test_leak_with_native_frames():
                kept.append(bytearray(8192))

            def test_last():
                kept.append([0] * 1000)
            """.write(to: tests, atomically: true, encoding: .utf8)
            let run = try TrackedRun.record(
                .pytest(
                    interpreter: TrackerTestPaths.python,
                    arguments: [tests.path, "-q", "-p", "no:cacheprovider", "-p", "no:memray"]),
                nativeFrames: false, in: directory)
            #expect(run.capturePaths.count == 4)
            let symbolizer = NativeSymbolizer()
            // As a target does: the test file's path made relative to its directory.
            let root = directory.path
            let prefetch = PytestCapturePrefetch(
                basePath: directory.appendingPathComponent("capture.mgc"), symbolizer: symbolizer
            ) { $0.relativizingFiles(to: root) }
            prefetch.readFinishedCaptures()
            let early = prefetch.profiles()
            // The last capture is never read early; the limit_leaks test's has native frames.
            #expect(Set(early.keys) == Set([run.capturePaths[0], run.capturePaths[1]]))
            let after = try CaptureSet.treeProfiles(paths: run.capturePaths, symbolizer: symbolizer)
            for (index, path) in run.capturePaths.enumerated() {
                guard let profile = early[path] else { continue }
                let relative = after[index].relativizingFiles(to: root)
                #expect(relative != after[index], "the test file's path is relative: the comparison covers `finish`")
                #expect(profile == relative, "\(path.lastPathComponent)")
            }
        }
    }
}
