import CTrellis

/// Who receives what, as flat tables the loop reads without allocating.
struct Routing {
    /// Consumers of source id `s` are `consumers[consumerStart[s] ..< consumerStart[s + 1]]`
    /// (node slots, in topological order).
    let consumerStart: UnsafeMutablePointer<Int>
    let consumers: UnsafeMutablePointer<Int>
    /// Per slot: the slot taking its orders (a risk or broker node), or -1 for the venue.
    let orderHop: [Int]
    /// Per slot: its range in `gateGroups`.
    let gateRange: [Range<Int>]
    let gateGroups: UnsafeMutablePointer<GateGroup>
    let gateLabels: UnsafeMutablePointer<Label>
    /// Per slot: the label of the node's latest signal (all zero before the first).
    let lastLabel: UnsafeMutablePointer<Label>

    /// A gate: node `node`'s latest label must be one of `gateLabels[labels]`.
    struct GateGroup {
        var node: Int
        var labels: Range<Int>
    }

    /// A signal label as four words, compared without string work.
    struct Label: Equatable {
        var words: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)

        init() {}

        init(_ text: String) {
            var signal = trellis_signal()
            writeFixed(text, into: &signal.label)
            self.init(signal.label)
        }

        init(
            _ field: (
                CChar, CChar, CChar, CChar, CChar, CChar, CChar, CChar, CChar, CChar, CChar, CChar, CChar, CChar, CChar, CChar,
                CChar, CChar, CChar, CChar, CChar, CChar, CChar, CChar, CChar, CChar, CChar, CChar, CChar, CChar, CChar, CChar
            )
        ) {
            words = unsafeBitCast(field, to: (UInt64, UInt64, UInt64, UInt64).self)
        }

        static func == (a: Label, b: Label) -> Bool {
            a.words.0 == b.words.0 && a.words.1 == b.words.1 && a.words.2 == b.words.2 && a.words.3 == b.words.3
        }
    }

    init(graph: ResolvedGraph) {
        let feeds = graph.spec.feeds.count, nodes = graph.nodes.count
        let ids = 1 + feeds + nodes
        var lists = [[Int]](repeating: [], count: ids)
        for (slot, node) in graph.nodes.enumerated() {
            for input in node.inputs {
                switch input {
                case .feed(let feed): lists[1 + feed].append(slot)
                case .node(let other): lists[1 + feeds + other].append(slot)
                }
            }
        }
        consumerStart = .allocate(capacity: ids + 1)
        consumers = .allocate(capacity: max(1, lists.reduce(0) { $0 + $1.count }))
        var cursor = 0
        for (id, list) in lists.enumerated() {
            consumerStart[id] = cursor
            for slot in list.sorted() {
                consumers[cursor] = slot
                cursor += 1
            }
        }
        consumerStart[ids] = cursor
        orderHop = graph.nodes.indices.map { slot in
            guard graph.nodes[slot].type.kind.placesOrders else { return -1 }
            return graph.nodes.indices.first { other in
                graph.nodes[other].type.kind.takesOrders && graph.nodes[other].inputs.contains(.node(slot))
            } ?? -1
        }
        var groups: [GateGroup] = []
        var labels: [Label] = []
        var ranges: [Range<Int>] = []
        for node in graph.nodes {
            let start = groups.count
            for gate in node.gates {
                let first = labels.count
                labels.append(contentsOf: gate.labels.map(Label.init))
                groups.append(GateGroup(node: gate.node, labels: first..<labels.count))
            }
            ranges.append(start..<groups.count)
        }
        gateRange = ranges
        gateGroups = .allocate(capacity: max(1, groups.count))
        gateGroups.initialize(from: groups, count: groups.count)
        gateLabels = .allocate(capacity: max(1, labels.count))
        gateLabels.initialize(from: labels, count: labels.count)
        lastLabel = .allocate(capacity: max(1, nodes))
        lastLabel.initialize(repeating: Label(), count: max(1, nodes))
    }

    func release() {
        consumerStart.deallocate()
        consumers.deallocate()
        gateGroups.deallocate()
        gateLabels.deallocate()
        lastLabel.deallocate()
    }

    /// Whether every gate of a node with gate range `gates` is open.
    @inline(__always)
    func isOpen(_ gates: Range<Int>) -> Bool {
        for group in gates {
            let gate = gateGroups[group]
            let current = lastLabel[gate.node]
            var matched = false
            for label in gate.labels where gateLabels[label] == current {
                matched = true
                break
            }
            if !matched { return false }
        }
        return true
    }
}
