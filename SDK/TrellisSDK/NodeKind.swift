/// What a node does in a graph; decides which edges the host allows.
public enum NodeKind: Int32, Sendable, CaseIterable {
    case feed = 1
    case model = 2
    case strategy = 3
    case risk = 4
    case broker = 5
    case observer = 6
}

/// Describes a node type: its name in graphs, kind, version, one-sentence description and the
/// JSON Schema of its parameters.
public struct NodeDescriptor: Sendable {
    public var type: String
    public var kind: NodeKind
    public var version: String
    public var description: String
    public var parameters: String

    public init(
        type: String, kind: NodeKind, version: String, description: String,
        parameters: String = #"{"type": "object", "additionalProperties": false}"#
    ) {
        self.type = type
        self.kind = kind
        self.version = version
        self.description = description
        self.parameters = parameters
    }
}
