import Foundation

/// Locates files shipped with memgate (the Python bootstrap and pytest plugin).
public enum RuntimeResources {
    /// Directory holding `memgate_bootstrap.py` and `memgate_pytest.py`.
    public static var pythonDirectory: URL {
        Bundle.module.url(forResource: "Python", withExtension: nil)!
    }
}
