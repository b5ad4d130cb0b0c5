import Foundation
import TrellisHost

/// A temporary directory with a graph and data files, for engine and validation tests.
struct Scenario {
    let directory = Repository.temporaryDirectory("trellis-scenario")

    /// Writes `text` to `name` in the scenario directory and returns its path.
    @discardableResult
    func write(_ name: String, _ text: String) -> String {
        let path = directory + "/" + name
        _ = FileManager.default.createFile(atPath: path, contents: Data(text.utf8))
        return path
    }

    /// Writes daily bars with the given closes (open = previous close) from 2024-01-01.
    @discardableResult
    func writeBars(_ name: String, closes: [Double], startDay: Int = 1) -> String {
        var lines = [",Open,High,Low,Close,Volume"]
        var previous = closes.first ?? 100
        for (index, close) in closes.enumerated() {
            let day = startDay + index
            let date = "2024-\(String(format: "%02d", 1 + (day - 1) / 28))-\(String(format: "%02d", 1 + (day - 1) % 28))"
            lines.append("\(date),\(previous),\(max(previous, close)),\(min(previous, close)),\(close),1000")
            previous = close
        }
        return write(name, lines.joined(separator: "\n") + "\n")
    }

    /// Writes daily bars given as (open, high, low, close) from 2024-01-01 (Mondays to Sundays).
    @discardableResult
    func writeOHLC(_ name: String, _ bars: [(Double, Double, Double, Double)]) -> String {
        var lines = [",Open,High,Low,Close,Volume"]
        for (index, bar) in bars.enumerated() {
            lines.append("2024-01-\(String(format: "%02d", index + 1)),\(bar.0),\(bar.1),\(bar.2),\(bar.3),1000")
        }
        return write(name, lines.joined(separator: "\n") + "\n")
    }

    /// Prepares and runs the graph `yaml` (written as graph.yaml) with the test nodes available
    /// and no default plugin search path.
    func run(_ yaml: String, plugins: [LoadedPlugin] = [TestNodes.plugin]) throws -> RunResult {
        let path = write("graph.yaml", yaml)
        return try Backtest.prepare(graphAt: path, options: .init(includeDefaultPluginPaths: false, plugins: plugins)).run()
    }

    /// The diagnostics of preparing graph `yaml`, or [] when it prepares cleanly.
    func problems(_ yaml: String, plugins: [LoadedPlugin] = [TestNodes.plugin], file: String = "graph.yaml") -> [Diagnostic] {
        let path = write(file, yaml)
        do {
            _ = try Backtest.prepare(graphAt: path, options: .init(includeDefaultPluginPaths: false, plugins: plugins))
            return []
        } catch {
            return error.diagnostics
        }
    }
}
