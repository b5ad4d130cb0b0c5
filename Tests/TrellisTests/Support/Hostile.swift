import Foundation

/// Runs `trellis` on graphs built to misbehave: the hostile C plugin
/// (Tests/Fixtures/plugins/hostile_plugin.c), bad numbers and bad files, each in a scenario of
/// its own with the first GOOG bars. Every run is bounded in time.
enum Hostile {
    /// The hostile plugin, built by gcc.
    static func library() throws -> String { try PluginBuilds.c("Tests/Fixtures/plugins/hostile_plugin.c") }

    /// Writes `goog.csv` (the first `bars` GOOG bars) into `scenario`.
    static func writeGOOG(_ scenario: Scenario, bars: Int = 200) throws {
        let rows = try String(contentsOfFile: Repository.path("data/GOOG.csv"), encoding: .utf8).split(separator: "\n").prefix(bars + 1)
        scenario.write("goog.csv", rows.joined(separator: "\n") + "\n")
    }

    /// A graph with the hostile node `bad` (its `params`), `extra` top-level YAML, on GOOG.
    static func graph(params: String, extra: String = "") throws -> String {
        """
        trellis: 1
        plugins: { load: [\(try library())] }
        \(extra)
        feeds:
          goog: { source: csv, path: goog.csv, symbol: GOOG }
        nodes:
          bad: { use: hostile, inputs: [goog], params: { \(params) } }
        """
    }

    /// `trellis <arguments>` with the graph `yaml` written as graph.yaml in a new scenario (the
    /// graph's path replaces "GRAPH" in `arguments`); the scenario is returned for its files.
    @discardableResult
    static func trellis(
        _ arguments: [String], graph yaml: String, bars: Int = 200, timeout: Duration = .seconds(60), scenario: Scenario = Scenario()
    ) throws -> Shell.Output {
        try writeGOOG(scenario, bars: bars)
        let path = scenario.write("graph.yaml", yaml)
        let journal = scenario.directory + "/journal.sqlite"
        let resolved = arguments.map { $0 == "GRAPH" ? path : $0 }
        return try Shell.run(
            [Repository.trellis] + resolved
                + (resolved.contains("--journal") || resolved.contains("--no-journal") || resolved.first != "run" ? [] : ["--journal", journal]),
            in: scenario.directory, timeout: timeout)
    }
}
