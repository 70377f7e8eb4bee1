import Foundation
import MemgateCore

/// Every baseline of the selected targets, read and validated before any target starts, so an
/// invalid file stops the run (exit 2) with nothing run or written.
public struct LoadedBaselines: Sendable {
    /// Baselines by the standardized path of their file.
    var byPath: [String: Baseline] = [:]
    let store: BaselineStore

    /// The committed baseline of a case, nil when none has been recorded.
    public func baseline(target: String, caseName: String?) throws -> Baseline? {
        byPath[try store.url(forTarget: target, caseName: caseName).path]
    }
}

/// Every problem found while preloading baselines, one line each.
public struct BaselineLoadErrors: Error, CustomStringConvertible {
    public var errors: [String]
    public var description: String { errors.joined(separator: "\n") }
}

extension BaselineStore {
    /// Reads `<directory>/<target>.json` and every `<directory>/<target>/*.json` of `targets`.
    ///
    /// - Throws: `BaselineLoadErrors` listing every file that cannot be read, decoded or placed.
    public func loadAll(targets: [String]) throws -> LoadedBaselines {
        var loaded = LoadedBaselines(store: self)
        var errors: [String] = []
        for target in targets {
            do {
                if let baseline = try load(target: target, caseName: nil) {
                    loaded.byPath[try url(forTarget: target, caseName: nil).path] = baseline
                }
                let caseDirectory = directory.appendingPathComponent(target, isDirectory: true)
                let names = (try? FileManager.default.contentsOfDirectory(atPath: caseDirectory.path)) ?? []
                for name in names.sorted() where name.hasSuffix(".json") && !name.hasPrefix(".") {
                    let file = caseDirectory.appendingPathComponent(name).standardizedFileURL
                    do {
                        loaded.byPath[file.path] = try load(file: file)
                    } catch {
                        errors.append("\(error)")
                    }
                }
            } catch {
                errors.append("\(error)")
            }
        }
        guard errors.isEmpty else { throw BaselineLoadErrors(errors: errors) }
        return loaded
    }
}
