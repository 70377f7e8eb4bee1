import Foundation

/// Reads a shard's results document as `memgate merge` needs it: every case's figures, findings,
/// stacks and page path, without what only its flamegraph page shows (the profile's timeline, the
/// resident-memory timeline, how the process ended). Decoding those nested arrays and objects of
/// every case was a large part of a merge, which reuses each unchanged case's page and its bytes
/// in results.json as the shard wrote them; a case the merge must render or encode again is
/// decoded whole from its own bytes (``completeCase(_:from:)``).
///
/// Keys are the types' own `CodingKeys`, and each field is decoded as their synthesized decoders
/// decode it, so the figures are the ones a whole decoding gives.
public enum ShardResultsDecoding {
    /// A results document (`{"formatVersion": …, "suites": […]}`) with its cases' page-only
    /// fields left out: `Profile.timeline` empty, `residentTimeline` and `processEnd` nil.
    public static func decodeForMerge(_ data: Data) throws -> (formatVersion: Int, suites: [SuiteResult]) {
        let document = try JSONDecoder().decode(Document.self, from: data)
        return (document.formatVersion, document.suites.map(\.suite))
    }

    /// The case `merged` (decoded by ``decodeForMerge(_:)``, then changed by the merge: a notice
    /// added, its page's path assigned) whole, from `json`, its object as its shard's results
    /// file holds it.
    public static func completeCase(_ merged: CaseResult, from json: ArraySlice<UInt8>) throws -> CaseResult {
        var whole = try JSONDecoder().decode(CaseResult.self, from: Data(json))
        // The merge changes only these two; everything else is the shard's.
        whole.findings = merged.findings
        whole.flamegraphPath = merged.flamegraphPath
        return whole
    }

    private struct Document: Decodable {
        var formatVersion: Int
        var suites: [Suite]

        enum CodingKeys: String, CodingKey {
            case formatVersion, suites
        }
    }

    private struct Suite: Decodable {
        var suite: SuiteResult

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: SuiteResult.CodingKeys.self)
            let formatVersion = try container.decode(Int.self, forKey: .formatVersion)
            let name = try container.decode(String.self, forKey: .name)
            let cases = try container.decode([Case].self, forKey: .cases)
            suite = SuiteResult(
                name: name, cases: cases.map(\.result),
                durationSeconds: try container.decode(Double.self, forKey: .durationSeconds))
            suite.formatVersion = formatVersion
            suite.shard = try container.decodeIfPresent(ShardInfo.self, forKey: .shard)
        }
    }

    private struct Case: Decodable {
        var result: CaseResult

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CaseResult.CodingKeys.self)
            result = CaseResult(
                target: try container.decode(String.self, forKey: .target),
                name: try container.decode(String.self, forKey: .name),
                status: try container.decode(CaseResult.Status.self, forKey: .status),
                findings: try container.decode([Finding].self, forKey: .findings),
                profile: try container.decodeIfPresent(ProfileWithoutTimeline.self, forKey: .profile)?.profile,
                budget: try container.decode(Budget.self, forKey: .budget),
                tolerance: try container.decode(Tolerance.self, forKey: .tolerance),
                baseline: try container.decodeIfPresent(Baseline.self, forKey: .baseline),
                durationSeconds: try container.decode(Double.self, forKey: .durationSeconds),
                repeatPeakBytes: try container.decode([Int64].self, forKey: .repeatPeakBytes),
                flamegraphPath: try container.decodeIfPresent(String.self, forKey: .flamegraphPath),
                outputTail: try container.decode(String.self, forKey: .outputTail),
                environment: try container.decodeIfPresent(EnvironmentFingerprint.self, forKey: .environment),
                residentPeakBytes: try container.decodeIfPresent(Int64.self, forKey: .residentPeakBytes))
            result.chargedPeakBytes = try container.decodeIfPresent(Int64.self, forKey: .chargedPeakBytes)
        }
    }

    private struct ProfileWithoutTimeline: Decodable {
        var profile: Profile

        init(from decoder: any Decoder) throws {
            profile = try Profile.decoded(
                from: try decoder.container(keyedBy: Profile.CodingKeys.self), timeline: [])
        }
    }
}
