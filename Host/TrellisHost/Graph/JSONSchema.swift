/// A JSON Schema that checks values and fills in defaults.
///
/// Supports the subset plugin parameters and the graph format need (documented in
/// docs/graph.md): `type`, `enum`, `const`, `properties`, `required`, `additionalProperties`,
/// `items`, `minItems`, `maxItems`, `uniqueItems`, `minimum`, `maximum`, `exclusiveMinimum`,
/// `exclusiveMaximum`, `multipleOf`, `minLength`, `maxLength`, `pattern`, `anyOf`, `oneOf`,
/// `allOf`, `not`, `$ref` to `#/$defs/…` or `#/definitions/…`, and `default`. Other keywords
/// are annotations and are ignored, as JSON Schema prescribes.
public struct JSONSchema: Sendable {
    public let root: ValueNode

    public init(_ root: ValueNode) {
        self.root = root
    }

    /// A problem of a value against the schema.
    public struct Violation: Sendable {
        /// Keys and indexes from the checked value down to the problem.
        public var path: [String]
        public var location: SourceLocation?
        public var message: String
        /// For an unknown key: the key and the keys the schema allows, for "did you mean".
        public var unknownKey: String?
        public var allowedKeys: [String] = []
    }

    /// Every problem of `value` against the schema.
    public func validate(_ value: ValueNode) -> [Violation] {
        var violations: [Violation] = []
        check(value, against: root, path: [], into: &violations)
        return violations
    }

    /// `value` with the `default` of every absent property filled in, recursively.
    public func withDefaults(_ value: ValueNode) -> ValueNode {
        fillDefaults(value, schema: root)
    }

    /// The names and schemas of the root object's properties, in schema order.
    public var properties: [(name: String, schema: ValueNode)] {
        (resolve(root)["properties"]?.members ?? []).map { ($0.key, $0.value) }
    }

    /// The root object's required properties.
    public var required: Set<String> {
        Set(resolve(root)["required"]?.array?.compactMap(\.string) ?? [])
    }

    // MARK: - Checking

    private func check(_ value: ValueNode, against schemaNode: ValueNode, path: [String], into out: inout [Violation]) {
        if let allowed = schemaNode.bool {
            if !allowed { out.append(Violation(path: path, location: value.location, message: "is not allowed here")) }
            return
        }
        let schema = resolve(schemaNode)
        var messages: [String] = []
        defer { out.append(contentsOf: messages.map { Violation(path: path, location: value.location, message: $0) }) }
        func fail(_ message: String) { messages.append(message) }

        // NaN and infinity are refused where the YAML is read (YAMLReader), with their place.
        if case .number(let number) = value.kind, !number.isFinite { return }
        if let types = schema["type"], !matchesType(value, types) {
            fail("must be \(typePhrase(types)), not \(value.typeName) \(value.shortText)")
            return
        }
        if let options = schema["enum"]?.array, !options.contains(where: { $0.sameValue(as: value) }) {
            var message = "must be one of \(options.map(\.shortText).joined(separator: ", ")), not \(value.shortText)"
            if let text = value.string, let guess = Suggestion.closest(to: text, in: options.compactMap(\.string)) {
                message += "; did you mean '\(guess)'?"
            }
            fail(message)
        }
        if let constant = schema["const"], !constant.sameValue(as: value) {
            fail("must be \(constant.shortText), not \(value.shortText)")
        }
        if let number = value.number { checkNumber(number, schema, fail) }
        if let text = value.string { checkString(text, schema, fail) }
        if let items = value.array { checkArray(items, schema, path: path, fail, into: &out) }
        if let members = value.members { checkObject(value, members, schema, path: path, into: &out) }
        checkCombinators(value, schema, path: path, fail, into: &out)
    }

    private func checkNumber(_ number: Double, _ schema: ValueNode, _ fail: (String) -> Void) {
        // An integer whose schema sets no maximum still has one: what any host-side count can hold.
        if schema["maximum"] == nil, schema["exclusiveMaximum"] == nil, schema["type"]?.string == "integer",
            number.magnitude > Double(NumericBounds.integer)
        {
            fail("must be at most \(NumericBounds.words(Double(NumericBounds.integer))) either way (no integer parameter may be larger), not \(format(number))")
            return
        }
        if let minimum = schema["minimum"]?.number, number < minimum { fail("must be at least \(format(minimum)), not \(format(number))") }
        if let maximum = schema["maximum"]?.number, number > maximum { fail("must be at most \(format(maximum)), not \(format(number))") }
        if let bound = schema["exclusiveMinimum"]?.number, number <= bound { fail("must be greater than \(format(bound)), not \(format(number))") }
        if let bound = schema["exclusiveMaximum"]?.number, number >= bound { fail("must be less than \(format(bound)), not \(format(number))") }
        if let step = schema["multipleOf"]?.number, step > 0 {
            let ratio = number / step
            if abs(ratio - ratio.rounded()) > 1e-9 { fail("must be a multiple of \(format(step)), not \(format(number))") }
        }
    }

    private func checkString(_ text: String, _ schema: ValueNode, _ fail: (String) -> Void) {
        if let minimum = schema["minLength"]?.integer, text.count < minimum { fail("must have at least \(minimum) characters") }
        if let maximum = schema["maxLength"]?.integer, text.count > maximum { fail("must have at most \(maximum) characters, not \(text.count)") }
        if let pattern = schema["pattern"]?.string, let regex = try? Regex(pattern), (try? regex.firstMatch(in: text)) == nil {
            fail("\(ValueNode(.string(text)).shortText) does not match the pattern \(pattern)")
        }
    }

    private func checkArray(_ items: [ValueNode], _ schema: ValueNode, path: [String], _ fail: (String) -> Void, into out: inout [Violation]) {
        if let minimum = schema["minItems"]?.integer, items.count < minimum { fail("must have at least \(minimum) items, not \(items.count)") }
        if let maximum = schema["maxItems"]?.integer, items.count > maximum { fail("must have at most \(maximum) items, not \(items.count)") }
        if schema["uniqueItems"]?.bool == true {
            for (index, item) in items.enumerated() where items[..<index].contains(where: { $0.sameValue(as: item) }) {
                out.append(Violation(path: path + ["\(index)"], location: item.location, message: "repeats \(item.shortText)"))
            }
        }
        if let itemSchema = schema["items"] {
            for (index, item) in items.enumerated() {
                check(item, against: itemSchema, path: path + ["\(index)"], into: &out)
            }
        }
    }

    private func checkObject(_ value: ValueNode, _ members: [ValueNode.Member], _ schema: ValueNode, path: [String], into out: inout [Violation]) {
        let properties = schema["properties"]?.members ?? []
        for required in schema["required"]?.array?.compactMap(\.string) ?? [] where !members.contains(where: { $0.key == required }) {
            out.append(Violation(path: path, location: value.location, message: "needs the key '\(required)'"))
        }
        let additional = schema["additionalProperties"]
        for member in members {
            if let property = properties.first(where: { $0.key == member.key }) {
                check(member.value, against: property.value, path: path + [member.key], into: &out)
            } else if let additional {
                if additional.bool == false {
                    out.append(
                        Violation(
                            path: path + [member.key], location: member.keyLocation ?? member.value.location,
                            message: "unknown key '\(member.key)'", unknownKey: member.key, allowedKeys: properties.map(\.key)))
                } else {
                    check(member.value, against: additional, path: path + [member.key], into: &out)
                }
            }
        }
        if let minimum = schema["minProperties"]?.integer, members.count < minimum {
            out.append(Violation(path: path, location: value.location, message: "needs at least \(minimum) entries"))
        }
    }

    private func checkCombinators(_ value: ValueNode, _ schema: ValueNode, path: [String], _ fail: (String) -> Void, into out: inout [Violation]) {
        for part in schema["allOf"]?.array ?? [] { check(value, against: part, path: path, into: &out) }
        if let options = schema["anyOf"]?.array {
            let results = options.map { option in
                var inner: [Violation] = []
                check(value, against: option, path: path, into: &inner)
                return inner
            }
            if !results.contains(where: \.isEmpty) {
                out.append(contentsOf: results.min { $0.count < $1.count } ?? [])
            }
        }
        if let options = schema["oneOf"]?.array {
            let matches = options.filter { option in
                var inner: [Violation] = []
                check(value, against: option, path: path, into: &inner)
                return inner.isEmpty
            }
            if matches.count != 1 { fail(matches.isEmpty ? "matches none of the allowed forms" : "matches more than one of the allowed forms") }
        }
        if let forbidden = schema["not"] {
            var inner: [Violation] = []
            check(value, against: forbidden, path: path, into: &inner)
            if inner.isEmpty { fail("is a form that is not allowed here") }
        }
    }

    // MARK: - Helpers

    /// Follows `$ref` to `#/$defs/name` or `#/definitions/name` (and chains of them).
    func resolve(_ schema: ValueNode) -> ValueNode {
        var current = schema
        for _ in 0..<16 {
            guard let reference = current["$ref"]?.string, reference.hasPrefix("#/") else { return current }
            var target: ValueNode? = root
            for part in reference.dropFirst(2).split(separator: "/") { target = target?[String(part)] }
            guard let target else { return current }
            current = target
        }
        return current
    }

    private func matchesType(_ value: ValueNode, _ types: ValueNode) -> Bool {
        let names = types.string.map { [$0] } ?? types.array?.compactMap(\.string) ?? []
        return names.contains { name in
            switch name {
            case "null": if case .null = value.kind { return true } else { return false }
            case "boolean": return value.bool != nil
            case "integer": return value.integer != nil
            case "number": return value.number != nil
            case "string": return value.string != nil
            case "array": return value.array != nil
            case "object": return value.members != nil
            default: return false
            }
        }
    }

    private func typePhrase(_ types: ValueNode) -> String {
        let names = types.string.map { [$0] } ?? types.array?.compactMap(\.string) ?? []
        return names.map { ($0 == "integer" || $0 == "object" || $0 == "array") ? "an \($0)" : "a \($0)" }.joined(separator: " or ")
    }

    private func format(_ number: Double) -> String {
        NumberFormat.compact(number)
    }

    private func fillDefaults(_ value: ValueNode, schema schemaNode: ValueNode) -> ValueNode {
        let schema = resolve(schemaNode)
        guard var members = value.members, let properties = schema["properties"]?.members else { return value }
        for index in members.indices {
            if let property = properties.first(where: { $0.key == members[index].key }) {
                members[index].value = fillDefaults(members[index].value, schema: property.value)
            }
        }
        for property in properties where !members.contains(where: { $0.key == property.key }) {
            if let fallback = resolve(property.value)["default"] { members.append(.init(key: property.key, value: fallback)) }
        }
        return ValueNode(.object(members), at: value.location)
    }
}

extension ValueNode {
    /// Equality of values, ignoring where they came from; 1 equals 1.0.
    public func sameValue(as other: ValueNode) -> Bool {
        switch (kind, other.kind) {
        case (.null, .null): return true
        case let (.bool(a), .bool(b)): return a == b
        case let (.string(a), .string(b)): return a == b
        case (.integer, _), (.number, _): return number != nil && number == other.number
        case let (.array(a), .array(b)): return a.count == b.count && zip(a, b).allSatisfy { $0.sameValue(as: $1) }
        case let (.object(a), .object(b)):
            return a.count == b.count && a.allSatisfy { member in b.contains { $0.key == member.key && $0.value.sameValue(as: member.value) } }
        default: return false
        }
    }
}
