import CTrellis

/// What a node does in a graph. Decides which edges are allowed.
public enum NodeKind: Int32, Sendable, CaseIterable, CustomStringConvertible {
    case feed = 1
    case model = 2
    case strategy = 3
    case risk = 4
    case broker = 5
    case observer = 6

    public var description: String {
        switch self {
        case .feed: "feed"
        case .model: "model"
        case .strategy: "strategy"
        case .risk: "risk"
        case .broker: "broker"
        case .observer: "observer"
        }
    }

    /// The kinds whose output a node of this kind may take as input.
    public var acceptedInputs: Set<NodeKind> {
        switch self {
        case .feed: []
        case .model: [.feed, .model]
        case .strategy: [.feed, .model]
        case .risk: [.feed, .model, .strategy, .risk]
        case .broker: [.strategy, .risk]
        case .observer: Set(NodeKind.allCases)
        }
    }

    /// Whether nodes of this kind may emit order intents.
    var placesOrders: Bool { self == .strategy || self == .risk }

    /// Whether nodes of this kind take order intents from their inputs.
    var takesOrders: Bool { self == .risk || self == .broker }
}
