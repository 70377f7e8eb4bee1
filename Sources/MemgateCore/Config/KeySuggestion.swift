/// Finds the valid key a mistyped one was probably meant to be.
enum KeySuggestion {
    /// The candidate nearest to `key` by edit distance, if close enough to be a typo: at most 2
    /// edits and fewer edits than the key has characters. `noise_floor` and `Limit` match
    /// `noise-floor` and `limit` exactly, since snake case and capitals are common slips.
    static func nearest(to key: String, among candidates: [String]) -> String? {
        let normalizedKey = key.lowercased().replacingUnderscores()
        var best: (candidate: String, distance: Int)?
        for candidate in candidates {
            let distance = editDistance(normalizedKey, candidate.lowercased())
            if distance < (best?.distance ?? Int.max) { best = (candidate, distance) }
        }
        guard let best, best.distance <= 2, best.distance < key.count else { return nil }
        return best.candidate
    }

    /// Levenshtein distance (insertions, deletions, substitutions) between two strings.
    static func editDistance(_ lhs: String, _ rhs: String) -> Int {
        let lhs = Array(lhs)
        let rhs = Array(rhs)
        if lhs.isEmpty { return rhs.count }
        var previous = Array(0...rhs.count)
        for (i, left) in lhs.enumerated() {
            var current = [i + 1] + Array(repeating: 0, count: rhs.count)
            for (j, right) in rhs.enumerated() {
                let substitution = previous[j] + (left == right ? 0 : 1)
                current[j + 1] = min(previous[j + 1] + 1, current[j] + 1, substitution)
            }
            previous = current
        }
        return previous[rhs.count]
    }
}

extension String {
    fileprivate func replacingUnderscores() -> String {
        String(map { $0 == "_" ? "-" : $0 })
    }
}
