import Foundation
import Testing
import TrellisHost

/// The same strategy in C (gcc), Swift and Rust (cargo, no crates), loaded into one host
/// process, gives the same run: identical fingerprints.
@Suite struct NeutralityTests {
    /// Runs sma-cross (10, 20), all equity per trade, on GOOG with the plugin in `library`.
    static func runSMACross(library: String, type: String = "sma-cross", fast: Int = 10, slow: Int = 20) throws -> RunResult {
        let scenario = Scenario()
        return try scenario.run(
            """
            trellis: 1
            plugins: { load: [\(library)] }
            venue: { cash: 10000, commission: 0.002 }
            feeds:
              goog: { source: csv, path: \(Repository.path("data/GOOG.csv")), symbol: GOOG, lot_size: 1 }
            nodes:
              trend: { use: \(type), inputs: [goog], params: { fast: \(fast), slow: \(slow), quantity: 0.9999, sizing: equity } }
            """, plugins: [])
    }

    @Test func cSwiftAndRustGiveIdenticalRuns() throws {
        let c = try Self.runSMACross(library: try PluginBuilds.cSMACross(), type: "sma-cross-c/sma-cross")
        let swift = try Self.runSMACross(library: Repository.swiftSMACross, type: "sma-cross-swift/sma-cross")
        let rust = try Self.runSMACross(library: try PluginBuilds.rustSMACross(), type: "sma-cross-rust/sma-cross")
        #expect(c.nodes[0].plugin == "sma-cross-c" && swift.nodes[0].plugin == "sma-cross-swift" && rust.nodes[0].plugin == "sma-cross-rust")
        #expect(c.fills > 50, "the run must trade for the comparison to mean something")
        #expect(c.fingerprint == swift.fingerprint)
        #expect(c.fingerprint == rust.fingerprint)
        #expect(c.trades == swift.trades && c.trades == rust.trades)
        #expect(c.finalEquity == swift.finalEquity && c.finalEquity == rust.finalEquity)
    }

    @Test func parametersChangeTheRun() throws {
        let library = try PluginBuilds.cSMACross()
        let first = try Self.runSMACross(library: library, type: "sma-cross-c/sma-cross", fast: 10, slow: 20)
        let second = try Self.runSMACross(library: library, type: "sma-cross-c/sma-cross", fast: 5, slow: 30)
        #expect(first.fingerprint != second.fingerprint)
    }

    @Test func theSameRunTwiceGivesTheSameFingerprint() throws {
        let first = try Self.runSMACross(library: Repository.swiftSMACross, type: "sma-cross-swift/sma-cross")
        let second = try Self.runSMACross(library: Repository.swiftSMACross, type: "sma-cross-swift/sma-cross")
        #expect(first.fingerprint == second.fingerprint)
        #expect(first.fingerprint.count == 64)
        #expect(first.equityValues == second.equityValues)
    }
}
