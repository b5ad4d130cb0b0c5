import Foundation
import Testing

/// A Swift plugin's event path does no reference counting and the features node allocates
/// nothing per bar: what the counter (Tests/Fixtures/retain_counter.c, preloaded) sees from
/// inside the plugin library is the same for 100 bars as for 2,148.
@Suite struct RetainTests {
    struct Counts {
        var retains: Int
        var releases: Int
        var allocations: Int
        var events: Int
    }

    /// Runs `trellis run` on the first `bars` GOOG bars with the counter preloaded, counting in
    /// `library`; `node` is the graph's one node, reading feed `goog`.
    static func counts(bars: Int, library: String, node: String) throws -> Counts {
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
            plugins: { load: [\(library)] }
            venue: { cash: 10000, commission: 0.002 }
            feeds: { goog: { source: csv, path: goog.csv, lot_size: 1 } }
            nodes:
            \(node)
            """)
        let output = try Shell.run(
            [Repository.trellis, "run", graph, "--json", "--no-default-plugin-paths"],
            environment: ["LD_PRELOAD": counter, "TRELLIS_COUNT_RETAINS_IN": URL(fileURLWithPath: library).lastPathComponent])
        try #require(output.status == 0, "\(output.stderr)")
        let line = try #require(output.stderr.split(separator: "\n").last { $0.hasPrefix("retains=") })
        let numbers = line.split(separator: " ").compactMap { Int($0.split(separator: "=").last ?? "") }
        let result = try JSONSerialization.jsonObject(with: Data(output.stdout.utf8)) as? [String: Any]
        let events = ((result?["nodes"] as? [[String: Any]])?.first?["eventsDelivered"] as? Int) ?? 0
        return Counts(retains: numbers[0], releases: numbers[1], allocations: numbers[2], events: events)
    }

    @Test func theSwiftEventPathDoesNoReferenceCounting() throws {
        let node = "  trend: { use: sma-cross-swift/sma-cross, inputs: [goog], params: { fast: 5, slow: 10, quantity: 0.9999, sizing: equity } }"
        let short = try Self.counts(bars: 100, library: Repository.swiftSMACross, node: node)
        let long = try Self.counts(bars: 2148, library: Repository.swiftSMACross, node: node)
        #expect(long.events > short.events + 2000)
        #expect(long.retains == short.retains, "retains: \(short.retains) for \(short.events) events, \(long.retains) for \(long.events)")
        #expect(long.releases == short.releases, "releases: \(short.releases) for \(short.events) events, \(long.releases) for \(long.events)")
    }

    @Test func theFeaturesNodeAllocatesNothingPerBar() throws {
        let features = FeaturesNodeTests.everyIndicator.map(\.0).joined(separator: ", ")
        let node = "  f: { use: features, inputs: [goog], params: { features: [\(features)] } }"
        let short = try Self.counts(bars: 100, library: FeaturesNodeTests.library, node: node)
        let long = try Self.counts(bars: 2148, library: FeaturesNodeTests.library, node: node)
        #expect(long.events > short.events + 2000)
        #expect(short.allocations > 0, "the counter sees the node's set-up allocations")
        // Under a loaded machine the counter has once seen one allocation more on the long run
        // (a runtime cache filled late); an allocation per bar would show as 2,000 more.
        #expect(
            long.allocations - short.allocations <= 2,
            "allocations: \(short.allocations) for \(short.events) events, \(long.allocations) for \(long.events)")
    }
}
