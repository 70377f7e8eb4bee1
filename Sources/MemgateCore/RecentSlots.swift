/// A direct-mapped table of recently met keys and their values, in front of work done once per
/// distinct key: a large capture repeats a few thousand distinct frame words and frames over
/// millions of places (a scipy import: 2.4 M), and a hit here is one multiply and one compare
/// instead of hashing the key. A key keeps its slot until another key with the same slot comes.
struct RecentSlots<Key: Equatable, Value> {
    private static var slotBits: Int { 12 }
    private var keys = [Key?](repeating: nil, count: 1 << slotBits)
    private var values = [Value?](repeating: nil, count: 1 << slotBits)

    /// The value kept for `key`, nil when its slot holds another key or none. `hash` is any
    /// 64-bit number the key always gives (its bits, an address): the table mixes it.
    func value(of key: Key, hash: UInt64) -> Value? {
        let slot = Self.slot(of: hash)
        return keys[slot] == key ? values[slot] : nil
    }

    /// Keeps `value` for `key` in its slot, in place of whatever the slot held.
    mutating func keep(_ value: Value, of key: Key, hash: UInt64) {
        let slot = Self.slot(of: hash)
        keys[slot] = key
        values[slot] = value
    }

    private static func slot(of hash: UInt64) -> Int {
        Int(truncatingIfNeeded: (hash &* 0x9E37_79B9_7F4A_7C15) >> UInt64(64 - slotBits))
    }
}
