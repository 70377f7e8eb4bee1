import Testing

@testable import MemgateCore

/// `std::__cxx11::basic_string<char, std::char_traits<char>, std::allocator<char> >` as
/// llvm-symbolizer and c++filt print it.
private let fullString = "std::__cxx11::basic_string<char, std::char_traits<char>, std::allocator<char> >"
private let fullVectorOfStrings = "std::vector<\(fullString), std::allocator<\(fullString) > >"

@Suite("C++ display names")
struct CppNameSimplifierTests {
    @Test(
        "default template arguments, ABI namespaces and string typedefs go; parameter lists stay",
        arguments: [
            (
                "corpus::buildIndex(std::map<\(fullString), \(fullVectorOfStrings), std::less<\(fullString) >, "
                    + "std::allocator<std::pair<\(fullString) const, \(fullVectorOfStrings)> > >&, unsigned long)",
                "corpus::buildIndex(std::map<std::string, std::vector<std::string>>&, unsigned long)"
            ),
            (
                "std::vector<char, std::allocator<char> >::vector(unsigned long, std::allocator<char> const&)",
                "std::vector<char>::vector(unsigned long, std::allocator<char> const&)"
            ),
            (
                "std::allocator_traits<std::allocator<char> >::allocate(std::allocator<char>&, unsigned long)",
                "std::allocator_traits<std::allocator<char>>::allocate(std::allocator<char>&, unsigned long)"
            ),
            (
                "std::basic_ostream<char, std::char_traits<char> >& std::operator<< <std::char_traits<char> >"
                    + "(std::basic_ostream<char, std::char_traits<char> >&, char const*)",
                "std::basic_ostream<char>& std::operator<< <std::char_traits<char>>(std::basic_ostream<char>&, char const*)"
            ),
            (
                "std::unique_ptr<Parser, std::default_delete<Parser> >::operator->() const",
                "std::unique_ptr<Parser>::operator->() const"
            ),
            (
                "std::function<void (int, int)>::operator()(int, int) const",
                "std::function<void (int, int)>::operator()(int, int) const"
            ),
        ])
    func simplifies(full: String, expected: String) {
        #expect(CppNameSimplifier.simplify(full) == expected)
    }

    @Test("a template argument list longer than 40 characters collapses to <…>")
    func collapsesLongLists() {
        let tree =
            "std::_Rb_tree<\(fullString), std::pair<\(fullString) const, int>, "
            + "std::_Select1st<std::pair<\(fullString) const, int> >, std::less<\(fullString) >, "
            + "std::allocator<std::pair<\(fullString) const, int> > >::_M_get_node()"
        #expect(CppNameSimplifier.simplify(tree) == "std::_Rb_tree<…>::_M_get_node()")
    }

    @Test(
        "C names, Rust qualified paths and unbalanced names come back unchanged",
        arguments: [
            "hold_megabyte", "main", "(anonymous namespace)::Cache::insert(int)",
            "<alloc::vec::Vec<T> as core::clone::Clone>::clone", "broken<name(",
        ])
    func unchanged(name: String) {
        #expect(CppNameSimplifier.simplify(name) == name)
    }
}
