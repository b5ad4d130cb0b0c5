import ArgumentParser
import TrellisHost

struct Validate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Checks a graph without running it.",
        discussion:
            "Reports every problem at once, each as file:line:column: what is wrong; what to do. Checks the YAML, the graph format, node types, parameters against each node's schema, inputs, kinds, gates and cycles, reads the data files, and creates (then destroys) every node so that plugins can refuse their parameters."
    )

    @OptionGroup var options: GraphOptions

    func run() throws {
        let backtest: Backtest
        do {
            backtest = try Backtest.prepare(graphAt: options.graph, options: options.backtestOptions)
        } catch {
            throw fail(error)
        }
        printWarnings(backtest.warnings)
        let graph = backtest.graph
        print("\(options.graph): ok: \(graph.spec.feeds.count) feeds, \(graph.nodes.count) nodes, \(backtest.eventCount) market events")
    }
}
