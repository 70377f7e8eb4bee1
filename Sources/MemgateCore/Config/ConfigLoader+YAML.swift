import Yams

/// Turning YAML text into a node tree, with Yams' errors translated into ``ConfigError``s.
extension ConfigLoader {
    /// The document's root node.
    static func composeDocument(yaml: String, path: String) throws(ConfigError) -> Node {
        let root: Node?
        do {
            root = try Yams.compose(yaml: yaml)
        } catch let error as YamlError {
            if case .duplicatedKeysInMapping(let duplicates, let context) = error, let key = duplicates.first {
                throw DuplicateKeyLocator(yaml: yaml, file: path)
                    .error(key: key, firstMark: context.mark)
            }
            throw configError(from: error, yaml: yaml, path: path)
        } catch {
            throw ConfigError(file: path, line: 1, column: 1, keyPath: "", message: "invalid YAML: \(error)")
        }
        guard let root, !(root.scalar?.style == .plain && root.null != nil) else {
            throw ConfigError(
                file: path, line: 1, column: 1, keyPath: "",
                message: "the config is empty; expected \"version: 1\" followed by \"targets:\"")
        }
        return root
    }

    /// A Yams syntax error as a ``ConfigError`` at the position libyaml reported.
    static func configError(from error: YamlError, yaml: String, path: String) -> ConfigError {
        func located(_ problem: String, _ context: YamlError.Context?, _ mark: Mark) -> ConfigError {
            var message = "invalid YAML: \(problem)"
            if let context {
                message += " (\(context.text) starting at line \(context.mark.line), column \(context.mark.column))"
            }
            return ConfigError(file: path, line: mark.line, column: mark.column, keyPath: "", message: message)
        }
        switch error {
        case .scanner(let context, let problem, let mark, _),
            .parser(let context, let problem, let mark, _),
            .composer(let context, let problem, let mark, _):
            return located(problem, context, mark)
        case .reader(let problem, let offset, _, _):
            let (line, column) = position(ofUTF8Offset: offset ?? 0, in: yaml)
            return ConfigError(
                file: path, line: line, column: column, keyPath: "", message: "unreadable text: \(problem)")
        default:
            return ConfigError(file: path, line: 1, column: 1, keyPath: "", message: "invalid YAML: \(error)")
        }
    }

    /// 1-based line and column (in Unicode scalars) of a UTF-8 byte offset.
    static func position(ofUTF8Offset offset: Int, in text: String) -> (line: Int, column: Int) {
        var line = 1
        var column = 1
        var consumed = 0
        for scalar in text.unicodeScalars {
            guard consumed < offset else { break }
            consumed += String(scalar).utf8.count
            if scalar == "\n" {
                line += 1
                column = 1
            } else {
                column += 1
            }
        }
        return (line, column)
    }
}

extension ConfigLoader {
    /// Builds what parsing a config needs once per process (Yams' tag resolver compiles a dozen
    /// regular expressions, about 2 ms), so that a thread started with the process can do it
    /// while the command line is parsed. Parsing does it itself when this was not called.
    public static func prepare() {
        _ = Resolver.default
    }
}
