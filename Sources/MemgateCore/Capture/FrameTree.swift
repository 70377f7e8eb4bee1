/// A capture's frames as the tracker keeps them: a prefix tree in which every stack is a leaf
/// node and the chain of its parents out to an outermost frame, so stacks that share their outer
/// frames share those nodes (a scipy import: 2.4 million frames of 49 000 stacks in 63 000
/// nodes). A parent always comes before its children.
public struct FrameTree: Sendable, Equatable {
    /// One frame: its word and the node of the next outer frame.
    public struct Node: Sendable, Equatable {
        public var word: UInt64
        /// Index of the next outer frame's node; `FrameTree.none` for an outermost frame.
        public var parent: Int32
    }

    /// The parent of an outermost frame, and the leaf of a stack without frames.
    public static let none: Int32 = -1

    public private(set) var nodes: [Node] = []
    /// Finds a node by its parent and word when stacks are added by their words.
    private var indexByEdge: [Edge: Int32] = [:]

    private struct Edge: Hashable {
        var parent: Int32
        var word: UInt64
    }

    public init() {}

    /// A tree of nodes read from a capture, already checked to have each parent before its
    /// children. Stacks added to it later by their words do not share its nodes.
    init(checkedNodes: [Node]) {
        nodes = checkedNodes
    }

    public static func == (left: FrameTree, right: FrameTree) -> Bool { left.nodes == right.nodes }

    /// Adds a stack given by its words, innermost first, sharing the nodes of outer frames it has
    /// in common with stacks added before; returns its leaf.
    public mutating func add(words: [UInt64]) -> Int32 {
        var leaf = FrameTree.none
        for word in words.reversed() {
            let edge = Edge(parent: leaf, word: word)
            if let known = indexByEdge[edge] {
                leaf = known
            } else {
                nodes.append(Node(word: word, parent: leaf))
                leaf = Int32(nodes.count - 1)
                indexByEdge[edge] = leaf
            }
        }
        return leaf
    }

    /// The words of the stack ending at `leaf`, innermost first.
    public func words(from leaf: Int32) -> [UInt64] {
        var words: [UInt64] = []
        var node = leaf
        while node != FrameTree.none {
            words.append(nodes[Int(node)].word)
            node = nodes[Int(node)].parent
        }
        return words
    }
}
