import Foundation

/// Locates files shipped with memgate (the Python bootstrap and pytest plugin).
public enum RuntimeResources {
    /// Directory holding `memgate_bootstrap.py` and `memgate_pytest.py`; looked up once per
    /// process (a few directory reads), as every Python target's command needs it.
    public static let pythonDirectory: URL = Bundle.module.url(forResource: "Python", withExtension: nil)!
}
