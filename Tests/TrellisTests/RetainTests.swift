import Foundation
import Testing

/// A Swift plugin's event path does no reference counting: the swift_retain and swift_release
/// calls made from inside the plugin library are the same for 100 bars as for 2,148.
@Suite struct RetainTests {
    /// Runs `trellis run` on the first `bars` GOOG bars with the retain counter preloaded.
    private func counts(bars: Int) throws -> (retains: Int, releases: Int, events: Int) {
        let counter = Repository.temporaryDirectory("trellis-retains") + "/libretain_counter.so"
        let compile = try Shell.run(["gcc", "-shared", "-fPIC", "-O2", "-o", counter, Repository.path("Tests/Fixtures/retain_counter.c"), "-ldl"])
        try #require(compile.status == 0, "\(compile.stderr)")
        let scenario = Scenario()
        let rows = try String(contentsOfFile: Repository.path("data/GOOG.csv"), encoding: .utf8).split(separator: "\n").prefix(bars + 1)
        scenario.write("goog.csv", rows.joined(separator: "\n") + "\n")
        let graph = scenario.write(
            "graph.yaml",
            """
            trellis: 1
            plugins: { load: [\(Repository.swiftSMACross)] }
            venue: { cash: 10000, commission: 0.002 }
            feeds: { goog: { source: csv, path: goog.csv, lot_size: 1 } }
            nodes:
              trend: { use: sma-cross-swift/sma-cross, inputs: [goog], params: { fast: 5, slow: 10, quantity: 0.9999, sizing: equity } }
            """)
        let output = try Shell.run(
            [Repository.trellis, "run", graph, "--json", "--no-default-plugin-paths"],
            environment: ["LD_PRELOAD": counter, "TRELLIS_COUNT_RETAINS_IN": "libTrellisSMACross.so"])
        try #require(output.status == 0, "\(output.stderr)")
        let line = try #require(output.stderr.split(separator: "\n").last { $0.hasPrefix("retains=") })
        let numbers = line.split(separator: " ").compactMap { Int($0.split(separator: "=").last ?? "") }
        let result = try JSONSerialization.jsonObject(with: Data(output.stdout.utf8)) as? [String: Any]
        let events = ((result?["nodes"] as? [[String: Any]])?.first?["eventsDelivered"] as? Int) ?? 0
        return (numbers[0], numbers[1], events)
    }

    @Test func theSwiftEventPathDoesNoReferenceCounting() throws {
        let short = try counts(bars: 100)
        let long = try counts(bars: 2148)
        #expect(long.events > short.events + 2000)
        #expect(long.retains == short.retains, "retains: \(short.retains) for \(short.events) events, \(long.retains) for \(long.events)")
        #expect(long.releases == short.releases, "releases: \(short.releases) for \(short.events) events, \(long.releases) for \(long.events)")
    }
}
