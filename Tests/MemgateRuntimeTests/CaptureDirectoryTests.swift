import Foundation
import Testing

@testable import MemgateRuntime

/// Where captures go: pytest targets' many captures on a roomy tmpfs, unless TMPDIR decides.
struct CaptureDirectoryTests {
    @Test func aTargetWithOneCaptureUsesTheTemporaryDirectory() {
        #expect(
            CaptureDirectory.parent(manyCaptures: false, environment: [:]) == FileManager.default.temporaryDirectory)
    }

    @Test func aTmpdirSetByTheUserIsRespected() {
        #expect(
            CaptureDirectory.parent(manyCaptures: true, environment: ["TMPDIR": "/somewhere"])
                == FileManager.default.temporaryDirectory)
    }

    @Test func pytestCapturesGoToSharedMemoryOnlyWhenItIsARoomyTmpfs() {
        let parent = CaptureDirectory.parent(manyCaptures: true, environment: [:])
        if CaptureDirectory.isRoomyTmpfs("/dev/shm") {
            #expect(parent.path == "/dev/shm")
        } else {
            #expect(parent == FileManager.default.temporaryDirectory)
        }
    }

    @Test func onlyTmpfsMountPointsCount() {
        #expect(!CaptureDirectory.isTmpfsMountPoint("/proc"))
        #expect(!CaptureDirectory.isTmpfsMountPoint("/"))
        #expect(!CaptureDirectory.isTmpfsMountPoint("/no/such/mount"))
    }
}
