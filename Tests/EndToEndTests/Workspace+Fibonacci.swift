import Foundation
import MemgateCore
import Testing

extension Workspace {
    /// Copies `ci/targets/fibonacci.py` here and writes `memgate.yml` with a target per version
    /// (`list`, `generator`), each named `fibonacci-<version>` and gated at 100 KB as in
    /// ci/memgate.yml.
    func writeFibonacciSuite(_ versions: [String]) throws {
        try FileManager.default.copyItem(
            at: RepositoryLayout.root.appendingPathComponent("ci/targets/fibonacci.py"), to: path("fibonacci.py"))
        let targets = versions.map {
            """
              - name: fibonacci-\($0)
                python: fibonacci.py
                call: "fibonacci_hash_\($0)(33333, 30000, 34567)"
                limit: 100 KB
            """
        }
        try write((["version: 1", "targets:"] + targets).joined(separator: "\n") + "\n", to: "memgate.yml")
    }
}

extension SuiteResult {
    /// Checks the Fibonacci verdicts: `failing` broke its 100 KB limit with `function` as its
    /// top site, and `passing` passed.
    func expectListFailsGeneratorPasses(failing: String, topSite function: String, passing: String) throws {
        let list = try #require(self.case(failing), "\(cases.map(\.name))")
        let generator = try #require(self.case(passing), "\(cases.map(\.name))")
        #expect(list.failures.map(\.kind) == [.limitExceeded])
        #expect(list.budget.limitBytes == 102_400)
        #expect(list.topSite?.key.function == function)
        #expect(generator.status == .passed)
    }
}
