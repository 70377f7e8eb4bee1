/// Reading one entry of `targets`.
extension ConfigLoader {
    /// Keys that only make sense on a target (never in `defaults`).
    static let targetOnlyKeys = ["name", "python", "call", "command", "pytest", "args", "cwd"]
    /// Longest target name: `<name>.json` and `<name>/<case>.json` must fit a 255-byte file name.
    static let maximumNameBytes = 200
    static let kindKeys = ["python", "command", "pytest"]
    static let kindExample = "\"python: script.py\", \"command: [program, arg]\" or \"pytest: tests\""

    /// The target, with `defaults` and the built-in defaults applied, and its `name` node (for
    /// duplicate-name errors).
    static func readTarget(
        _ node: ConfigNode, defaults: TargetSettings, configDirectory: String
    ) throws(ConfigError) -> (TargetConfig, nameNode: ConfigNode) {
        let entries = try node.entries(
            allowed: targetOnlyKeys + TargetSettings.keys, what: "a target",
            example: "\"{name: app, python: app.py}\"")
        guard let nameNode = entries["name"]?.value else {
            throw node.error("missing required key 'name'; add e.g. \"name: parser\" (it names the baseline file)")
        }
        let name = try readName(nameNode)
        let kind = try readKind(entries, target: node)
        let settings = defaults.overridden(by: try TargetSettings(entries: entries))
        if case .pytest = kind, settings.limitResidentBytes != nil {
            throw node.error(
                "limit-rss (\(settings.limitResidentOrigin ?? "")) holds a whole process tree, but a pytest target's "
                    + "tests share one process; set it on python: or command: targets only")
        }
        var cwd: String?
        if let cwdNode = entries["cwd"]?.value {
            let text = try cwdNode.string(expected: "a directory relative to the config file such as \"targets\"")
            cwd = ConfigPath.resolve(text, against: configDirectory)
        }
        var target = TargetConfig(
            name: name, kind: kind, limitBytes: settings.limitBytes,
            leakLimitBytes: settings.leakLimitBytes, maxAllocations: settings.maxAllocations,
            tolerance: settings.tolerance, timeoutSeconds: settings.timeoutSeconds ?? 120,
            env: settings.env ?? [:], cwd: cwd, interpreter: settings.interpreter,
            native: settings.native ?? false, ignore: settings.ignore ?? [],
            repeatCount: settings.repeatCount ?? 1, trackChildren: settings.children ?? true,
            ratchet: settings.ratchet ?? false, suppressions: settings.suppressions ?? [],
            limitResidentBytes: settings.limitResidentBytes, line: node.line)
        target.outOfMemoryLimitBytes = settings.outOfMemoryLimitBytes
        return (target, nameNode)
    }

    /// A name safe to use as a file name: `[A-Za-z0-9._-]+`, not starting with `.`.
    private static func readName(_ node: ConfigNode) throws(ConfigError) -> String {
        let name = try node.string(expected: "a name such as \"parser\"")
        let allowed = name.allSatisfy { character in
            character.isASCII && (character.isLetter || character.isNumber || "._-".contains(character))
        }
        guard allowed else {
            throw node.error(
                "target name '\(name)' may only contain letters, digits, '.', '_' and '-' "
                    + "because it names the baseline file")
        }
        guard name.utf8.count <= maximumNameBytes else {
            throw node.error(
                "target name is \(name.utf8.count) bytes long; at most \(maximumNameBytes) are allowed "
                    + "because it names the baseline file (file names stop at 255 bytes)")
        }
        guard !name.hasPrefix(".") else {
            throw node.error("target name '\(name)' must not start with '.' because it names the baseline file")
        }
        return name
    }

    /// Exactly one of `python`, `command`, `pytest`, plus `call` only with python and `args`
    /// only with pytest.
    private static func readKind(
        _ entries: [ConfigNode.Entry], target: ConfigNode
    ) throws(ConfigError) -> TargetConfig.Kind {
        let kinds = entries.filter { kindKeys.contains($0.key) }
        guard let kindEntry = kinds.first else {
            throw target.error("missing what to run; add one of \(kindExample)")
        }
        if kinds.count > 1 {
            let first = kinds[0]
            throw kinds[1].keyNode.error(
                "'\(kinds[1].key)' cannot be combined with '\(first.key)' on line \(first.keyNode.line); "
                    + "a target has exactly one of 'python', 'command' or 'pytest'")
        }
        if let call = entries["call"], kindEntry.key != "python" {
            throw call.keyNode.error("'call' is only allowed with 'python', not with '\(kindEntry.key)'")
        }
        if let args = entries["args"], kindEntry.key != "pytest" {
            let hint = kindEntry.key == "command" ? "; put arguments in the command list" : ""
            throw args.keyNode.error("'args' is only allowed with 'pytest', not with '\(kindEntry.key)'\(hint)")
        }
        let value = kindEntry.value
        switch kindEntry.key {
        case "python":
            let script = try value.string(expected: "a script path such as \"targets/app.py\"")
            let call = try entries["call"]?.value.string(expected: "a call such as \"module:function(1, 2)\"")
            return .python(script: script, call: call)
        case "command":
            let argv = try value.stringList(
                expected: "a program and its arguments such as [\".build/release/bench\", \"--size\", \"1000\"]",
                allowEmpty: false)
            return .command(argv: argv)
        default:
            let path = try value.string(expected: "a test file or directory such as \"tests\"")
            let args = try entries["args"]?.value.stringList(
                expected: "a list of pytest arguments such as [\"-k\", \"fast\"]", allowEmpty: true)
            return .pytest(path: path, args: args ?? [])
        }
    }
}
