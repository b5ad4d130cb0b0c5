/// One HTTP header field, in the order sent or received.
public struct Header: Sendable, Hashable {
    /// The field name; lower-cased in responses.
    public var name: String
    /// The field value, without surrounding white space.
    public var value: String

    /// Makes a header field.
    public init(name: String, value: String) {
        self.name = name
        self.value = value
    }
}

extension [Header] {
    /// The value of the first field named `name` (compared case-insensitively), if any.
    public func value(of name: String) -> String? {
        let wanted = name.lowercased()
        return first { $0.name.lowercased() == wanted }?.value
    }
}
