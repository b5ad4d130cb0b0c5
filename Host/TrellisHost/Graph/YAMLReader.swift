import Yams

/// Reads YAML (and JSON, a subset of it) into a `ValueNode` tree with positions.
///
/// Scalars follow the YAML 1.2 core schema: only `true`/`false` are booleans and only plain
/// decimal, `0x` and `0o` numbers are integers, so a label such as `on`, `no` or `off` stays a
/// string (YAML 1.1 would read it as a boolean) and `9:30` is not the integer 570.
public enum YAMLReader {
    static let resolver: Resolver = {
        do {
            return try Resolver.basic
                .appending(.null, "^(?:~|null|Null|NULL|)$")
                .appending(.bool, "^(?:true|True|TRUE|false|False|FALSE)$")
                .appending(.int, "^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$")
                .appending(.float, "^(?:[-+]?(?:\\.[0-9]+|[0-9]+(?:\\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|[-+]?\\.(?:inf|Inf|INF)|\\.(?:nan|NaN|NAN))$")
        } catch {
            preconditionFailure("the YAML 1.2 core schema patterns must compile: \(error)")
        }
    }()

    /// Parses `text`; a syntax error, a duplicate key or an unsupported construct becomes a
    /// diagnostic at its position. Returns nil for the value when the text does not parse.
    public static func read(_ text: String, file: String) -> (ValueNode?, [Diagnostic]) {
        let root: Node?
        // The parser keeps the anchors alive while the tree is searched for them (a node holds
        // its anchor weakly).
        let parser: Parser
        do {
            parser = try Parser(yaml: text, resolver: resolver)
            root = try parser.singleRoot()
        } catch let YamlError.duplicatedKeysInMapping(duplicates, context) {
            return (
                nil,
                duplicates.map { key in
                    let place = secondOccurrence(of: key, in: text, from: context.mark) ?? (context.mark.line, context.mark.column)
                    return Diagnostic(
                        file: file, at: SourceLocation(file: file, line: place.0, column: place.1), "duplicate key '\(key)'", hint: "remove one of them")
                }
            )
        } catch let error as YamlError {
            return (nil, [diagnostic(for: error, file: file)])
        } catch {
            return (nil, [Diagnostic(file: file, at: nil, "cannot read YAML: \(error)")])
        }
        guard let root else {
            return (
                nil,
                [
                    Diagnostic(
                        file: file, at: SourceLocation(file: file, line: 1, column: 1), "the file is empty", hint: "see strategies.yaml for a complete graph")
                ]
            )
        }
        // An alias is the node it names, shared: expanding a few lines of them can take
        // gigabytes (a "billion laughs"). Refuse them, and anchors, before anything is expanded.
        if let anchored = withExtendedLifetime(parser, { firstAnchored(root) }) {
            let location = anchored.mark.map { SourceLocation(file: file, line: $0.line, column: $0.column) }
            return (
                nil,
                [
                    Diagnostic(
                        file: file, at: location, "YAML anchors (&name) and aliases (*name) are not supported in a graph",
                        hint: "write each value out where it is used")
                ]
            )
        }
        var diagnostics: [Diagnostic] = []
        let value = convert(root, file: file, into: &diagnostics)
        return (value, diagnostics)
    }

    private static func convert(_ node: Node, file: String, into diagnostics: inout [Diagnostic]) -> ValueNode {
        let location = node.mark.map { SourceLocation(file: file, line: $0.line, column: $0.column) }
        switch node {
        case .scalar(let scalar):
            let kind = scalarKind(node, scalar.string)
            if case .number(let value) = kind, !value.isFinite {
                diagnostics.append(
                    Diagnostic(
                        file: file, at: location,
                        "'\(TerminalText.safe(scalar.string, limit: 40))' is \(value.isNaN ? "not a number" : "infinite"); NaN and infinity are refused",
                        hint: "write a finite number (docs/limits.md gives the largest each setting takes)"))
            }
            return ValueNode(kind, at: location)
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
                members.append(.init(key: keyScalar.string, keyLocation: keyLocation, value: convert(value, file: file, into: &diagnostics)))
            }
            return ValueNode(.object(members), at: location)
        case .alias:
            diagnostics.append(Diagnostic(file: file, at: location, "YAML aliases are not supported here", hint: "write the value out"))
            return ValueNode(.null, at: location)
        }
    }

    /// The first node, depth first, that carries an anchor (an alias's target carries it too);
    /// each node is visited once, however often aliases repeat it.
    private static func firstAnchored(_ root: Node) -> Node? {
        var pending = [root]
        while let node = pending.popLast() {
            switch node {
            case .scalar(let scalar):
                if scalar.anchor != nil { return node }
            case .sequence(let sequence):
                if sequence.anchor != nil { return node }
                pending.append(contentsOf: sequence.reversed())
            case .mapping(let mapping):
                if mapping.anchor != nil { return node }
                for (key, value) in mapping.reversed() { pending.append(contentsOf: [value, key]) }
            case .alias:
                return node
            }
        }
        return nil
    }

    /// Where `key:` appears a second time in the block mapping that starts at `mark`.
    private static func secondOccurrence(of key: String, in text: String, from mark: Mark) -> (Int, Int)? {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        var seen = 0
        for number in max(1, mark.line)...max(1, lines.count) where number <= lines.count {
            let line = lines[number - 1]
            let indent = line.prefix { $0 == " " }.count
            guard indent + 1 == mark.column, line.dropFirst(indent).hasPrefix(key + ":") else { continue }
            seen += 1
            if seen == 2 { return (number, indent + 1) }
        }
        return nil
    }

    private static func scalarKind(_ node: Node, _ text: String) -> ValueNode.Kind {
        switch node.tag.description {
        case Tag.Name.null.rawValue: return .null
        case Tag.Name.bool.rawValue: return .bool(text.lowercased() == "true")
        case Tag.Name.int.rawValue:
            let value =
                text.hasPrefix("0x")
                ? Int64(text.dropFirst(2), radix: 16)
                : text.hasPrefix("0o")
                    ? Int64(text.dropFirst(2), radix: 8)
                    : Int64(text.hasPrefix("+") ? String(text.dropFirst()) : text)
            return value.map { .integer($0) } ?? .number(Double(text) ?? .nan)
        case Tag.Name.float.rawValue:
            let lower = text.lowercased()
            if lower.hasSuffix(".inf") { return .number(lower.hasPrefix("-") ? -.infinity : .infinity) }
            if lower == ".nan" { return .number(.nan) }
            return Double(text).map { .number($0) } ?? .string(text)
        default: return .string(text)
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
