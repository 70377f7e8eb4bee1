/// Shortens demangled C++ names for display, keeping what tells functions apart.
///
/// The full name stays in `Frame.symbol`; this form is shown and used in site keys:
/// - inline ABI namespaces go: `std::__cxx11::` and `std::__1::` become `std::`;
/// - default template arguments go: `std::allocator<…>`, `std::char_traits<…>`,
///   `std::less<…>`, `std::equal_to<…>`, `std::hash<…>` and `std::default_delete<…>` are dropped
///   when they are not a list's first argument (where they are the type itself);
/// - `std::basic_string<char>` is `std::string` (`wchar_t`: `std::wstring`), likewise
///   `std::string_view`;
/// - a template argument list still longer than `maxTemplateCharacters` after that becomes `<…>`;
/// - `> >` closes as `>>`. Parameter lists are kept (they tell overloads apart), simplified
///   the same way.
///
/// `corpus::buildIndex(std::map<std::__cxx11::basic_string<char, std::char_traits<char>,
/// std::allocator<char> >, …>&, unsigned long)` becomes
/// `corpus::buildIndex(std::map<std::string, std::vector<std::string>>&, unsigned long)`.
/// A name whose brackets do not balance is returned unchanged.
public enum CppNameSimplifier {
    /// Template argument lists longer than this (in characters, after simplification) collapse to `<…>`.
    public static let maxTemplateCharacters = 40

    static let defaultArgumentPrefixes = [
        "std::allocator<", "std::char_traits<", "std::less<", "std::equal_to<", "std::hash<", "std::default_delete<",
    ]

    static let typedefs: [String: String] = [
        "std::basic_string<char>": "std::string", "std::basic_string<wchar_t>": "std::wstring",
        "std::basic_string_view<char>": "std::string_view",
    ]

    /// The display form of a demangled C++ name (any other name comes back unchanged).
    public static func simplify(_ name: String) -> String {
        guard name.contains("<") || name.contains("std::__") else { return name }
        let text = name.replacingOccurrences(of: "std::__cxx11::", with: "std::")
            .replacingOccurrences(of: "std::__1::", with: "std::")
        var parser = Parser(characters: Array(text))
        return parser.parseAll() ?? name
    }

    /// A recursive-descent pass over the name: text outside template brackets is copied,
    /// each `<…>` list is parsed into arguments, simplified and rendered again.
    private struct Parser {
        let characters: [Character]
        var index = 0

        init(characters: [Character]) { self.characters = characters }

        mutating func parseAll() -> String? {
            guard let text = parseSequence(insideTemplate: false), index == characters.count else { return nil }
            return text
        }

        /// Copies text until an unmatched `>` or `,` (inside a template list) or the end.
        private mutating func parseSequence(insideTemplate: Bool) -> String? {
            var output = ""
            var parenthesisDepth = 0
            while index < characters.count {
                let character = characters[index]
                if let operatorToken = operatorToken(at: index) {
                    output += operatorToken
                    index += operatorToken.count
                    continue
                }
                switch character {
                case "(":
                    parenthesisDepth += 1
                case ")":
                    parenthesisDepth -= 1
                    if parenthesisDepth < 0 { return nil }
                case "<":
                    index += 1
                    guard let list = parseTemplateList(after: output) else { return nil }
                    output = list
                    continue
                case ">", ",":
                    if insideTemplate && parenthesisDepth == 0 { return output }
                    if character == ">" { return nil }
                default:
                    break
                }
                output.append(character)
                index += 1
            }
            return insideTemplate ? nil : output
        }

        /// Parses the arguments after a `<` and returns `prefix` followed by the rendered list.
        private mutating func parseTemplateList(after prefix: String) -> String? {
            var arguments: [String] = []
            while true {
                guard let argument = parseSequence(insideTemplate: true), index < characters.count else { return nil }
                arguments.append(argument.trimmingSpaces())
                let closing = characters[index]
                index += 1
                if closing == ">" { break }
            }
            let kept = arguments.enumerated().filter { position, argument in
                position == 0 || !CppNameSimplifier.defaultArgumentPrefixes.contains { argument.hasPrefix($0) }
            }.map(\.element).filter { !$0.isEmpty }
            let content = kept.joined(separator: ", ")
            let rendered = prefix + "<" + content + ">"
            for (full, short) in CppNameSimplifier.typedefs where rendered.hasSuffix(full) {
                let start = rendered.index(rendered.endIndex, offsetBy: -full.count)
                if start == rendered.startIndex || !rendered[rendered.index(before: start)].isIdentifierCharacter {
                    return String(rendered[..<start]) + short
                }
            }
            // Only a template's arguments collapse; `<T as Trait>` paths (Rust) stay whole.
            let namesTemplate = prefix.last?.isIdentifierCharacter ?? false
            if namesTemplate && content.count > CppNameSimplifier.maxTemplateCharacters { return prefix + "<…>" }
            return rendered
        }

        /// `operator<<`, `operator->`, `operator()` … copied verbatim, so their brackets are not
        /// taken for template lists.
        private func operatorToken(at position: Int) -> String? {
            let keyword: [Character] = Array("operator")
            guard characters[position] == "o", position + keyword.count < characters.count,
                Array(characters[position..<position + keyword.count]) == keyword,
                position == 0 || !characters[position - 1].isIdentifierCharacter
            else { return nil }
            var end = position + keyword.count
            if characters[end] == "(" && end + 1 < characters.count && characters[end + 1] == ")" {
                return String(characters[position..<end + 2])
            }
            let symbols = Set("<>=-!+*/%^&|~,[]")
            while end < characters.count && symbols.contains(characters[end]) { end += 1 }
            guard end > position + keyword.count else { return nil }
            return String(characters[position..<end])
        }
    }
}

extension Character {
    fileprivate var isIdentifierCharacter: Bool { isLetter || isNumber || self == "_" }
}

extension String {
    fileprivate func trimmingSpaces() -> String {
        var text = Substring(self)
        while text.first == " " { text = text.dropFirst() }
        while text.last == " " { text = text.dropLast() }
        return String(text)
    }
}
