import Foundation

/// Reads `VmRSS` and `VmHWM` of processes from `/proc/<pid>/status`, cheaply enough to do it
/// every few milliseconds beside a running target: each process's file is opened once and read
/// again with one `pread` from offset 0 (the kernel renders it afresh), into one buffer, and the
/// two numbers are picked out of the bytes without making strings.
///
/// A kept descriptor names the process it was opened for, so a pid reused by a newer process is
/// read by path again once the old descriptor stops answering. Not thread-safe: one sampler
/// thread owns it.
final class ProcessStatusReader {
    /// Resident figures of one process, in bytes.
    struct Reading: Equatable {
        var residentBytes: Int64
        var highWaterBytes: Int64
    }

    private var descriptors: [pid_t: Int32] = [:]
    /// Large enough for the fields up to `VmRSS` (the first ~1 KiB of the file), and for the whole
    /// file on kernels of today.
    private var buffer = [UInt8](repeating: 0, count: 4096)

    deinit { closeAll() }

    /// `VmRSS` and `VmHWM` of `pid`; nil once it exited (a zombie has neither) or when it cannot be read.
    func reading(of pid: pid_t) -> Reading? {
        if let descriptor = descriptors[pid] {
            if let reading = read(descriptor) { return reading }
            // Gone, or the pid now names another process: look it up again by path.
            close(descriptor)
            descriptors[pid] = nil
        }
        let descriptor = open("/proc/\(pid)/status", O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        descriptors[pid] = descriptor
        return read(descriptor)
    }

    /// Closes the descriptors of processes not in `pids` (they left the tree or ended).
    func keepOnly(_ pids: [pid_t]) {
        guard descriptors.count > pids.count || descriptors.keys.contains(where: { !pids.contains($0) }) else {
            return
        }
        let wanted = Set(pids)
        for (pid, descriptor) in descriptors where !wanted.contains(pid) {
            close(descriptor)
            descriptors[pid] = nil
        }
    }

    /// Closes every kept descriptor.
    func closeAll() {
        for descriptor in descriptors.values { close(descriptor) }
        descriptors = [:]
    }

    private func read(_ descriptor: Int32) -> Reading? {
        buffer.withUnsafeMutableBytes { bytes in
            let count = pread(descriptor, bytes.baseAddress, bytes.count, 0)
            guard count > 0 else { return nil }
            return Self.parse(UnsafeRawBufferPointer(rebasing: bytes[..<count]))
        }
    }

    /// `VmRSS` and `VmHWM` (in bytes) out of the text of a `/proc/<pid>/status`; nil when either is missing.
    static func parse(_ status: UnsafeRawBufferPointer) -> Reading? {
        guard let resident = kibibytes(after: vmRSS, in: status), let highWater = kibibytes(after: vmHWM, in: status)
        else { return nil }
        return Reading(residentBytes: resident * 1024, highWaterBytes: highWater * 1024)
    }

    private static let vmRSS = Array("\nVmRSS:".utf8)
    private static let vmHWM = Array("\nVmHWM:".utf8)

    /// The number after `label` (a line start, as in `\nVmRSS:    2052 kB`), or nil.
    private static func kibibytes(after label: [UInt8], in text: UnsafeRawBufferPointer) -> Int64? {
        guard text.count > label.count else { return nil }
        var start = 0
        while start + label.count <= text.count {
            var matches = true
            for offset in 0..<label.count where text[start + offset] != label[offset] {
                matches = false
                break
            }
            if matches { return number(in: text, from: start + label.count) }
            start += 1
        }
        return nil
    }

    /// The decimal number after spaces and tabs from `index`, or nil when there is none.
    private static func number(in text: UnsafeRawBufferPointer, from index: Int) -> Int64? {
        var index = index
        while index < text.count, text[index] == UInt8(ascii: " ") || text[index] == UInt8(ascii: "\t") {
            index += 1
        }
        var value: Int64 = 0
        var digits = 0
        while index < text.count, text[index] >= UInt8(ascii: "0"), text[index] <= UInt8(ascii: "9") {
            value = value * 10 + Int64(text[index] - UInt8(ascii: "0"))
            digits += 1
            index += 1
        }
        return digits > 0 ? value : nil
    }
}
