import Foundation

/// A profile's sites, aggregated once and shared by every copy of the profile: a run asks for
/// them several times per case (console line, JUnit failure and output, gate, baseline), and
/// each aggregation walks every frame of every stack (a scipy import: 2.44 M frames).
///
/// It takes no part in a profile's equality, hash or coding. `Profile` replaces it whenever its
/// stacks change, so a memo never outlives the stacks it was computed from.
struct SiteMemo: Hashable, Sendable {
    private final class Storage: @unchecked Sendable {
        // Guards `sites`: a profile is read by the thread that measured it and by the one that reports.
        let lock = NSLock()
        var sites: [Site]?
    }

    private let storage = Storage()

    /// The memoized sites, computed by `compute` on first use.
    func sites(_ compute: () -> [Site]) -> [Site] {
        storage.lock.lock()
        defer { storage.lock.unlock() }
        if let sites = storage.sites { return sites }
        let sites = compute()
        storage.sites = sites
        return sites
    }

    static func == (lhs: SiteMemo, rhs: SiteMemo) -> Bool { true }

    func hash(into hasher: inout Hasher) {}
}
