import Foundation

/// Draws a graph as Graphviz DOT or Mermaid: feeds, nodes with their type and kind, inputs as
/// solid edges, `when` gates as dashed edges labelled with the labels.
public enum GraphRenderer {
    public enum Format: String, Sendable, CaseIterable {
        case dot
        case mermaid
    }

    /// `kinds` gives each node's kind when the plugins are known (shapes differ by kind).
    public static func render(_ spec: GraphSpec, kinds: [String: NodeKind] = [:], format: Format) -> String {
        switch format {
        case .dot: dot(spec, kinds: kinds)
        case .mermaid: mermaid(spec, kinds: kinds)
        }
    }

    private static func dot(_ spec: GraphSpec, kinds: [String: NodeKind]) -> String {
        var lines = ["digraph trellis {", "  rankdir=LR;", "  node [fontname=\"Helvetica\", fontsize=11];"]
        for feed in spec.feeds {
            lines.append("  \(quote(feed.name)) [shape=cylinder, label=\(quote("\(feed.name)\n\(feed.symbol)"))];")
        }
        for node in spec.nodes {
            let kind = kinds[node.name]
            let shape =
                switch kind {
                case .risk: "octagon"
                case .broker: "box3d"
                case .model: "ellipse"
                case .observer: "note"
                default: "box"
                }
            let label = "\(node.name)\n\(node.use.value)" + (kind.map { " (\($0))" } ?? "")
            lines.append("  \(quote(node.name)) [shape=\(shape), label=\(quote(label))];")
        }
        for node in spec.nodes {
            for input in node.inputs { lines.append("  \(quote(input.value)) -> \(quote(node.name));") }
            for gate in node.when {
                lines.append(
                    "  \(quote(gate.node.value)) -> \(quote(node.name)) [style=dashed, label=\(quote("when " + gate.labels.joined(separator: " | ")))];")
            }
        }
        lines.append("}")
        return lines.joined(separator: "\n") + "\n"
    }

    private static func mermaid(_ spec: GraphSpec, kinds: [String: NodeKind]) -> String {
        var lines = ["flowchart LR"]
        for feed in spec.feeds {
            lines.append("  \(identifier(feed.name))[(\"\(feed.name)<br/>\(feed.symbol)\")]")
        }
        for node in spec.nodes {
            let kind = kinds[node.name]
            let text = "\(node.name)<br/>\(node.use.value)" + (kind.map { " (\($0))" } ?? "")
            let shape =
                switch kind {
                case .risk: "{{\"\(text)\"}}"
                case .model: "([\"\(text)\"])"
                default: "[\"\(text)\"]"
                }
            lines.append("  \(identifier(node.name))\(shape)")
        }
        for node in spec.nodes {
            for input in node.inputs { lines.append("  \(identifier(input.value)) --> \(identifier(node.name))") }
            for gate in node.when {
                lines.append("  \(identifier(gate.node.value)) -. \"when \(gate.labels.joined(separator: " | "))\" .-> \(identifier(node.name))")
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    private static func quote(_ text: String) -> String {
        "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"").replacingOccurrences(of: "\n", with: "\\n") + "\""
    }

    /// Mermaid ids may not contain '-'.
    private static func identifier(_ name: String) -> String {
        "n_" + name.replacingOccurrences(of: "-", with: "_")
    }
}
