import Foundation

/// A value computed on a thread of its own from the moment it is made; `value` waits for it.
final class Background<Value>: @unchecked Sendable {
    private let done = DispatchSemaphore(value: 0)
    private var result: Value?

    init(_ compute: @escaping @Sendable () -> Value) {
        Thread.detachNewThread { [self] in
            result = compute()
            done.signal()
        }
    }

    /// The value, once computed.
    var value: Value {
        done.wait()
        done.signal()
        return result!
    }
}
