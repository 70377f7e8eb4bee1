// Holds one [UInt8] of 3 MiB (plus the array's 32-byte header) and touches every byte.
let block = [UInt8](repeating: 1, count: 3 << 20)
print(block.reduce(0) { $0 + Int($1) })
