import Foundation

/// Reads a file of one decimal number a line (`cgroup.procs`) without making strings.
enum DecimalLines {
    /// Every number in what `descriptor` reads until its end; a line that is not all digits is skipped.
    static func read(_ descriptor: Int32) -> [pid_t] {
        var buffer = [UInt8](repeating: 0, count: 4096)
        var parser = Parser()
        while true {
            let count = buffer.withUnsafeMutableBytes { Foundation.read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { break }
            for byte in buffer[..<count] { parser.take(byte) }
        }
        parser.take(UInt8(ascii: "\n"))
        return parser.numbers
    }

    /// The numbers of the lines seen so far.
    struct Parser {
        private(set) var numbers: [pid_t] = []
        private var value: Int64 = 0
        private var digits = 0
        private var valid = true

        /// Takes the next byte of the text.
        mutating func take(_ byte: UInt8) {
            if byte == UInt8(ascii: "\n") {
                if valid && digits > 0 && value <= Int64(pid_t.max) { numbers.append(pid_t(value)) }
                value = 0
                digits = 0
                valid = true
            } else if byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") && digits < 18 {
                value = value * 10 + Int64(byte - UInt8(ascii: "0"))
                digits += 1
            } else {
                valid = false
            }
        }
    }
}
