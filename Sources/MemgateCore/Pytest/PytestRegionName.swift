/// The capture region name the pytest plugin gives a test: its node id, or `fnv1a64:<hex>` of
/// the id's UTF-8 bytes when they exceed the 255 bytes a capture header holds
/// (`region_name` in memgate_pytest.py computes the same).
public enum PytestRegionName {
    static let maximumBytes = 255

    /// The region name of the test with `nodeID`.
    public static func of(nodeID: String) -> String {
        let bytes = Array(nodeID.utf8)
        guard bytes.count > maximumBytes else { return nodeID }
        var digest: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in bytes {
            digest = (digest ^ UInt64(byte)) &* 0x100_0000_01B3
        }
        let hex = String(digest, radix: 16)
        return "fnv1a64:" + String(repeating: "0", count: 16 - hex.count) + hex
    }
}
