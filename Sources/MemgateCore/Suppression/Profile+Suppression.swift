extension Profile {
    /// The profile without what `rules` suppress, and what each rule removed (every rule listed,
    /// in order, even when it matched nothing).
    ///
    /// Each stack is charged to the first rule that removes allocations (`ignore:`, `alloc:`)
    /// and matches it, else to the first matching `leak:` rule. A removed stack's bytes at the
    /// peak, total, count and bytes at the end are subtracted from the profile's; a leak-suppressed
    /// stack keeps everything but its bytes at the end. The peak stays the moment the tracker
    /// measured (the requested bytes live then, minus the suppressed ones), and the timeline is
    /// left as measured.
    public func suppressing(_ rules: [SuppressionRule]) -> Profile {
        guard !rules.isEmpty else { return self }
        var copy = self
        var effects = rules.map { SuppressionEffect(rule: $0) }
        let order =
            rules.indices.filter { rules[$0].removesAllocations }
            + rules.indices.filter { !rules[$0].removesAllocations }
        copy.stacks = []
        for stack in stacks {
            guard let index = order.first(where: { rules[$0].matches(stack.frames) }) else {
                copy.stacks.append(stack)
                continue
            }
            effects[index].bytesAtEnd &+= stack.bytesAtEnd
            copy.bytesAtEnd &-= stack.bytesAtEnd
            if rules[index].removesAllocations {
                effects[index].bytesAtPeak &+= stack.bytesAtPeak
                effects[index].totalBytes &+= stack.totalBytes
                effects[index].allocationCount &+= stack.allocationCount
                copy.peakBytes &-= stack.bytesAtPeak
                copy.totalBytes &-= stack.totalBytes
                copy.allocationCount &-= stack.allocationCount
            } else {
                var kept = stack
                kept.bytesAtEnd = 0
                copy.stacks.append(kept)
            }
        }
        copy.suppressions = (suppressions ?? []) + effects
        return copy
    }
}
