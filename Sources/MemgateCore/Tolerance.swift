/// How much a case may move against its baseline before the gate fails.
public struct Tolerance: Hashable, Codable, Sendable {
    /// Allowed growth as a fraction (0.05 = 5 %), for the peak and for each top site.
    public var growthFraction: Double
    /// Deltas smaller than this many bytes never fail.
    public var noiseFloorBytes: Int64
    /// How many sites are compared and reported.
    public var topSites: Int
    /// Allowed growth of the peak resident memory against the baseline (`rss-tolerance`), wider
    /// than `growthFraction` by default because RSS depends on the allocator, the kernel and
    /// page sharing.
    public var residentGrowthFraction: Double

    /// The default `rss-tolerance`.
    public static let defaultResidentGrowthFraction = 0.25

    enum CodingKeys: String, CodingKey {
        case growthFraction, noiseFloorBytes, topSites, residentGrowthFraction
    }

    public init(
        growthFraction: Double = 0.05, noiseFloorBytes: Int64 = 4096, topSites: Int = 10,
        residentGrowthFraction: Double = Tolerance.defaultResidentGrowthFraction
    ) {
        precondition(residentGrowthFraction >= 0, "rss-tolerance must not be negative")
        self.residentGrowthFraction = residentGrowthFraction
        precondition(growthFraction >= 0, "tolerance must not be negative")
        precondition(noiseFloorBytes >= 0, "noise floor must not be negative")
        precondition(topSites > 0, "top-sites must be positive")
        self.growthFraction = growthFraction
        self.noiseFloorBytes = noiseFloorBytes
        self.topSites = topSites
    }

    /// Results written before `rss-tolerance` existed decode with its default.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        growthFraction = try container.decode(Double.self, forKey: .growthFraction)
        noiseFloorBytes = try container.decode(Int64.self, forKey: .noiseFloorBytes)
        topSites = try container.decode(Int.self, forKey: .topSites)
        residentGrowthFraction =
            try container.decodeIfPresent(Double.self, forKey: .residentGrowthFraction)
            ?? Tolerance.defaultResidentGrowthFraction
    }
}
