/// A profile's stacks in a results file (format 2): each distinct frame once, in the profile's
/// `frames` table, and each stack's `frames` as indexes into it. A Python import's stacks share
/// most of their frames (iterative_ensemble_smoother's first test: 48 823 stacks of ~50 frames,
/// a few thousand of them distinct), and spelling each frame out in every stack made a
/// 618 MB results file for two tests. Format 1 files, whose stacks spell out their frames, are
/// still read.
extension Profile {
    /// `stacks` as written: the frame table and the stacks referring to it.
    struct CodedStacks {
        var frames: [Frame]
        var stacks: [CodedStack]

        init(_ stacks: [StackRecord]) {
            var frames: [Frame] = []
            var indexByFrame: [Frame: Int] = [:]
            // Copies of a frame share its identity: most are found by it, without hashing the
            // frame's strings (the profile keeps every frame alive meanwhile).
            var recent = RecentSlots<ObjectIdentifier, Int>()
            self.stacks = stacks.map { stack in
                CodedStack(
                    stack,
                    frameIndexes: stack.frames.map { frame in
                        let identity = frame.sharedIdentity
                        let hash = UInt64(UInt(bitPattern: identity))
                        if let index = recent.value(of: identity, hash: hash) { return index }
                        let index: Int
                        if let known = indexByFrame[frame] {
                            index = known
                        } else {
                            index = frames.count
                            indexByFrame[frame] = index
                            frames.append(frame)
                        }
                        recent.keep(index, of: identity, hash: hash)
                        return index
                    })
            }
            self.frames = frames
        }
    }

    /// One stack as written: its figures, and its frames as indexes into the profile's table
    /// (format 2) or spelled out (format 1).
    struct CodedStack: Codable {
        enum Frames {
            case indexes([Int])
            case inline([Frame])
        }

        var frames: Frames
        var bytesAtPeak: Int64
        var allocationsAtPeak: Int64
        var totalBytes: Int64
        var allocationCount: Int64
        var bytesAtEnd: Int64

        init(_ stack: StackRecord, frameIndexes: [Int]) {
            frames = .indexes(frameIndexes)
            bytesAtPeak = stack.bytesAtPeak
            allocationsAtPeak = stack.allocationsAtPeak
            totalBytes = stack.totalBytes
            allocationCount = stack.allocationCount
            bytesAtEnd = stack.bytesAtEnd
        }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: StackRecord.CodingKeys.self)
            if let indexes = try? container.decode([Int].self, forKey: .frames) {
                frames = .indexes(indexes)
            } else {
                frames = .inline(try container.decode([Frame].self, forKey: .frames))
            }
            bytesAtPeak = try container.decode(Int64.self, forKey: .bytesAtPeak)
            allocationsAtPeak = try container.decode(Int64.self, forKey: .allocationsAtPeak)
            totalBytes = try container.decode(Int64.self, forKey: .totalBytes)
            allocationCount = try container.decode(Int64.self, forKey: .allocationCount)
            bytesAtEnd = try container.decode(Int64.self, forKey: .bytesAtEnd)
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: StackRecord.CodingKeys.self)
            switch frames {
            case .indexes(let indexes): try container.encode(indexes, forKey: .frames)
            case .inline(let inline): try container.encode(inline, forKey: .frames)
            }
            try container.encode(bytesAtPeak, forKey: .bytesAtPeak)
            try container.encode(allocationsAtPeak, forKey: .allocationsAtPeak)
            try container.encode(totalBytes, forKey: .totalBytes)
            try container.encode(allocationCount, forKey: .allocationCount)
            try container.encode(bytesAtEnd, forKey: .bytesAtEnd)
        }

        /// The stack, its indexes looked up in `table`.
        /// - Throws: `DecodingError` naming the stack when an index is outside the table.
        func record(table: [Frame], stackIndex: Int, codingPath: [any CodingKey]) throws -> StackRecord {
            let resolved: [Frame]
            switch frames {
            case .inline(let inline):
                resolved = inline
            case .indexes(let indexes):
                resolved = try indexes.map { index in
                    guard table.indices.contains(index) else {
                        throw DecodingError.dataCorrupted(
                            .init(
                                codingPath: codingPath,
                                debugDescription: "stack \(stackIndex) refers to frame \(index), but the profile's "
                                    + "frames table has \(table.count)"))
                    }
                    return table[index]
                }
            }
            return StackRecord(
                frames: resolved, bytesAtPeak: bytesAtPeak, allocationsAtPeak: allocationsAtPeak,
                totalBytes: totalBytes, allocationCount: allocationCount, bytesAtEnd: bytesAtEnd)
        }
    }

    /// The stacks of a profile being decoded, from its `frames` table (absent in format 1) and
    /// its `stacks`.
    static func decodeStacks(from container: KeyedDecodingContainer<CodingKeys>) throws -> [StackRecord] {
        let table = try container.decodeIfPresent([Frame].self, forKey: .frames) ?? []
        let coded = try container.decode([CodedStack].self, forKey: .stacks)
        return try coded.enumerated().map { index, stack in
            try stack.record(table: table, stackIndex: index, codingPath: container.codingPath + [CodingKeys.stacks])
        }
    }

    /// The profile in `container`, with `timeline` in place of its own (a merge does not read
    /// the timelines, which only a case's page shows).
    static func decoded(from container: KeyedDecodingContainer<CodingKeys>, timeline: [TimelineSample]) throws
        -> Profile
    {
        var profile = Profile(
            regionName: try container.decode(String.self, forKey: .regionName),
            peakBytes: try container.decode(Int64.self, forKey: .peakBytes),
            totalBytes: try container.decode(Int64.self, forKey: .totalBytes),
            allocationCount: try container.decode(Int64.self, forKey: .allocationCount),
            bytesAtEnd: try container.decode(Int64.self, forKey: .bytesAtEnd),
            peakTimeNanoseconds: try container.decode(Int64.self, forKey: .peakTimeNanoseconds),
            durationNanoseconds: try container.decode(Int64.self, forKey: .durationNanoseconds),
            completion: try container.decode(Completion.self, forKey: .completion),
            stacks: try decodeStacks(from: container),
            timeline: timeline)
        profile.unmeasuredReason = try container.decodeIfPresent(String.self, forKey: .unmeasuredReason)
        profile.captureNotices = try container.decodeIfPresent([String].self, forKey: .captureNotices)
        profile.suppressions = try container.decodeIfPresent([SuppressionEffect].self, forKey: .suppressions)
        return profile
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self = try Self.decoded(
            from: container, timeline: try container.decode([TimelineSample].self, forKey: .timeline))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(regionName, forKey: .regionName)
        try container.encode(peakBytes, forKey: .peakBytes)
        try container.encode(totalBytes, forKey: .totalBytes)
        try container.encode(allocationCount, forKey: .allocationCount)
        try container.encode(bytesAtEnd, forKey: .bytesAtEnd)
        try container.encode(peakTimeNanoseconds, forKey: .peakTimeNanoseconds)
        try container.encode(durationNanoseconds, forKey: .durationNanoseconds)
        try container.encode(completion, forKey: .completion)
        let coded = CodedStacks(stacks)
        try container.encode(coded.frames, forKey: .frames)
        try container.encode(coded.stacks, forKey: .stacks)
        try container.encode(timeline, forKey: .timeline)
        try container.encodeIfPresent(unmeasuredReason, forKey: .unmeasuredReason)
        try container.encodeIfPresent(captureNotices, forKey: .captureNotices)
        try container.encodeIfPresent(suppressions, forKey: .suppressions)
    }
}
