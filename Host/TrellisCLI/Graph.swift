import ArgumentParser
import TrellisHost

struct Graph: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Draws a graph as Graphviz DOT or Mermaid.",
        discussion: "Pipe DOT to Graphviz, e.g. trellis graph strategies.yaml | dot -Tsvg > graph.svg, or paste Mermaid into a Markdown file.")

    @OptionGroup var options: GraphOptions

    @Option(help: "Output format: dot or mermaid.")
    var format: GraphRenderer.Format = .dot

    func run() throws {
        let (spec, problems) = GraphReader.read(contentsOf: options.graph)
        guard let spec else { throw fail(DiagnosticsError(problems)) }
        var kinds: [String: NodeKind] = [:]
        let (resolved, _) = GraphValidator.resolve(spec, includeDefaultPluginPaths: !options.noDefaultPluginPaths)
        for node in resolved?.nodes ?? [] { kinds[node.name] = node.type.kind }
        print(GraphRenderer.render(spec, kinds: kinds, format: format), terminator: "")
    }
}

extension GraphRenderer.Format: ExpressibleByArgument {}
