extension Tolerance {
    /// Bytes a figure recorded as `baseBytes` may move before the growth fraction is exceeded,
    /// i.e. `growthFraction × baseBytes` rounded down to whole bytes.
    ///
    /// Deltas are whole bytes, so "delta > fraction × base" is the same as "delta > ⌊fraction × base⌋".
    /// The product is snapped to the nearest integer when it is within a few ulps of it, so
    /// binary rounding (0.29 × 100 = 28.999999999999996) never turns "exactly at tolerance"
    /// into a failure.
    func allowedChangeBytes(from baseBytes: Int64) -> Int64 {
        let raw = Double(max(baseBytes, 0)) * growthFraction
        guard raw < 9.0e18 else { return Int64.max }
        let nearest = raw.rounded()
        let snapped = (raw - nearest).magnitude <= 8 * nearest.ulp ? nearest : raw.rounded(.down)
        return Int64(snapped)
    }

    /// Whether moving from `baseBytes` by `deltaBytes` (either direction) goes beyond both the
    /// growth fraction of the base and the noise floor. Exactly at either bound is within it.
    public func isBeyond(deltaBytes: Int64, from baseBytes: Int64) -> Bool {
        let change = deltaBytes.magnitude
        return change > allowedChangeBytes(from: baseBytes).magnitude && change > noiseFloorBytes.magnitude
    }
}
