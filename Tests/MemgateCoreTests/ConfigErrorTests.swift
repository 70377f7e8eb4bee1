import Testing

@testable import MemgateCore

/// Every config mistake names the file, the exact line and column, the key path, and what to do.
struct ConfigErrorTests {
    /// One bad config and the exact error it must produce.
    struct Case: Sendable, CustomTestStringConvertible {
        let name: String
        let yaml: String
        let line: Int
        let column: Int
        let keyPath: String
        let description: String
        var testDescription: String { name }
    }

    static let path = "ci/memgate.yml"
    static let head = "version: 1\ntargets:\n  - name: a\n    python: a.py\n"

    static let cases: [Case] = [
        Case(
            name: "unknown key with a suggestion", yaml: head + "    limt: 1 KB\n", line: 5, column: 5,
            keyPath: "targets[0].limt",
            description: "ci/memgate.yml:5:5: targets[0].limt: unknown key 'limt'; did you mean 'limit'?"),
        Case(
            name: "snake case key", yaml: head + "    noise_floor: 1 KB\n", line: 5, column: 5,
            keyPath: "targets[0].noise_floor",
            description:
                "ci/memgate.yml:5:5: targets[0].noise_floor: unknown key 'noise_floor'; did you mean 'noise-floor'?"),
        Case(
            name: "unknown top-level key", yaml: "version: 1\ntarget: []\n", line: 2, column: 1, keyPath: "target",
            description: "ci/memgate.yml:2:1: target: unknown key 'target'; did you mean 'targets'?"),
        Case(
            name: "unknown key far from any valid one", yaml: head + "    colour: red\n", line: 5, column: 5,
            keyPath: "targets[0].colour",
            description: "ci/memgate.yml:5:5: targets[0].colour: unknown key 'colour' (valid keys: name, python, "
                + "call, command, pytest, args, cwd, tolerance, noise-floor, top-sites, timeout, limit, "
                + "limit-leaks, max-allocations, env, interpreter, native, ignore, repeat, children, ratchet, suppressions, limit-rss, rss-tolerance, oom-limit)"
        ),
        Case(
            name: "wrong type for limit", yaml: head + "    limit: [1]\n", line: 5, column: 12,
            keyPath: "targets[0].limit",
            description:
                "ci/memgate.yml:5:12: targets[0].limit: expected a size such as \"100 KB\" or \"1.5 MiB\", found a list"
        ),
        Case(
            name: "bad unit", yaml: head + "    limit: 100 KQ\n", line: 5, column: 12, keyPath: "targets[0].limit",
            description: "ci/memgate.yml:5:12: targets[0].limit: invalid size \"100 KQ\": unknown unit \"KQ\"; "
                + "expected a size such as \"100 KB\" or \"1.5 MiB\" (units: B, KB, MB, GB, TB, KiB, MiB, GiB, TiB; "
                + "a bare number is bytes)"),
        Case(
            name: "bad duration", yaml: head + "    timeout: 5 minutes\n", line: 5, column: 14,
            keyPath: "targets[0].timeout",
            description: "ci/memgate.yml:5:14: targets[0].timeout: invalid duration \"5 minutes\": unknown unit "
                + "\"minutes\"; expected a duration such as \"120s\", \"2m\" or \"500ms\" (units: ms, s, m, h; a bare "
                + "number is seconds)"),
        Case(
            name: "zero timeout", yaml: head + "    timeout: 0s\n", line: 5, column: 14, keyPath: "targets[0].timeout",
            description: "ci/memgate.yml:5:14: targets[0].timeout: a timeout of 0s would stop every run at once; "
                + "expected a duration such as \"120s\", \"2m\" or \"500ms\""),
        Case(
            name: "tolerance without percent sign", yaml: head + "    tolerance: 5\n", line: 5, column: 16,
            keyPath: "targets[0].tolerance",
            description: "ci/memgate.yml:5:16: targets[0].tolerance: tolerance 5 is a fraction, i.e. 500 % growth; "
                + "write percentages with '%'; did you mean '5%'?"),
        Case(
            name: "top-sites zero", yaml: head + "    top-sites: 0\n", line: 5, column: 16,
            keyPath: "targets[0].top-sites",
            description: "ci/memgate.yml:5:16: targets[0].top-sites: expected a count of at least 1 such as 10, found 0"
        ),
        Case(
            name: "negative max-allocations", yaml: head + "    max-allocations: -1\n", line: 5, column: 22,
            keyPath: "targets[0].max-allocations",
            description: "ci/memgate.yml:5:22: targets[0].max-allocations: expected a count such as 20000, found \"-1\""
        ),
        Case(
            name: "native not a bool", yaml: head + "    native: maybe\n", line: 5, column: 13,
            keyPath: "targets[0].native",
            description: "ci/memgate.yml:5:13: targets[0].native: expected true or false, found \"maybe\""),
        Case(
            name: "ratchet not a bool", yaml: "version: 1\ndefaults:\n  ratchet: always\n" + String(head.dropFirst(11)),
            line: 3, column: 12, keyPath: "defaults.ratchet",
            description: "ci/memgate.yml:3:12: defaults.ratchet: expected true or false, found \"always\""),
        Case(
            name: "limit-rss on a pytest target",
            yaml: "version: 1\ndefaults:\n  limit-rss: 1 GB\ntargets:\n  - name: t\n    pytest: tests\n", line: 5,
            column: 5, keyPath: "targets[0]",
            description:
                "ci/memgate.yml:5:5: targets[0]: limit-rss (ci/memgate.yml:3) holds a whole process tree, but a "
                + "pytest target's tests share one process; set it on python: or command: targets only"),
        Case(
            name: "duplicate target name points at the second",
            yaml: head + "  - name: b\n    python: b.py\n  - name: a\n    pytest: tests\n", line: 7, column: 11,
            keyPath: "targets[2].name",
            description: "ci/memgate.yml:7:11: targets[2].name: duplicate target name 'a'; the first is on line 3"),
        Case(
            name: "target names differing only in case", yaml: head + "  - name: A\n    python: b.py\n", line: 5,
            column: 11, keyPath: "targets[1].name",
            description: "ci/memgate.yml:5:11: targets[1].name: target name 'A' differs from 'a' on line 3 only in "
                + "case; their baseline files would collide"),
        Case(
            name: "unsafe name", yaml: "version: 1\ntargets:\n  - name: ../x\n    python: a.py\n", line: 3, column: 11,
            keyPath: "targets[0].name",
            description: "ci/memgate.yml:3:11: targets[0].name: target name '../x' may only contain letters, digits, "
                + "'.', '_' and '-' because it names the baseline file"),
        Case(
            name: "hidden name", yaml: "version: 1\ntargets:\n  - name: .hidden\n    python: a.py\n", line: 3,
            column: 11, keyPath: "targets[0].name",
            description: "ci/memgate.yml:3:11: targets[0].name: target name '.hidden' must not start with '.' "
                + "because it names the baseline file"),
        Case(
            name: "missing name", yaml: "version: 1\ntargets:\n  - python: a.py\n", line: 3, column: 5,
            keyPath: "targets[0]",
            description: "ci/memgate.yml:3:5: targets[0]: missing required key 'name'; add e.g. \"name: parser\" "
                + "(it names the baseline file)"),
        Case(
            name: "missing target kind", yaml: "version: 1\ntargets:\n  - name: a\n    limit: 1 KB\n", line: 3,
            column: 5, keyPath: "targets[0]",
            description: "ci/memgate.yml:3:5: targets[0]: missing what to run; add one of \"python: script.py\", "
                + "\"command: [program, arg]\" or \"pytest: tests\""),
        Case(
            name: "two kinds", yaml: head + "    command: [x]\n", line: 5, column: 5, keyPath: "targets[0].command",
            description: "ci/memgate.yml:5:5: targets[0].command: 'command' cannot be combined with 'python' on "
                + "line 4; a target has exactly one of 'python', 'command' or 'pytest'"),
        Case(
            name: "call without python", yaml: "version: 1\ntargets:\n  - name: a\n    command: [x]\n    call: f()\n",
            line: 5, column: 5, keyPath: "targets[0].call",
            description: "ci/memgate.yml:5:5: targets[0].call: 'call' is only allowed with 'python', not with 'command'"
        ),
        Case(
            name: "args without pytest", yaml: head + "    args: [x]\n", line: 5, column: 5, keyPath: "targets[0].args",
            description: "ci/memgate.yml:5:5: targets[0].args: 'args' is only allowed with 'pytest', not with 'python'"),
        Case(
            name: "empty command", yaml: "version: 1\ntargets:\n  - name: a\n    command: []\n", line: 4, column: 14,
            keyPath: "targets[0].command",
            description: "ci/memgate.yml:4:14: targets[0].command: expected a program and its arguments such as "
                + "[\".build/release/bench\", \"--size\", \"1000\"], found an empty list"),
        Case(
            name: "duplicate mapping key points at the second",
            yaml: head + "    limit: 1 KB\n    limit: 2 KB\n", line: 6, column: 5, keyPath: "targets[0].limit",
            description: "ci/memgate.yml:6:5: targets[0].limit: duplicate key 'limit'; the first is on line 5"),
        Case(
            name: "duplicate top-level key", yaml: "version: 1\nversion: 1\ntargets: []\n", line: 2, column: 1,
            keyPath: "version",
            description: "ci/memgate.yml:2:1: version: duplicate key 'version'; the first is on line 1"),
        Case(
            name: "duplicate key in a flow mapping", yaml: head + "    env: {A: 1, A: 2}\n", line: 5, column: 17,
            keyPath: "targets[0].env.A",
            description: "ci/memgate.yml:5:17: targets[0].env.A: duplicate key 'A'; the first is on line 5"),
        Case(
            name: "key written three times, first quoted",
            yaml: head + "    \"limit\": 1 KB\n    limit: 2 KB\n    limit: 3 KB\n", line: 6, column: 5,
            keyPath: "targets[0].limit",
            description: "ci/memgate.yml:6:5: targets[0].limit: duplicate key 'limit'; the first is on line 5"),
        Case(
            name: "malformed YAML", yaml: head + "    ignore: [a\n", line: 6, column: 1, keyPath: "",
            description: "ci/memgate.yml:6:1: invalid YAML: did not find expected ',' or ']' (while parsing a flow "
                + "sequence starting at line 5, column 13)"),
        Case(
            name: "bad indentation", yaml: "version: 1\ntargets:\n  - name: a\n   python: a.py\n", line: 4, column: 4,
            keyPath: "",
            description: "ci/memgate.yml:4:4: invalid YAML: did not find expected '-' indicator (while parsing a "
                + "block collection starting at line 3, column 3)"),
        Case(
            name: "tab indentation", yaml: "version: 1\ntargets:\n\t- name: a\n", line: 3, column: 1, keyPath: "",
            description: "ci/memgate.yml:3:1: invalid YAML: found character that cannot start any token (while "
                + "scanning for the next token starting at line 3, column 1)"),
        Case(
            name: "unsupported version", yaml: "version: 2\ntargets: []\n", line: 1, column: 10, keyPath: "version",
            description: "ci/memgate.yml:1:10: version: unsupported version 2; this memgate reads version 1"),
        Case(
            name: "missing version", yaml: "targets: []\n", line: 1, column: 1, keyPath: "",
            description: "ci/memgate.yml:1:1: missing required key 'version'; add \"version: 1\" as the first line"),
        Case(
            name: "empty targets", yaml: "version: 1\ntargets: []\n", line: 2, column: 10, keyPath: "targets",
            description: "ci/memgate.yml:2:10: targets: expected a non-empty list of targets such as "
                + "\"[{name: app, python: app.py}]\", found an empty list"),
        Case(
            name: "missing targets", yaml: "version: 1\n", line: 1, column: 1, keyPath: "",
            description: "ci/memgate.yml:1:1: missing required key 'targets'; add a list such as "
                + "\"targets: [{name: app, python: app.py}]\""),
        Case(
            name: "target-only key in defaults", yaml: "version: 1\ndefaults:\n  cwd: x\ntargets: []\n", line: 3,
            column: 3, keyPath: "defaults.cwd",
            description:
                "ci/memgate.yml:3:3: defaults.cwd: 'cwd' is not allowed in defaults: it can only be set on a target"),
        Case(
            name: "absolute baselines", yaml: "version: 1\nbaselines: /abs\ntargets: []\n", line: 2, column: 12,
            keyPath: "baselines",
            description: "ci/memgate.yml:2:12: baselines: baselines must be relative to the config file, found the "
                + "absolute path '/abs'"),
        Case(
            name: "empty document", yaml: "# nothing yet\n", line: 1, column: 1, keyPath: "",
            description: "ci/memgate.yml:1:1: the config is empty; expected \"version: 1\" followed by \"targets:\""),
        Case(
            name: "document is a list", yaml: "- a\n- b\n", line: 1, column: 1, keyPath: "",
            description: "ci/memgate.yml:1:1: expected the config as a mapping such as \"version: 1\" followed by "
                + "\"targets:\", found a list"),
    ]

    @Test(arguments: cases)
    func configMistakeIsReportedAtItsPosition(_ testCase: Case) {
        do {
            _ = try ConfigLoader.parse(yaml: testCase.yaml, path: Self.path)
            Issue.record("expected an error for \(testCase.name)")
        } catch {
            #expect(error.file == Self.path)
            #expect(error.line == testCase.line)
            #expect(error.column == testCase.column)
            #expect(error.keyPath == testCase.keyPath)
            #expect(error.description == testCase.description)
        }
    }

    @Test func baselinesEscapingTheRepositoryRootAreRejected() {
        let yaml = "version: 1\nbaselines: ../../x\ntargets: [{name: a, python: a.py}]\n"
        #expect(
            throws: ConfigError(
                file: "/repo/ci/memgate.yml", line: 2, column: 12, keyPath: "baselines",
                message: "'../../x' resolves to /x, outside the repository root /repo; "
                    + "baselines are written there, so keep them inside")
        ) {
            try ConfigLoader.parse(yaml: yaml, path: "/repo/ci/memgate.yml")
        }
    }

    @Test func suggestionIsPartOfTheStructuredError() {
        #expect(
            throws: ConfigError(
                file: Self.path, line: 5, column: 5, keyPath: "targets[0].Limit", message: "unknown key 'Limit'",
                suggestion: "limit")
        ) {
            try ConfigLoader.parse(yaml: Self.head + "    Limit: 1 KB\n", path: Self.path)
        }
    }

    @Test(arguments: [
        ("limt", "limit"), ("tolerence", "tolerance"), ("max_allocations", "max-allocations"),
        ("TIMEOUT", "timeout"), ("pyton", "python"), ("repeats", "repeat"),
    ])
    func nearestKeySuggestsTypos(typo: String, key: String) {
        #expect(KeySuggestion.nearest(to: typo, among: ConfigLoader.targetOnlyKeys + TargetSettings.keys) == key)
    }

    @Test(arguments: ["colour", "x", "memory", "limitations"])
    func distantKeysGetNoSuggestion(key: String) {
        #expect(KeySuggestion.nearest(to: key, among: ConfigLoader.targetOnlyKeys + TargetSettings.keys) == nil)
    }
}
