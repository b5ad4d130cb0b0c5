import ArgumentParser
import Foundation
import TrellisHost

struct Run: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Runs a graph: a backtest on its feeds' data, filled by the simulated venue.",
        discussion:
            "Prints the trades, the final equity, the return and the run fingerprint, a SHA-256 over every order outcome and fill: two runs with the same fingerprint traded identically."
    )

    @OptionGroup var options: GraphOptions

    @Option(help: "Run mode. Only backtest exists so far; paper and live come with the live runtime.")
    var mode: Mode = .backtest

    @Option(help: "How many trades to list (a number, or 'all').")
    var trades: TradeLimit = .count(30)

    @Flag(help: "Print the result as JSON instead of a summary.")
    var json = false

    enum Mode: String, ExpressibleByArgument, CaseIterable {
        case backtest
    }

    func run() throws {
        let backtest: Backtest
        let result: RunResult
        do {
            backtest = try Backtest.prepare(graphAt: options.graph, options: options.backtestOptions)
            printWarnings(backtest.warnings)
            result = try backtest.run()
        } catch {
            throw fail(error)
        }
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            print(String(decoding: try encoder.encode(result), as: UTF8.self))
        } else {
            print(RunSummary(result: result, graph: backtest.graph, tradeLimit: trades.limit).text)
        }
    }
}

enum TradeLimit: ExpressibleByArgument {
    case all
    case count(Int)

    init?(argument: String) {
        if argument == "all" {
            self = .all
        } else if let count = Int(argument), count >= 0 {
            self = .count(count)
        } else {
            return nil
        }
    }

    var limit: Int? {
        if case .count(let count) = self { return count }
        return nil
    }
}
