import Foundation
import Testing

@testable import MemgateRuntime

/// The resident sampler's cheap readers: `VmRSS`/`VmHWM` picked out of `/proc/<pid>/status`
/// bytes, pids out of `cgroup.procs` bytes, and kept descriptors that follow the process.
@Suite struct ProcessStatusReaderTests {
    static let status = """
        Name:\tpython3
        Umask:\t0022
        State:\tS (sleeping)
        VmPeak:\t  512000 kB
        VmSize:\t  500000 kB
        VmLck:\t       0 kB
        VmHWM:\t  176624 kB
        VmRSS:\t   45812 kB
        RssAnon:\t   30000 kB
        Threads:\t1

        """

    @Test func residentAndHighWaterAreReadInBytes() {
        let reading = Array(Self.status.utf8).withUnsafeBytes { ProcessStatusReader.parse($0) }
        #expect(reading == ProcessStatusReader.Reading(residentBytes: 45812 * 1024, highWaterBytes: 176_624 * 1024))
    }

    /// A zombie's status has neither field; a label must start a line (`RssAnon` is not `VmRSS`).
    @Test(arguments: [
        "Name:\tzombie\nState:\tZ (zombie)\nThreads:\t1\n",
        "Name:\tx\nVmHWM:\t  10 kB\n",
        "Name:\tx\nVmRSS:\t  10 kB\n",
        "Name:\tx\nVmHWM:\t  kB\nVmRSS:\t 5 kB\n",
    ])
    func aStatusWithoutBothFiguresHasNoReading(_ text: String) {
        #expect(Array(text.utf8).withUnsafeBytes { ProcessStatusReader.parse($0) } == nil)
    }

    @Test func pidsAreOneDecimalNumberALine() {
        var parser = DecimalLines.Parser()
        for byte in "12\n345\nnot a pid\n\n6789".utf8 { parser.take(byte) }
        parser.take(UInt8(ascii: "\n"))
        #expect(parser.numbers == [12, 345, 6789])
    }

    /// A kept descriptor reads the process afresh each time, and nothing once it was reaped.
    @Test func aRunningProcessIsReadUntilItIsGone() throws {
        let child = Process()
        child.executableURL = URL(fileURLWithPath: "/bin/sleep")
        child.arguments = ["30"]
        try child.run()
        let reader = ProcessStatusReader()
        let first = try #require(reader.reading(of: child.processIdentifier))
        #expect(first.residentBytes > 0 && first.highWaterBytes >= first.residentBytes)
        #expect(reader.reading(of: child.processIdentifier) != nil)
        kill(child.processIdentifier, SIGKILL)
        child.waitUntilExit()
        #expect(reader.reading(of: child.processIdentifier) == nil)
    }
}
