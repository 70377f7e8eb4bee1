import Foundation
import MemgateCore

/// Writes a results document with its cases encoded side by side: one `JSONEncoder` over a
/// merge of 50 000 cases spent seconds on one core. The output is byte for byte what one encoder
/// gives (`JSONResultsTests` compares them): each case is encoded alone with the same options
/// and indented to its depth in the document, then spliced into the document encoded without
/// cases.
enum JSONResultsWriter {
    /// Cases per encoding job: large enough that a job's overhead does not matter.
    static let casesPerJob = 256

    /// `encodeDocument` encodes the document of the suites it is given (here: without cases).
    static func render(
        _ suites: [SuiteResult], formatVersion: Int, written: [ArraySlice<UInt8>?] = [],
        encodeDocument: ([SuiteResult]) throws -> Data
    ) throws -> Data {
        let caseCount = suites.reduce(0) { $0 + $1.cases.count }
        guard caseCount > casesPerJob || !written.isEmpty else { return try encodeDocument(suites) }
        var hollow = suites
        for index in hollow.indices { hollow[index].cases = [] }
        let skeleton = [UInt8](try encodeDocument(hollow))
        // One suite's cases as they are (flattening copies each case).
        let cases = suites.count == 1 ? suites[0].cases : suites.flatMap(\.cases)
        let reused = written.count == cases.count ? written : []
        let chunks = try encodeCases(cases, skipping: reused)
        // Each suite's empty `"cases" : [ ]` (the first key of a suite, sorted) is where its cases go.
        let opening = Array("\n      \"cases\" : [".utf8)
        let separator = Array(",\n".utf8)
        let closing = Array("\n      ]".utf8)
        // Reserved whole (a merge's file is 160 MB): growing it by doubling faulted in three times
        // its size, and building Data directly spares copying it once more at the end.
        var output = Data()
        output.reserveCapacity(
            skeleton.count + chunks.reduce(0) { $0 + $1.count } + reused.reduce(0) { $0 + ($1?.count ?? 0) }
                + cases.count * 16)
        var position = 0
        var caseIndex = 0
        for suite in suites {
            guard let found = find(opening, in: skeleton, from: position),
                let close = skeleton[(found + opening.count)...].firstIndex(of: UInt8(ascii: "]"))
            else { return try encodeDocument(suites) }
            output += skeleton[position..<(found + opening.count)]
            if suite.cases.isEmpty {
                output += skeleton[(found + opening.count)...close]
            } else {
                output.append(UInt8(ascii: "\n"))
                for offset in 0..<suite.cases.count {
                    if offset > 0 { output.append(contentsOf: separator) }
                    if !reused.isEmpty, let bytes = reused[caseIndex + offset] {
                        output += bytes
                    } else {
                        appendIndented(chunks[caseIndex + offset], by: 8, to: &output)
                    }
                }
                output.append(contentsOf: closing)
            }
            caseIndex += suite.cases.count
            position = close + 1
        }
        output += skeleton[position...]
        return output
    }

    /// Every case encoded alone, in order, by jobs running side by side.
    private static func encodeCases(_ cases: [CaseResult], skipping written: [ArraySlice<UInt8>?]) throws
        -> [[UInt8]]
    {
        let jobs = (cases.count + casesPerJob - 1) / casesPerJob
        let results = EncodedChunks(count: cases.count)
        DispatchQueue.concurrentPerform(iterations: jobs) { job in
            let encoder = JSONResults.encoder()
            for index in (job * casesPerJob)..<min((job + 1) * casesPerJob, cases.count) {
                if !written.isEmpty, written[index] != nil {
                    results.set(index, .success([]))
                    continue
                }
                do { results.set(index, .success([UInt8](try encoder.encode(cases[index])))) } catch {
                    results.set(index, .failure(error))
                }
            }
        }
        return try results.values.map { try $0!.get() }
    }

    /// `text` with every line after a line break indented by `spaces`, as the encoder indents a
    /// nested value (empty lines stay empty), the first line too.
    private static func appendIndented(_ text: [UInt8], by spaces: Int, to output: inout Data) {
        let indent = [UInt8](repeating: UInt8(ascii: " "), count: spaces)
        output += indent
        var start = 0
        let newline = UInt8(ascii: "\n")
        while let end = text[start...].firstIndex(of: newline) {
            output += text[start...end]
            start = end + 1
            if start < text.count, text[start] != newline { output += indent }
        }
        output += text[start...]
    }

    /// The cases of a results file laid out as ``render`` lays it out: each case object spans
    /// from a line that is exactly `        {` to the next line exactly `        }` (strings hold no
    /// raw line breaks, and deeper values are indented further). nil when the count differs.
    static func caseBytes(in bytes: [UInt8], caseCount: Int) -> [ArraySlice<UInt8>]? {
        let opening = Array("\n        {\n".utf8)
        let closing = Array("\n        }".utf8)
        var cases: [ArraySlice<UInt8>] = []
        cases.reserveCapacity(caseCount)
        var position = 0
        while let start = find(opening, in: bytes, from: position) {
            guard let end = find(closing, in: bytes, from: start + opening.count - 1) else { return nil }
            let after = end + closing.count
            guard after < bytes.count, bytes[after] == UInt8(ascii: ",") || bytes[after] == UInt8(ascii: "\n")
            else { return nil }
            cases.append(bytes[(start + 1)..<after])
            position = after
        }
        return cases.count == caseCount ? cases : nil
    }

    /// The first index at or after `start` where `needle` occurs in `haystack`, by the C
    /// library's `memchr` and `memcmp`: a search by Swift's `firstIndex` and `elementsEqual` was
    /// 6 % of reading a merge's shards (160 MB of results at 50 x 1 000 cases).
    private static func find(_ needle: [UInt8], in haystack: [UInt8], from start: Int) -> Int? {
        guard !needle.isEmpty, start >= 0, needle.count <= haystack.count - start else { return nil }
        return haystack.withUnsafeBufferPointer { hay in
            needle.withUnsafeBufferPointer { pin in
                let base = hay.baseAddress!
                let last = hay.count - pin.count
                var index = start
                while index <= last {
                    guard let found = memchr(base + index, Int32(pin[0]), last - index + 1) else { return nil }
                    let offset = base.distance(to: found.assumingMemoryBound(to: UInt8.self))
                    if memcmp(base + offset, pin.baseAddress!, pin.count) == 0 { return offset }
                    index = offset + 1
                }
                return nil
            }
        }
    }

    /// One slot per case, filled by the jobs.
    private final class EncodedChunks: @unchecked Sendable {
        private let lock = NSLock()
        private(set) var values: [Result<[UInt8], Error>?]
        init(count: Int) { values = Array(repeating: nil, count: count) }
        func set(_ index: Int, _ value: Result<[UInt8], Error>) {
            lock.lock()
            values[index] = value
            lock.unlock()
        }
    }
}
