import Yams

/// Reads YAML (and JSON, a subset of it) into a `ValueNode` tree with positions.
public enum YAMLReader {
    /// Parses `text`; a syntax error, a duplicate key or an unsupported construct becomes a
    /// diagnostic at its position. Returns nil for the value when the text does not parse.
    public static func read(_ text: String, file: String) -> (ValueNode?, [Diagnostic]) {
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch let error as YamlError {
            return (nil, [diagnostic(for: error, file: file)])
        } catch {
            return (nil, [Diagnostic(file: file, at: nil, "cannot read YAML: \(error)")])
        }
        guard let root else {
            return (nil, [Diagnostic(file: file, at: SourceLocation(file: file, line: 1, column: 1), "the file is empty", hint: "see strategies.yaml for a complete graph")])
        }
        var diagnostics: [Diagnostic] = []
        let value = convert(root, file: file, into: &diagnostics)
        return (value, diagnostics)
    }

    private static func convert(_ node: Node, file: String, into diagnostics: inout [Diagnostic]) -> ValueNode {
        let location = node.mark.map { SourceLocation(file: file, line: $0.line, column: $0.column) }
        switch node {
        case .scalar(let scalar):
            return ValueNode(scalarKind(node, scalar.string), at: location)
        case .sequence(let sequence):
            return ValueNode(.array(sequence.map { convert($0, file: file, into: &diagnostics) }), at: location)
        case .mapping(let mapping):
            var members: [ValueNode.Member] = []
            for (key, value) in mapping {
                let keyLocation = key.mark.map { SourceLocation(file: file, line: $0.line, column: $0.column) }
                guard case .scalar(let keyScalar) = key else {
                    diagnostics.append(Diagnostic(file: file, at: keyLocation, "a key must be a plain name, not a list or a mapping"))
                    continue
                }
                if let first = members.first(where: { $0.key == keyScalar.string }) {
                    let earlier = first.keyLocation.map { " (first at line \($0.line))" } ?? ""
                    diagnostics.append(Diagnostic(file: file, at: keyLocation, "duplicate key '\(keyScalar.string)'\(earlier)", hint: "remove one of them"))
                    continue
                }
                members.append(.init(key: keyScalar.string, keyLocation: keyLocation, value: convert(value, file: file, into: &diagnostics)))
            }
            return ValueNode(.object(members), at: location)
        case .alias:
            diagnostics.append(Diagnostic(file: file, at: location, "YAML aliases are not supported here", hint: "write the value out"))
            return ValueNode(.null, at: location)
        }
    }

    private static func scalarKind(_ node: Node, _ text: String) -> ValueNode.Kind {
        switch node.tag.description {
        case Tag.Name.null.rawValue: .null
        case Tag.Name.bool.rawValue: node.bool.map { .bool($0) } ?? .string(text)
        case Tag.Name.int.rawValue: node.int.map { .integer(Int64($0)) } ?? .string(text)
        case Tag.Name.float.rawValue: node.float.map { .number($0) } ?? .string(text)
        default: .string(text)
        }
    }

    private static func diagnostic(for error: YamlError, file: String) -> Diagnostic {
        switch error {
        case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _),
            .composer(let context, let problem, let mark, _):
            let where_ = SourceLocation(file: file, line: mark.line, column: mark.column)
            let detail = context.map { "\(problem) \($0.text)" } ?? problem
            return Diagnostic(file: file, at: where_, "YAML syntax: \(detail)", hint: "check the indentation and quoting around this line")
        default:
            return Diagnostic(file: file, at: nil, "YAML: \(error)")
        }
    }
}
