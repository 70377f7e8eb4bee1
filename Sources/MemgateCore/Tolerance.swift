/// How much a case may move against its baseline before the gate fails.
public struct Tolerance: Hashable, Codable, Sendable {
    /// Allowed growth as a fraction (0.05 = 5 %), for the peak and for each top site.
    public var growthFraction: Double
    /// Deltas smaller than this many bytes never fail.
    public var noiseFloorBytes: Int64
    /// How many sites are compared and reported.
    public var topSites: Int

    enum CodingKeys: String, CodingKey {
        case growthFraction, noiseFloorBytes, topSites
    }

    public init(growthFraction: Double = 0.05, noiseFloorBytes: Int64 = 4096, topSites: Int = 10) {
        precondition(growthFraction >= 0, "tolerance must not be negative")
        precondition(noiseFloorBytes >= 0, "noise floor must not be negative")
        precondition(topSites > 0, "top-sites must be positive")
        self.growthFraction = growthFraction
        self.noiseFloorBytes = noiseFloorBytes
        self.topSites = topSites
    }
}
