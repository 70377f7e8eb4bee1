import Foundation
import MemgateCore

/// The standard profile formats one case's measurement can be exported to (`memgate report
/// --pprof/--speedscope`, `memgate run --export`).
public enum ProfileExport: String, CaseIterable, Sendable {
    /// gzipped pprof profile.proto: `PprofExport`.
    case pprof
    /// speedscope JSON: `SpeedscopeExport`.
    case speedscope

    /// The file name's ending.
    public var fileExtension: String {
        switch self {
        case .pprof: return "pb.gz"
        case .speedscope: return "speedscope.json"
        }
    }

    /// The whole file for `profile`.
    public func render(_ profile: Profile) throws -> Data {
        switch self {
        case .pprof: return try PprofExport.render(profile)
        case .speedscope: return try SpeedscopeExport.render(profile)
        }
    }

    /// Where a case's export goes, relative to the artifacts directory, named as its flamegraph:
    /// `profiles/<target>.pb.gz`, `profiles/<target>/<case>.pb.gz` for a pytest test.
    public func path(of result: CaseResult) -> String {
        let page = ReportFormat.flamegraphPath(of: result)
        let stem = page.dropFirst("flamegraphs/".count).dropLast(".html".count)
        return "profiles/\(stem).\(fileExtension)"
    }
}
