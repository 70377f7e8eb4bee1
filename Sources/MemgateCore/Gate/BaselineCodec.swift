import Foundation

/// Reads and writes the `Baselines/*.json` format: deterministic JSON (sorted keys, pretty
/// printed, unescaped slashes, trailing newline) so a baseline change reads well in review.
public enum BaselineCodec {
    /// Encodes a baseline; equal baselines always give identical bytes.
    public static func encode(_ baseline: Baseline) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        var data = try encoder.encode(baseline)
        data.append(0x0A)
        return data
    }

    /// Decodes a baseline, checking its format version and figures.
    ///
    /// - Parameter path: where the bytes came from, for error messages.
    /// - Throws: `BaselineError` naming the path and the offending key.
    public static func decode(_ data: Data, path: String) throws -> Baseline {
        let decoder = JSONDecoder()
        // Version first, so a future format is reported as such rather than as a missing key.
        let probe: VersionProbe
        do {
            probe = try decoder.decode(VersionProbe.self, from: data)
        } catch {
            throw decodingFailure(error, data: data, path: path)
        }
        guard let version = probe.formatVersion else {
            throw BaselineError.malformed(path: path, detail: "missing key `formatVersion`")
        }
        guard version == Baseline.currentFormatVersion else {
            throw BaselineError.unsupportedFormatVersion(
                path: path, found: version, supported: Baseline.currentFormatVersion)
        }
        let baseline: Baseline
        do {
            baseline = try decoder.decode(Baseline.self, from: data)
        } catch {
            throw decodingFailure(error, data: data, path: path)
        }
        try validate(baseline, path: path)
        return baseline
    }

    /// The error for bytes JSONDecoder rejected: a number out of range is named as such (JSONDecoder
    /// calls it "not valid JSON"), anything else explained with its key path.
    private static func decodingFailure(_ error: Error, data: Data, path: String) -> BaselineError {
        if let (key, number) = numberOutOfRange(in: data) {
            return .invalidValue(
                path: path, key: key, detail: "\(number) is out of range (a whole number of at most 19 digits)")
        }
        return .malformed(path: path, detail: explain(error))
    }

    /// The key path and text of the first number that is not a whole number in Int64's range
    /// (every figure of a baseline is one), when the file is otherwise valid JSON. JSONDecoder
    /// reports such a number as "not valid JSON", which sends people looking for a syntax error.
    static func numberOutOfRange(in data: Data) -> (key: String, number: String)? {
        guard let root = try? JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed]) else {
            return nil
        }
        func walk(_ value: Any, _ path: [String]) -> (String, String)? {
            switch value {
            case let object as [String: Any]:
                for key in object.keys.sorted() {
                    if let found = walk(object[key] as Any, path + [key]) { return found }
                }
            case let array as [Any]:
                for (index, item) in array.enumerated() {
                    if let found = walk(item, path + ["[\(index)]"]) { return found }
                }
            case is Bool, is String:
                break
            case let number as NSNumber:
                // Figures are written as plain integers; anything else (1e30, 2^64) is out of range.
                if Int64("\(number)") == nil { return (keyPath(path), "\(number)") }
            default: break
            }
            return nil
        }
        return walk(root, [])
    }

    private static func keyPath(_ components: [String]) -> String {
        var text = ""
        for component in components {
            if component.hasPrefix("[") {
                text += component
            } else if isIdentifier(component) {
                text += text.isEmpty ? component : ".\(component)"
            } else {
                text += render(component)
            }
        }
        return text
    }

    private struct VersionProbe: Decodable {
        var formatVersion: Int?
    }

    private static func validate(_ baseline: Baseline, path: String) throws {
        let figures: [(String, Int64)] = [
            ("peakBytes", baseline.peakBytes), ("totalBytes", baseline.totalBytes),
            ("allocationCount", baseline.allocationCount), ("bytesAtEnd", baseline.bytesAtEnd),
        ]
        for (key, value) in figures where value < 0 {
            throw BaselineError.invalidValue(path: path, key: key, detail: "\(value) is negative")
        }
        if let accepted = baseline.accepted { try validate(accepted, path: path) }
        for key in baseline.sites.keys.sorted() {
            guard let site = baseline.sites[key] else { continue }
            if site.bytesAtPeak < 0 {
                throw BaselineError.invalidValue(
                    path: path, key: "sites\(render(key)).bytesAtPeak", detail: "\(site.bytesAtPeak) is negative")
            }
            if site.allocationsAtPeak < 0 {
                throw BaselineError.invalidValue(
                    path: path, key: "sites\(render(key)).allocationsAtPeak",
                    detail: "\(site.allocationsAtPeak) is negative")
            }
        }
    }

    /// An acceptance needs its reason, a `YYYY-MM-DD` date and figures that are not negative.
    private static func validate(_ accepted: BaselineAcceptance, path: String) throws {
        if accepted.reason.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            throw BaselineError.invalidValue(path: path, key: "accepted.reason", detail: "the reason is empty")
        }
        let digits = accepted.date.unicodeScalars.filter { ("0"..."9").contains($0) }.count
        let dashes = accepted.date.split(separator: "-", omittingEmptySubsequences: false).map(\.count)
        if digits != 8 || dashes != [4, 2, 2] {
            throw BaselineError.invalidValue(
                path: path, key: "accepted.date", detail: "\"\(accepted.date)\" is not a date such as \"2026-11-26\"")
        }
        let sides = [("old", accepted.old), ("new", Optional(accepted.new))]
        for case let (side, figures?) in sides {
            let values = [
                ("peakBytes", figures.peakBytes), ("totalBytes", figures.totalBytes),
                ("allocationCount", figures.allocationCount), ("bytesAtEnd", figures.bytesAtEnd),
            ]
            for (key, value) in values where value < 0 {
                throw BaselineError.invalidValue(
                    path: path, key: "accepted.\(side).\(key)", detail: "\(value) is negative")
            }
        }
    }

    /// One phrase for a decoding error, with the key path where it happened.
    static func explain(_ error: Error) -> String {
        guard let error = error as? DecodingError else { return "\(error)" }
        switch error {
        case .keyNotFound(let key, let context):
            return "missing key `\(keyPath(context.codingPath + [key]))`"
        case .typeMismatch(let type, let context):
            return "`\(keyPath(context.codingPath))` should be \(typeName(type))"
        case .valueNotFound(let type, let context):
            return "`\(keyPath(context.codingPath))` is null but should be \(typeName(type))"
        case .dataCorrupted(let context):
            if context.codingPath.isEmpty { return "not valid JSON (\(context.debugDescription))" }
            return "`\(keyPath(context.codingPath))`: \(context.debugDescription)"
        @unknown default:
            return "\(error)"
        }
    }

    /// `sites["build @ fib.py"].bytesAtPeak`: site keys contain spaces and dots, so they are quoted.
    static func keyPath(_ path: [CodingKey]) -> String {
        var text = ""
        for key in path {
            if let index = key.intValue, key.stringValue == "\(index)" || key.stringValue.hasPrefix("Index ") {
                text += "[\(index)]"
            } else if isIdentifier(key.stringValue) {
                text += text.isEmpty ? key.stringValue : ".\(key.stringValue)"
            } else {
                text += render(key.stringValue)
            }
        }
        return text.isEmpty ? "(top level)" : text
    }

    private static func render(_ key: String) -> String {
        "[\"\(key.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\""))\"]"
    }

    private static func isIdentifier(_ text: String) -> Bool {
        guard let first = text.unicodeScalars.first, !("0"..."9").contains(first) else { return false }
        return text.unicodeScalars.allSatisfy {
            ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0) || $0 == "_"
        }
    }

    private static func typeName(_ type: Any.Type) -> String {
        switch type {
        case is Int.Type, is Int64.Type, is Int32.Type: return "a whole number"
        case is Double.Type: return "a number"
        case is String.Type: return "a string"
        case is Bool.Type: return "true or false"
        default:
            let name = "\(type)"
            if name.hasPrefix("Dictionary") || name.hasPrefix("Baseline") || name.hasPrefix("Environment") {
                return "an object"
            }
            if name.hasPrefix("Array") { return "an array" }
            return name
        }
    }
}
