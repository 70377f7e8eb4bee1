import Foundation

/// Runs independent pieces of work side by side and rethrows the first error.
enum ConcurrentWrites {
    static func run(_ works: [@Sendable () throws -> Void]) throws {
        let errors = ErrorSlot()
        DispatchQueue.concurrentPerform(iterations: works.count) { index in
            do { try works[index]() } catch { errors.keep(error) }
        }
        if let error = errors.first { throw error }
    }

    /// Maps `items` with `transform` side by side, keeping their order; rethrows the first error.
    static func map<Item: Sendable, Result>(
        _ items: [Item], _ transform: @Sendable (Item) throws -> Result
    ) throws -> [Result] {
        let slots = ResultSlots<Result>(count: items.count)
        let errors = ErrorSlot()
        DispatchQueue.concurrentPerform(iterations: items.count) { index in
            do { slots.set(index, try transform(items[index])) } catch { errors.keep(error) }
        }
        if let error = errors.first { throw error }
        return slots.values.map { $0! }
    }

    /// `range` cut into a few ranges per core, in order, for ``map(_:_:)``: each large enough that
    /// its overhead does not matter, small enough that they spread over the cores.
    static func chunks(of range: Range<Int>) -> [Range<Int>] {
        let size = max(1, range.count / (ProcessInfo.processInfo.activeProcessorCount * 8))
        return stride(from: range.lowerBound, to: range.upperBound, by: size).map {
            $0..<min($0 + size, range.upperBound)
        }
    }

    private final class ErrorSlot: @unchecked Sendable {
        private let lock = NSLock()
        private(set) var first: Error?
        func keep(_ error: Error) {
            lock.lock()
            if first == nil { first = error }
            lock.unlock()
        }
    }

    private final class ResultSlots<Value>: @unchecked Sendable {
        private let lock = NSLock()
        private(set) var values: [Value?]
        init(count: Int) { values = Array(repeating: nil, count: count) }
        func set(_ index: Int, _ value: Value) {
            lock.lock()
            values[index] = value
            lock.unlock()
        }
    }
}
