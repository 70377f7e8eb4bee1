import Foundation
import MemgateCore

/// The machine-readable results file (`memgate-results.json`), documented in
/// `docs/results-format.md`:
///
/// ```json
/// { "formatVersion": 1, "suites": [ SuiteResult, … ] }
/// ```
///
/// Keys are sorted and the output is indented, so two runs with equal results give equal
/// bytes. Shards merge by concatenating the cases of equally named suites (`merge(_:)`).
public enum JSONResults {
    /// Version of the top-level document, the same as each suite's; bump on an incompatible change.
    public static let formatVersion = SuiteResult.currentFormatVersion

    /// The top-level object of a results file.
    private struct Document: Codable {
        var formatVersion: Int
        var suites: [SuiteResult]

        enum CodingKeys: String, CodingKey {
            case formatVersion, suites
        }
    }

    /// Encodes `suites` as a results document: pretty-printed, keys sorted, slashes unescaped.
    /// - Throws: `EncodingError` when a figure cannot be represented (a non-finite duration).
    public static func render(_ suites: [SuiteResult]) throws -> Data {
        var data = try JSONResultsWriter.render(
            suites, formatVersion: formatVersion,
            encodeDocument: { try encoder().encode(Document(formatVersion: formatVersion, suites: $0)) })
        data.append(UInt8(ascii: "\n"))
        return data
    }

    /// Encodes `suites` as ``render(_:)`` does, taking each case whose `written` entry is not nil
    /// as those bytes instead of encoding it: the case as a results file of this format already
    /// holds it (an object at the depth of a case, indented as the encoder indents it).
    /// `written` runs over the cases of all suites in order.
    public static func render(_ suites: [SuiteResult], written: [ArraySlice<UInt8>?]) throws -> Data {
        var data = try JSONResultsWriter.render(
            suites, formatVersion: formatVersion, written: written,
            encodeDocument: { try encoder().encode(Document(formatVersion: formatVersion, suites: $0)) })
        data.append(UInt8(ascii: "\n"))
        return data
    }

    /// Each case's bytes in `data`, a results file as ``render(_:)`` writes it, in order; nil when
    /// the file is not laid out so (another writer's indentation), or holds another number of
    /// cases than `caseCount`.
    public static func caseBytes(in data: Data, caseCount: Int) -> [ArraySlice<UInt8>]? {
        JSONResultsWriter.caseBytes(in: [UInt8](data), caseCount: caseCount)
    }

    /// The bytes `JSONEncoder` gives `suites` as one document, encoded in one piece (for tests to
    /// compare `render` with).
    static func renderWhole(_ suites: [SuiteResult]) throws -> Data {
        var data = try encoder().encode(Document(formatVersion: formatVersion, suites: suites))
        data.append(UInt8(ascii: "\n"))
        return data
    }

    /// The results file's encoder: pretty-printed, keys sorted, slashes unescaped.
    static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return encoder
    }

    /// Reads a results document, or a bare array of suites (what a tool concatenating shards
    /// with `jq -s` produces).
    /// - Throws: `DecodingError`, also when the document is newer than this version reads.
    public static func decode(_ data: Data) throws -> [SuiteResult] {
        let decoder = JSONDecoder()
        if let suites = try? decoder.decode([SuiteResult].self, from: data) {
            try checkVersions(suites.map(\.formatVersion), of: "suite")
            return suites
        }
        let document = try decoder.decode(Document.self, from: data)
        try checkVersions([document.formatVersion] + document.suites.map(\.formatVersion), of: "results file")
        return document.suites
    }

    /// Merges shards: suites with the same name become one suite whose cases are the shards'
    /// cases concatenated in input order, and whose duration is the longest shard's (shards
    /// run side by side). Suites keep the order in which their names first appear.
    public static func merge(_ suites: [SuiteResult]) -> [SuiteResult] {
        var merged: [SuiteResult] = []
        var indexByName: [String: Int] = [:]
        for suite in suites {
            if let index = indexByName[suite.name] {
                merged[index].cases += suite.cases
                merged[index].durationSeconds = max(merged[index].durationSeconds, suite.durationSeconds)
            } else {
                indexByName[suite.name] = merged.count
                merged.append(SuiteResult(name: suite.name, cases: suite.cases, durationSeconds: suite.durationSeconds))
            }
        }
        return merged
    }

    private static func checkVersions(_ versions: [Int], of what: String) throws {
        guard let newest = versions.max(), newest > formatVersion else { return }
        throw DecodingError.dataCorrupted(
            .init(
                codingPath: [],
                debugDescription: "\(what) has formatVersion \(newest), but this memgate reads up to "
                    + "\(formatVersion); upgrade memgate to read it"
            )
        )
    }
}
