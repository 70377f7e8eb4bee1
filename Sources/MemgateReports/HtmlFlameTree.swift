import MemgateCore

/// The stacks live at the peak merged into one call tree, in the compact column form the
/// flamegraph page reads.
///
/// Node 0 is the root ("all"). Nodes are in pre-order, children sorted by bytes (largest
/// first, ties by function name), so a node's parent always precedes it and the page can lay
/// frames out in one pass. Identical children — same function, file and module under the
/// same parent — are merged; the line shown is the one of the stack contributing most bytes.
struct HtmlFlameTree: Encodable, Sendable {
    /// Frame kinds as numbers in `kind`.
    enum KindCode: Int {
        case root = 0
        case native = 1
        case python = 2
        /// Allocator or language-runtime code (libc, libstdc++, libpython …).
        case runtime = 3
    }

    /// Interned strings; the columns below hold indices into it (-1 = none).
    var strings: [String] = []
    var function: [Int] = []
    /// The full demangled symbol when it differs from the readable `function` (tooltips), else -1.
    var symbol: [Int] = []
    var file: [Int] = []
    var module: [Int] = []
    /// Source line, 0 when unknown.
    var line: [Int] = []
    /// `KindCode` raw values.
    var kind: [Int] = []
    /// Index of the parent node, -1 for the root.
    var parent: [Int] = []
    /// Requested bytes live at the peak under this node (inclusive).
    var bytes: [Int64] = []
    /// Allocations live at the peak under this node (inclusive).
    var allocations: [Int64] = []
    /// Index of the node's site in the diff rows, -1 when the node is not a compared site.
    var site: [Int] = []

    enum CodingKeys: String, CodingKey {
        case strings, function, symbol, file, module, line, kind, parent, bytes, allocations, site
    }

    /// Number of nodes, root included.
    var count: Int { parent.count }

    private struct ChildKey: Hashable {
        var parent: Int
        var function: Int
        var symbol: Int
        var file: Int
        var module: Int
        var kind: Int
    }

    private struct Node {
        var key: ChildKey
        var line = 0
        var lineWeight: Int64 = -1
        var bytes: Int64 = 0
        var allocations: Int64 = 0
        var children: [Int] = []
        /// `SiteKey.description` of the frame, for the diff column.
        var siteKey = ""
    }

    /// Builds the tree from the stacks with bytes live at the peak.
    /// - Parameter siteIndex: diff row index by `SiteKey.description`, for the `site` column.
    init(stacks: [StackRecord], siteIndex: [String: Int] = [:]) {
        var interned: [String: Int] = [:]
        func intern(_ text: String?) -> Int {
            guard let text else { return -1 }
            if let index = interned[text] { return index }
            interned[text] = strings.count
            strings.append(text)
            return strings.count - 1
        }
        let rootKey = ChildKey(
            parent: -1, function: intern("all"), symbol: -1, file: -1, module: -1, kind: KindCode.root.rawValue)
        var nodes = [Node(key: rootKey)]
        var nodeByKey: [ChildKey: Int] = [:]
        for stack in stacks where stack.bytesAtPeak > 0 {
            var current = 0
            nodes[0].bytes += stack.bytesAtPeak
            nodes[0].allocations += stack.allocationsAtPeak
            for frame in stack.frames {
                let key = ChildKey(
                    parent: current, function: intern(frame.function), symbol: intern(frame.symbol),
                    file: intern(frame.file),
                    module: intern(frame.module), kind: HtmlFlameTree.kindCode(of: frame).rawValue)
                let index: Int
                if let existing = nodeByKey[key] {
                    index = existing
                } else {
                    index = nodes.count
                    nodeByKey[key] = index
                    nodes.append(Node(key: key, siteKey: SiteKey(frame: frame).description))
                    nodes[current].children.append(index)
                }
                nodes[index].bytes += stack.bytesAtPeak
                nodes[index].allocations += stack.allocationsAtPeak
                if stack.bytesAtPeak > nodes[index].lineWeight {
                    nodes[index].lineWeight = stack.bytesAtPeak
                    nodes[index].line = frame.line ?? 0
                }
                current = index
            }
        }
        emitPreOrder(nodes, siteIndex: siteIndex)
    }

    private static func kindCode(of frame: Frame) -> KindCode {
        if frame.isRuntimeFrame { return .runtime }
        return frame.kind == .python ? .python : .native
    }

    /// Writes the columns in pre-order with children sorted, renumbering parents.
    private mutating func emitPreOrder(_ nodes: [Node], siteIndex: [String: Int]) {
        let names = strings
        var pending: [(node: Int, parent: Int)] = [(0, -1)]
        while let (old, newParent) = pending.popLast() {
            let node = nodes[old]
            let newIndex = parent.count
            function.append(node.key.function)
            symbol.append(node.key.symbol)
            file.append(node.key.file)
            module.append(node.key.module)
            line.append(node.line)
            kind.append(node.key.kind)
            parent.append(newParent)
            bytes.append(node.bytes)
            allocations.append(node.allocations)
            site.append(old == 0 ? -1 : siteIndex[node.siteKey] ?? -1)
            let ordered = node.children.sorted { lhs, rhs in
                if nodes[lhs].bytes != nodes[rhs].bytes { return nodes[lhs].bytes > nodes[rhs].bytes }
                return names[nodes[lhs].key.function] < names[nodes[rhs].key.function]
            }
            // Reversed so the largest child is popped (and emitted) first.
            for child in ordered.reversed() { pending.append((child, newIndex)) }
        }
    }
}
