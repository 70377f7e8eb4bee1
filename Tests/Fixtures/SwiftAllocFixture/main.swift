// A Swift program with known allocations from a named function, so the tracker's
// symbolization can be checked to show a demangled Swift name.

/// Keeps `count` buffers of `bytesEach` bytes alive and returns them.
@inline(never)
func retainScratchBuffers(count: Int, bytesEach: Int) -> [[UInt8]] {
    var buffers: [[UInt8]] = []
    buffers.reserveCapacity(count)
    for index in 0..<count {
        buffers.append([UInt8](repeating: UInt8(truncatingIfNeeded: index), count: bytesEach))
    }
    return buffers
}

let buffers = retainScratchBuffers(count: 4, bytesEach: 1 << 20)
print("retained \(buffers.count) buffers, checksum \(buffers.reduce(0) { $0 + Int($1[0]) })")
