/// A JSON-like value read from YAML or JSON that remembers where each part came from, so that
/// every problem found in it can be reported at its line and column.
public struct ValueNode: Sendable {
    public enum Kind: Sendable {
        case null
        case bool(Bool)
        case integer(Int64)
        case number(Double)
        case string(String)
        case array([ValueNode])
        case object([Member])
    }

    /// One key of an object, in document order.
    public struct Member: Sendable {
        public var key: String
        public var keyLocation: SourceLocation?
        public var value: ValueNode

        public init(key: String, keyLocation: SourceLocation? = nil, value: ValueNode) {
            self.key = key
            self.keyLocation = keyLocation
            self.value = value
        }
    }

    public var kind: Kind
    public var location: SourceLocation?

    public init(_ kind: Kind, at location: SourceLocation? = nil) {
        self.kind = kind
        self.location = location
    }

    public var string: String? {
        if case .string(let value) = kind { return value }
        return nil
    }

    public var bool: Bool? {
        if case .bool(let value) = kind { return value }
        return nil
    }

    /// The value as a number: integers and numbers both.
    public var number: Double? {
        switch kind {
        case .integer(let value): Double(value)
        case .number(let value): value
        default: nil
        }
    }

    /// The value as an integer: integers, and numbers with no fraction.
    public var integer: Int64? {
        switch kind {
        case .integer(let value): return value
        case .number(let value) where value.rounded() == value && abs(value) < 9.0e15: return Int64(value)
        default: return nil
        }
    }

    public var array: [ValueNode]? {
        if case .array(let value) = kind { return value }
        return nil
    }

    public var members: [Member]? {
        if case .object(let value) = kind { return value }
        return nil
    }

    /// The member named `key` of an object.
    public subscript(key: String) -> ValueNode? {
        members?.first { $0.key == key }?.value
    }

    /// The member entry named `key`, with its key's location.
    public func member(_ key: String) -> Member? {
        members?.first { $0.key == key }
    }

    /// This object with the value of member `key` replaced by `kind` (where it was written).
    public func replacing(_ key: String, with kind: Kind) -> ValueNode {
        guard case .object(var members) = self.kind, let index = members.firstIndex(where: { $0.key == key }) else { return self }
        members[index].value = ValueNode(kind, at: members[index].value.location)
        return ValueNode(.object(members), at: location)
    }

    /// This object with `other`'s members put over its own, key by key (other's added at the end).
    public func overriding(with other: ValueNode) -> ValueNode {
        guard case .object(var members) = kind, let extra = other.members else { return other }
        for member in extra {
            if let index = members.firstIndex(where: { $0.key == member.key }) {
                members[index] = member
            } else {
                members.append(member)
            }
        }
        return ValueNode(.object(members), at: location)
    }

    /// The JSON type name used in messages: "integer", "object", ...
    public var typeName: String {
        switch kind {
        case .null: "null"
        case .bool: "boolean"
        case .integer: "integer"
        case .number: "number"
        case .string: "string"
        case .array: "array"
        case .object: "object"
        }
    }
}
