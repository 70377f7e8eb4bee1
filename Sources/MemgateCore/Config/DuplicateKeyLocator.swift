import CYaml
import Yams

/// Points a duplicated-key error at the *second* occurrence and names its key path.
///
/// Yams rejects a mapping with a repeated key but reports only the first occurrence's position
/// and no tree. The locator walks libyaml's event stream once, keeping each open mapping's keys,
/// and reports the first key that repeats within its mapping (in document order) with the
/// position of the repetition: linear in the document, however many duplicates it holds.
/// If the walk finds nothing (a key Yams considers equal by its resolved value only), it falls
/// back to the first occurrence Yams gave, which is still a correct position.
struct DuplicateKeyLocator {
    let yaml: String
    let file: String

    /// The error for `key`, first seen at `firstMark`.
    func error(key: String, firstMark: Mark) -> ConfigError {
        firstDuplicate()
            ?? ConfigError(
                file: file, line: firstMark.line, column: firstMark.column, keyPath: "",
                message: "duplicate key '\(key)'")
    }

    /// One open collection in the walk.
    private struct Frame {
        var path: String
        var isMapping: Bool
        /// Mapping: the line of each key seen so far; whether the next node is a key; the key whose
        /// value comes next. Sequence: the index of the next item.
        var keyLines: [String: Int] = [:]
        var expectingKey = true
        var pendingKey = "?"
        var index = 0

        /// The key path of the node that comes next in this collection.
        var childPath: String {
            if !isMapping { return "\(path)[\(index)]" }
            return path.isEmpty ? pendingKey : "\(path).\(pendingKey)"
        }
    }

    /// The first repeated key in document order, or nil when libyaml reports none.
    private func firstDuplicate() -> ConfigError? {
        var parser = yaml_parser_t()
        guard yaml_parser_initialize(&parser) == 1 else { return nil }
        defer { yaml_parser_delete(&parser) }
        let bytes = Array(yaml.utf8)
        return bytes.withUnsafeBufferPointer { buffer -> ConfigError? in
            yaml_parser_set_input_string(&parser, buffer.baseAddress, buffer.count)
            var stack: [Frame] = []
            while true {
                var event = yaml_event_t()
                guard yaml_parser_parse(&parser, &event) == 1 else { return nil }
                defer { yaml_event_delete(&event) }
                let type = event.type
                if type == YAML_STREAM_END_EVENT { return nil }
                if type == YAML_MAPPING_END_EVENT || type == YAML_SEQUENCE_END_EVENT {
                    stack.removeLast()
                    finishValue(&stack)
                    continue
                }
                guard
                    type == YAML_SCALAR_EVENT || type == YAML_ALIAS_EVENT || type == YAML_MAPPING_START_EVENT
                        || type == YAML_SEQUENCE_START_EVENT
                else { continue }
                if var top = stack.last, top.isMapping, top.expectingKey {
                    // A key: only scalar keys are compared (complex keys are not used in configs).
                    if type == YAML_SCALAR_EVENT {
                        let text = scalarText(event)
                        let line = Int(event.start_mark.line) + 1
                        if let first = top.keyLines[text] {
                            let path = top.path.isEmpty ? text : "\(top.path).\(text)"
                            return ConfigError(
                                file: file, line: line, column: Int(event.start_mark.column) + 1, keyPath: path,
                                message: "duplicate key '\(text)'; the first is on line \(first)")
                        }
                        top.keyLines[text] = line
                        top.pendingKey = text
                    }
                    if type == YAML_MAPPING_START_EVENT || type == YAML_SEQUENCE_START_EVENT {
                        // A complex key: its end switches the mapping to expecting the value.
                        stack[stack.count - 1] = top
                        stack.append(Frame(path: "?", isMapping: type == YAML_MAPPING_START_EVENT))
                    } else {
                        top.expectingKey = false
                        stack[stack.count - 1] = top
                    }
                    continue
                }
                if type == YAML_MAPPING_START_EVENT || type == YAML_SEQUENCE_START_EVENT {
                    stack.append(
                        Frame(path: stack.last?.childPath ?? "", isMapping: type == YAML_MAPPING_START_EVENT))
                } else {
                    finishValue(&stack)
                }
            }
        }
    }

    /// A value (or a complex key) ended: its collection now expects the next key or item.
    private func finishValue(_ stack: inout [Frame]) {
        guard !stack.isEmpty else { return }
        if stack[stack.count - 1].isMapping {
            stack[stack.count - 1].expectingKey.toggle()
        } else {
            stack[stack.count - 1].index += 1
        }
    }

    private func scalarText(_ event: yaml_event_t) -> String {
        let scalar = event.data.scalar
        guard let value = scalar.value else { return "" }
        let buffer = UnsafeBufferPointer(start: value, count: Int(scalar.length))
        return String(decoding: buffer, as: UTF8.self)
    }
}
