import Foundation
import Testing

@testable import MemgateCore

private let sample = Baseline(
    name: "tests/test_x.py::test_a", peakBytes: 1_048_576, totalBytes: 4_194_304, allocationCount: 1_200,
    bytesAtEnd: 0,
    sites: [
        "zeta @ src/z.py": .init(bytesAtPeak: 524_288, allocationsAtPeak: 12, line: 42),
        "alpha @ src/a.py": .init(bytesAtPeak: 1_024, allocationsAtPeak: 1, line: nil),
    ],
    environment: EnvironmentFingerprint(python: "3.11.7", libc: "glibc 2.36", arch: "x86_64"))

private let expectedJSON = """
    {
      "allocationCount" : 1200,
      "bytesAtEnd" : 0,
      "environment" : {
        "arch" : "x86_64",
        "libc" : "glibc 2.36",
        "python" : "3.11.7"
      },
      "formatVersion" : 1,
      "name" : "tests/test_x.py::test_a",
      "peakBytes" : 1048576,
      "sites" : {
        "alpha @ src/a.py" : {
          "allocationsAtPeak" : 1,
          "bytesAtPeak" : 1024
        },
        "zeta @ src/z.py" : {
          "allocationsAtPeak" : 12,
          "bytesAtPeak" : 524288,
          "line" : 42
        }
      },
      "totalBytes" : 4194304
    }

    """

private let acceptedSample: Baseline = {
    var accepted = sample
    accepted.accepted = BaselineAcceptance(
        reason: "cache the index", date: "2026-11-26",
        old: .init(peakBytes: 524_288, totalBytes: 600_000, allocationCount: 7, bytesAtEnd: 0),
        new: .init(sample))
    return accepted
}()

private func decode(_ text: String) throws -> Baseline {
    try BaselineCodec.decode(Data(text.utf8), path: "Baselines/x.json")
}

private func decodingError(_ text: String) -> BaselineError? {
    do {
        _ = try decode(text)
        return nil
    } catch {
        return error as? BaselineError
    }
}

@Suite struct GateCodecTests {
    @Test func encodesSortedPrettyUnescapedWithTrailingNewline() throws {
        let text = String(decoding: try BaselineCodec.encode(sample), as: UTF8.self)
        #expect(text == expectedJSON)
    }

    @Test func roundTripsAndReencodesByteForByte() throws {
        let first = try BaselineCodec.encode(sample)
        let decoded = try BaselineCodec.decode(first, path: "x.json")
        #expect(decoded == sample)
        #expect(try BaselineCodec.encode(decoded) == first)
        // Insertion order of sites never shows in the bytes.
        var reordered = sample
        reordered.sites = [:]
        for key in sample.sites.keys.sorted().reversed() { reordered.sites[key] = sample.sites[key] }
        #expect(try BaselineCodec.encode(reordered) == first)
    }

    @Test func aFutureFormatVersionIsRejectedByName() {
        let error = decodingError(#"{"formatVersion": 2, "whatever": true}"#)
        #expect(error == .unsupportedFormatVersion(path: "Baselines/x.json", found: 2, supported: 1))
        #expect(
            error?.description
                == "Baselines/x.json: unsupported baseline formatVersion 2 (this memgate reads version 1); "
                + "upgrade memgate, or run `memgate run --update-baselines` to rewrite it")
    }

    @Test(
        "malformed files name the key",
        arguments: [
            ("not json", "not valid JSON"),
            (#"{"name": "x"}"#, "missing key `formatVersion`"),
            (#"{"formatVersion": "1"}"#, "`formatVersion` should be a whole number"),
            (#"{"formatVersion": 1, "name": "x"}"#, "missing key `peakBytes`"),
        ])
    func malformed(text: String, detail: String) throws {
        let error = try #require(decodingError(text))
        guard case .malformed(let path, let found) = error else {
            Issue.record("expected .malformed, got \(error)")
            return
        }
        #expect(path == "Baselines/x.json")
        #expect(found.hasPrefix(detail))
        #expect(error.description.contains("A valid baseline looks like: {\"formatVersion\": 1"))
    }

    @Test func nestedKeyPathsQuoteSiteKeys() throws {
        var text = String(decoding: try BaselineCodec.encode(sample), as: UTF8.self)
        text = text.replacingOccurrences(of: "\"bytesAtPeak\" : 524288", with: "\"bytesAtPeak\" : \"big\"")
        let error = try #require(decodingError(text))
        #expect(
            error
                == .malformed(
                    path: "Baselines/x.json",
                    detail: "`sites[\"zeta @ src/z.py\"].bytesAtPeak` should be a whole number"))
    }

    @Test func negativeFiguresAreInvalid() throws {
        var text = String(decoding: try BaselineCodec.encode(sample), as: UTF8.self)
        text = text.replacingOccurrences(of: "\"peakBytes\" : 1048576", with: "\"peakBytes\" : -1")
        #expect(
            decodingError(text) == .invalidValue(path: "Baselines/x.json", key: "peakBytes", detail: "-1 is negative"))
    }

    @Test func everyCommittedBaselineStillDecodesAndReencodesByteForByte() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Baselines")
        let files = try #require(FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil))
            .compactMap { $0 as? URL }.filter { $0.pathExtension == "json" }
        #expect(files.count >= 4)
        for file in files {
            let bytes = try Data(contentsOf: file)
            let baseline = try BaselineCodec.decode(bytes, path: file.path)
            #expect(baseline.accepted == nil)
            #expect(try BaselineCodec.encode(baseline) == bytes, "\(file.path)")
        }
    }

    @Test func anAcceptanceRoundTripsWithItsReasonDateAndFigures() throws {
        let accepted = acceptedSample
        let text = String(decoding: try BaselineCodec.encode(accepted), as: UTF8.self)
        #expect(
            text.hasPrefix(
                """
                {
                  "accepted" : {
                    "date" : "2026-11-26",
                    "new" : {
                      "allocationCount" : 1200,
                      "bytesAtEnd" : 0,
                      "peakBytes" : 1048576,
                      "totalBytes" : 4194304
                    },
                    "old" : {
                      "allocationCount" : 7,
                      "bytesAtEnd" : 0,
                      "peakBytes" : 524288,
                      "totalBytes" : 600000
                    },
                    "reason" : "cache the index"
                  },
                  "allocationCount" : 1200,
                """))
        #expect(try decode(text) == accepted)
    }

    @Test(
        "an invalid acceptance is named by its key",
        arguments: [
            (#""reason" : "cache the index""#, #""reason" : " ""#, "accepted.reason", "the reason is empty"),
            (
                #""date" : "2026-11-26""#, #""date" : "26/11/2026""#, "accepted.date",
                #""26/11/2026" is not a date such as "2026-11-26""#
            ),
            (#""peakBytes" : 524288"#, #""peakBytes" : -5"#, "accepted.old.peakBytes", "-5 is negative"),
        ])
    func invalidAcceptance(original: String, replacement: String, key: String, detail: String) throws {
        let accepted = acceptedSample
        let text = String(decoding: try BaselineCodec.encode(accepted), as: UTF8.self)
            .replacingOccurrences(of: original, with: replacement)
        #expect(decodingError(text) == .invalidValue(path: "Baselines/x.json", key: key, detail: detail))
    }

    @Test func decodedExampleInTheErrorMessageIsValid() throws {
        let example = try decode(BaselineError.example)
        #expect(example.peakBytes == 1_048_576)
        #expect(example.environment.python == nil)
    }
}
