/// A graph whose every name is resolved: node types found, parameters checked with defaults
/// filled in, inputs wired, and nodes in an order where each comes after its inputs and gates.
public struct ResolvedGraph: Sendable {
    public let spec: GraphSpec
    public let catalog: PluginCatalog
    /// Nodes in topological order: the graph's own, then the challengers' copies, then the testers.
    public let nodes: [Node]
    /// Challengers and testers, by slot.
    public let shadow: ShadowPlan

    /// Something a node takes input from.
    public enum Endpoint: Sendable, Hashable {
        case feed(Int)
        case node(Int)
    }

    public struct Node: Sendable {
        public let spec: GraphSpec.NodeSpec
        public let type: NodeType
        /// Parameters with the schema's defaults filled in.
        public let params: ValueNode
        /// Indexes into `spec.feeds` or `ResolvedGraph.nodes`.
        public let inputs: [Endpoint]
        /// The node runs only while each gate node's latest label is one of the labels.
        public let gates: [(node: Int, labels: [String])]

        public var name: String { spec.name }
        /// 0 for the graph's own nodes; k for challenger k's copies.
        public var branch: Int { spec.branch }
    }

    /// Which nodes each challenger's branch and its champion's side are made of.
    public struct ShadowPlan: Sendable {
        public var challengers: [Challenger] = []
        /// Slots of the tester nodes.
        public var testers: [Int] = []

        public var isEmpty: Bool { challengers.isEmpty }

        public struct Challenger: Sendable {
            public var name: String
            /// The champion node it replaces.
            public var replaces: String
            /// Slots of the champion nodes it stands in for (the replaced node and those downstream
            /// of it), and of its own copies of them: each side's ledger is its nodes' sub-ledgers.
            public var championSlots: [Int]
            public var challengerSlots: [Int]
            /// Live runs: the champion side is a paper copy of the champion (`baseline: paper`).
            public var paperBaseline = false
        }
    }

    /// The index of the node named `name`.
    public func nodeIndex(named name: String) -> Int? { nodes.firstIndex { $0.name == name } }

    /// The name of an endpoint.
    public func name(of endpoint: Endpoint) -> String {
        switch endpoint {
        case .feed(let index): spec.feeds[index].name
        case .node(let index): nodes[index].name
        }
    }

    /// Plugins the graph's nodes use, each once, in node order.
    public var usedPlugins: [LoadedPlugin] {
        var seen: Set<String> = []
        return nodes.compactMap { node in
            guard seen.insert(node.type.pluginID).inserted else { return nil }
            return catalog.plugin(id: node.type.pluginID)
        }
    }
}
