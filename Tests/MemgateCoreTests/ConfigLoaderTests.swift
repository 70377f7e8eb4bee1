import Foundation
import Testing

@testable import MemgateCore

/// `ConfigLoader` turns a valid `ci/memgate.yml` into exact values, applying defaults.
struct ConfigLoaderTests {
    static let path = "/repo/ci/memgate.yml"

    static let designExample = """
        version: 1
        baselines: Baselines          # relative to the config file; writes never leave it
        defaults:                     # apply to every target unless it overrides them
          tolerance: 5%
          noise-floor: 4 KB
          top-sites: 10
          timeout: 120s
          limit: 1 MB
          env:
            PYTHONHASHSEED: "0"
            LANG: C
          ignore: ["*/site-packages/*"]
        targets:
          - name: fibonacci-list
            python: targets/fibonacci.py
            call: "fibonacci_hash(33333, 30000, 34567)"
            limit: 100 KB
          - name: parser
            command: [".build/release/parse-bench", "--size", "1000"]
            max-allocations: 20000
            limit-leaks: 0 B
            tolerance: 10%
            timeout: 1.5m
            cwd: ../build
          - name: service-startup
            python: targets/startup.py
            interpreter: .venv/bin/python
            native: true
            ignore: ["*/ddtrace/*"]
            repeat: 3
            env: {LANG: C.UTF-8, FEATURE: "on"}
            noise-floor: 1.5 MiB
            top-sites: 20
          - name: exercises
            pytest: targets/tests
            args: ["-k", "fast"]
            limit: 2 GB
        """

    @Test func designExampleParsesToExactValuesWithDefaultsInheritedAndOverridden() throws {
        let config = try ConfigLoader.parse(yaml: Self.designExample, path: Self.path)
        #expect(config.version == 1)
        #expect(config.configPath == "/repo/ci/memgate.yml")
        #expect(config.configDirectory == "/repo/ci")
        #expect(config.baselinesDirectory == "/repo/ci/Baselines")
        #expect(config.targets.map(\.name) == ["fibonacci-list", "parser", "service-startup", "exercises"])
        let defaultEnv = ["PYTHONHASHSEED": "0", "LANG": "C"]

        let expected = [
            TargetConfig(
                name: "fibonacci-list",
                kind: .python(script: "targets/fibonacci.py", call: "fibonacci_hash(33333, 30000, 34567)"),
                limitBytes: 102_400, tolerance: Tolerance(growthFraction: 0.05, noiseFloorBytes: 4096, topSites: 10),
                timeoutSeconds: 120, env: defaultEnv, ignore: ["*/site-packages/*"], line: 14),
            TargetConfig(
                name: "parser", kind: .command(argv: [".build/release/parse-bench", "--size", "1000"]),
                limitBytes: 1_048_576, leakLimitBytes: 0, maxAllocations: 20_000,
                tolerance: Tolerance(growthFraction: 0.1, noiseFloorBytes: 4096, topSites: 10),
                timeoutSeconds: 90, env: defaultEnv, cwd: "/repo/build", ignore: ["*/site-packages/*"], line: 18),
            TargetConfig(
                name: "service-startup", kind: .python(script: "targets/startup.py", call: nil),
                limitBytes: 1_048_576,
                tolerance: Tolerance(growthFraction: 0.05, noiseFloorBytes: 1_572_864, topSites: 20),
                timeoutSeconds: 120, env: ["PYTHONHASHSEED": "0", "LANG": "C.UTF-8", "FEATURE": "on"],
                interpreter: ".venv/bin/python", native: true, ignore: ["*/ddtrace/*"], repeatCount: 3, line: 25),
            TargetConfig(
                name: "exercises", kind: .pytest(path: "targets/tests", args: ["-k", "fast"]),
                limitBytes: 2_147_483_648, tolerance: Tolerance(), timeoutSeconds: 120, env: defaultEnv,
                ignore: ["*/site-packages/*"], line: 34),
        ]
        #expect(config.targets.count == expected.count)
        for (actual, wanted) in zip(config.targets, expected) {
            #expect(actual == wanted)
        }
        #expect(config.targets[1].budget == Budget(limitBytes: 1_048_576, leakLimitBytes: 0, maxAllocations: 20_000))
    }

    @Test func builtInDefaultsApplyWhenNothingIsWritten() throws {
        let yaml = "version: 1\ntargets:\n  - name: app\n    python: app.py\n"
        let config = try ConfigLoader.parse(yaml: yaml, path: Self.path)
        let target = try #require(config.targets.first)
        #expect(config.baselinesDirectory == "/repo/ci/Baselines")
        #expect(target.kind == .python(script: "app.py", call: nil))
        #expect(target.tolerance == Tolerance(growthFraction: 0.05, noiseFloorBytes: 4096, topSites: 10))
        #expect(target.timeoutSeconds == 120)
        #expect(target.repeatCount == 1)
        #expect(target.native == false)
        #expect(target.env == [:])
        #expect(target.ignore == [])
        #expect(target.cwd == nil)
        #expect(target.interpreter == nil)
        #expect(target.budget == Budget())
        #expect(target.ratchet == false)
        #expect(target.line == 3)
    }

    @Test func targetOverridesEveryDefault() throws {
        let yaml = """
            version: 1
            defaults:
              tolerance: 0.02
              noise-floor: 1 KB
              top-sites: 5
              timeout: 30
              limit: 1 MB
              limit-leaks: 10 KB
              max-allocations: 1_000
              env: {A: "1", B: "2"}
              interpreter: python3.12
              native: true
              ignore: ["*/x/*"]
              repeat: 2
              ratchet: true
            targets:
              - name: inherits
                pytest: tests
              - name: overrides
                pytest: tests
                tolerance: 50%
                noise-floor: 0
                top-sites: 1
                timeout: 500ms
                limit: 2 MB
                limit-leaks: 0 B
                max-allocations: 7
                env: {B: "", C: "3"}
                interpreter: /usr/bin/python3
                native: false
                ignore: []
                repeat: 5
                ratchet: false
            """
        let config = try ConfigLoader.parse(yaml: yaml, path: Self.path)
        #expect(
            config.targets[0]
                == TargetConfig(
                    name: "inherits", kind: .pytest(path: "tests", args: []), limitBytes: 1_048_576,
                    leakLimitBytes: 10_240, maxAllocations: 1000,
                    tolerance: Tolerance(growthFraction: 0.02, noiseFloorBytes: 1024, topSites: 5),
                    timeoutSeconds: 30, env: ["A": "1", "B": "2"], interpreter: "python3.12", native: true,
                    ignore: ["*/x/*"], repeatCount: 2, ratchet: true, line: 17))
        #expect(
            config.targets[1]
                == TargetConfig(
                    name: "overrides", kind: .pytest(path: "tests", args: []), limitBytes: 2_097_152,
                    leakLimitBytes: 0, maxAllocations: 7,
                    tolerance: Tolerance(growthFraction: 0.5, noiseFloorBytes: 0, topSites: 1),
                    timeoutSeconds: 0.5, env: ["A": "1", "B": "", "C": "3"], interpreter: "/usr/bin/python3",
                    native: false, ignore: [], repeatCount: 5, ratchet: false, line: 19))
    }

    /// `oom-limit` is inherited from `defaults` and overridden per target, in bytes (KB = 1024 B).
    @Test func oomLimitIsReadFromDefaultsAndTargets() throws {
        let yaml = """
            version: 1
            defaults:
              oom-limit: 512 MB
            targets:
              - {name: inherits, command: [app]}
              - {name: overrides, command: [app], oom-limit: 64 MB}
            """
        let config = try ConfigLoader.parse(yaml: yaml, path: Self.path)
        #expect(config.targets.map(\.outOfMemoryLimitBytes) == [536_870_912, 67_108_864])
    }

    @Test(arguments: [
        ("Baselines", "/repo/ci/Baselines"),
        ("../Baselines", "/repo/Baselines"),
        ("./perf/../memory/", "/repo/ci/memory"),
        (".", "/repo/ci"),
        ("..", "/repo"),
    ])
    func baselinesResolveAgainstTheConfigDirectory(written: String, resolved: String) throws {
        let yaml = "version: 1\nbaselines: \(written)\ntargets: [{name: a, python: a.py}]\n"
        #expect(try ConfigLoader.parse(yaml: yaml, path: Self.path).baselinesDirectory == resolved)
    }

    @Test func relativeConfigPathResolvesAgainstTheWorkingDirectory() throws {
        let yaml = "version: 1\ntargets: [{name: a, python: a.py, cwd: work}]\n"
        let config = try ConfigLoader.parse(yaml: yaml, path: "ci/memgate.yml")
        let workingDirectory = FileManager.default.currentDirectoryPath
        #expect(config.configPath == "ci/memgate.yml")
        #expect(config.configDirectory == ConfigPath.normalize(workingDirectory + "/ci"))
        #expect(config.baselinesDirectory == ConfigPath.normalize(workingDirectory + "/ci/Baselines"))
        #expect(config.targets[0].cwd == ConfigPath.normalize(workingDirectory + "/ci/work"))
    }

    @Test func anchorsAndAliasesAreResolved() throws {
        let yaml = """
            version: 1
            targets:
              - name: a
                command: &argv [bench, --fast]
              - name: b
                command: *argv
            """
        let config = try ConfigLoader.parse(yaml: yaml, path: Self.path)
        #expect(config.targets[1].kind == .command(argv: ["bench", "--fast"]))
    }

    @Test func loadReadsTheFileFromDisk() throws {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("memgate-config-\(UInt64.random(in: 0...UInt64.max))")
        let ciDirectory = directory.appendingPathComponent("ci")
        try FileManager.default.createDirectory(at: ciDirectory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = ciDirectory.appendingPathComponent("memgate.yml")
        try Self.designExample.write(to: file, atomically: true, encoding: .utf8)

        let config = try ConfigLoader.load(path: file.path)
        #expect(config.configPath == file.path)
        #expect(config.configDirectory == ConfigPath.normalize(ciDirectory.path))
        #expect(config.baselinesDirectory == ConfigPath.normalize(ciDirectory.path + "/Baselines"))
        #expect(config.targets.count == 4)
    }

    @Test func unreadableFileIsAnErrorAtLineZero() {
        let missing = "/nonexistent-memgate-dir/memgate.yml"
        #expect(
            throws: ConfigError(
                file: missing, line: 0, column: 0, keyPath: "",
                message: "cannot read the config file: no such file")
        ) { try ConfigLoader.load(path: missing) }
        #expect(
            ConfigError(
                file: missing, line: 0, column: 0, keyPath: "", message: "cannot read the config file: no such file"
            )
            .description == "/nonexistent-memgate-dir/memgate.yml: cannot read the config file: no such file")
        let directory = FileManager.default.temporaryDirectory.path
        #expect(
            throws: ConfigError(
                file: directory, line: 0, column: 0, keyPath: "",
                message: "cannot read the config file: it is a directory, expected a YAML file")
        ) {
            try ConfigLoader.load(path: directory)
        }
    }
}
