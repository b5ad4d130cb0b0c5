import FakeVenue
import Foundation
import Logging
import Testing
import TrellisHost

/// The live runtime (docs/live.md): events posted from a plugin's own thread and from the
/// network reach the engine in order; paper mode makes the backtest's decisions and fills on the
/// same data; a recorded session replays to the same fingerprint; real money needs two switches;
/// the C sim-broker trades on the fake venue through the host's services only, and its secret
/// appears nowhere.
@Suite(.serialized) struct LiveRuntimeTests {
    static func postingFeed() throws -> String { try PluginBuilds.c("Tests/Fixtures/plugins/posting_feed.c") }

    /// The sim-broker plugin, built with its Makefile's flags.
    static func simBroker() throws -> String {
        let directory = Repository.temporaryDirectory("sim-broker")
        let result = try Shell.run(["make", "-s", "-C", Repository.path("Plugins/sim-broker-c"), "OUT=\(directory)/libsim_broker_c.so"])
        guard result.status == 0 else { throw PluginBuilds.BuildFailure(description: "make failed: \(result.stderr)") }
        return directory
    }

    static func graph(feed: String, extra: String = "", nodes: String) -> String {
        """
        trellis: 1
        plugins: { load: [\(feed)] }
        venue: { cash: 10000, commission: 0.002 }
        \(extra)
        nodes:
        \(nodes)
        """
    }

    static let quiet = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }

    /// Paper and backtest over the same bars: the same trades at the same prices and sizes.
    @Test func paperModeMakesTheBacktestsDecisionsAndFills() throws {
        let feed = try Self.postingFeed()
        let data = Repository.path("data/GOOG.csv")
        let paper = Self.graph(
            feed: feed, extra: "live: { warmup: false }",
            nodes: """
                  feed: { use: posting-feed, params: { path: \(data), symbol: GOOG } }
                  trend: { use: sma-cross, inputs: [feed], params: { fast: 10, slow: 20, quantity: 0.9999, sizing: equity } }
                """)
        var options = Backtest.Options(logger: Self.quiet)
        options.mode = .paper
        options.stopAfter = .seconds(3)
        let live = try Backtest.prepare(text: paper, file: Repository.temporaryDirectory() + "/paper.yaml", options: options).run()
        let backtest = try Backtest.prepare(graphAt: Repository.path("strategies.yaml"), options: Backtest.Options(logger: Self.quiet)).run()
        #expect(live.mode == "paper" && live.live?.inputs == 2148)
        #expect(live.trades.count == backtest.trades.count && live.trades.count == 46)
        for (paperTrade, backtestTrade) in zip(live.trades, backtest.trades) {
            #expect(paperTrade.entryPrice == backtestTrade.entryPrice && paperTrade.exitPrice == backtestTrade.exitPrice)
            #expect(paperTrade.quantity == backtestTrade.quantity)
        }
        #expect(live.finalEquity == backtest.finalEquity)
    }

    /// A recorded paper session replays offline to the same fingerprint and the same requests.
    @Test func aRecordedSessionReplaysToTheSameFingerprint() throws {
        let feed = try Self.postingFeed()
        let data = Repository.path("data/GOOG.csv")
        let text = Self.graph(
            feed: feed, extra: "live: { warmup: false }",
            nodes: """
                  feed: { use: posting-feed, params: { path: \(data), symbol: GOOG, every_us: 20 } }
                  trend: { use: sma-cross, inputs: [feed], params: { fast: 10, slow: 20, quantity: 0.9999, sizing: equity } }
                """)
        let directory = Repository.temporaryDirectory()
        let journal = try Journal(path: directory + "/journal.sqlite")
        var options = Backtest.Options(logger: Self.quiet)
        options.mode = .paper
        options.stopAfter = .seconds(2)
        options.recordIn = journal
        let result = try Backtest.prepare(text: text, file: directory + "/paper.yaml", options: options).run()
        try journal.save(result)
        #expect(result.fills > 0)
        let outcome = try Replay.run("last", journal: journal, options: Backtest.Options(logger: Self.quiet))
        #expect(outcome.fingerprintMatches, "replayed \(outcome.replayed.fingerprint), recorded \(result.fingerprint)")
        #expect(outcome.outputsMatch)
        #expect(outcome.replayed.fills == result.fills)
    }

    /// Real money needs --real-money and the graph's real_money: true; either alone is refused.
    @Test func realMoneyNeedsTheCommandAndTheGraph() throws {
        let broker = try PluginBuilds.c("Tests/Fixtures/plugins/counting_broker.c")
        let feed = try Self.postingFeed()
        func attempt(realMoneyFlag: Bool, graphSays: Bool, mode: RunMode) -> String {
            let text = """
                trellis: 1
                plugins: { load: [\(broker), \(feed)] }
                live: { real_money: \(graphSays) }
                nodes:
                  feed: { use: posting-feed, params: { path: x.csv, symbol: GOOG } }
                  trend: { use: sma-cross, inputs: [feed], params: { fast: 2, slow: 3 } }
                  desk: { use: counting-broker, inputs: [trend], params: { report: /dev/null } }
                """
            var options = Backtest.Options(logger: Self.quiet)
            options.mode = mode
            options.realMoney = realMoneyFlag
            do {
                _ = try Backtest.prepare(text: text, file: "live.yaml", options: options)
                return "prepared"
            } catch {
                return error.diagnostics.map(\.message).joined(separator: "; ")
            }
        }
        #expect(attempt(realMoneyFlag: true, graphSays: false, mode: .live).contains("both must ask for real money"))
        #expect(attempt(realMoneyFlag: false, graphSays: true, mode: .live).contains("did not say --real-money"))
        #expect(attempt(realMoneyFlag: true, graphSays: true, mode: .paper).contains("--mode live only"))
        #expect(attempt(realMoneyFlag: false, graphSays: false, mode: .live) == "prepared")
    }

    /// The C sim-broker streams the fake venue's bars into a paper run through the host's HTTP and
    /// WebSocket services; the strategy trades on the simulated venue; the API key, read through
    /// the secrets extension, is in no log line, no journal row and no report.
    @Test func theSimBrokerFeedsAPaperRunAndItsSecretStaysSecret() throws {
        let secret = "planted-secret-\(UInt32.random(in: 1...UInt32.max))"
        let venue = FakeVenueServer(
            configuration: FakeVenueConfiguration(
                port: 0, apiKey: secret, marketData: .bars(path: Repository.path("data/GOOG.csv"), symbol: "GOOG"), intervalMs: 1),
            logger: Self.quiet)
        let port = try venue.start()
        defer { venue.stop() }
        let plugins = try Self.simBroker()
        let directory = Repository.temporaryDirectory()
        let text = """
            trellis: 1
            plugins: { search: [\(plugins)] }
            venue: { cash: 10000, commission: 0.002 }
            live: { warmup: false }
            feeds:
              goog: { source: csv, path: \(Repository.path("data/GOOG.csv")), symbol: GOOG, lot_size: 1, live: desk }
            nodes:
              desk:
                use: sim-broker
                params: { url: "http://127.0.0.1:\(port)" }
                network: { allow: ["127.0.0.1:\(port)"] }
                secrets: [sim_key]
              trend: { use: sma-cross, inputs: [goog], params: { fast: 10, slow: 20, quantity: 0.9999, sizing: equity } }
            """
        let lines = LogLines()
        var options = Backtest.Options(logger: Logger(label: "test") { _ in lines.handler() })
        options.mode = .paper
        options.stopAfter = .seconds(6)
        let journal = try Journal(path: directory + "/journal.sqlite")
        options.recordIn = journal
        setenv("TRELLIS_SECRET_SIM_KEY", secret, 1)
        defer { unsetenv("TRELLIS_SECRET_SIM_KEY") }
        let result = try Backtest.prepare(text: text, file: directory + "/paper.yaml", options: options).run()
        try journal.save(result)
        #expect(result.live?.inputs ?? 0 > 1000, "the bars came in over the WebSocket")
        #expect(result.fills > 10, "the strategy traded on the simulated venue")
        let report = directory + "/report.html"
        try HTMLReport.render(result).write(toFile: report, atomically: true, encoding: .utf8)
        for file in [directory + "/journal.sqlite", directory + "/journal.sqlite-wal", report] {
            guard let bytes = FileManager.default.contents(atPath: file) else { continue }
            #expect(bytes.range(of: Data(secret.utf8)) == nil, "the secret is in \(file)")
        }
        #expect(!lines.text.contains(secret) && !lines.text.isEmpty)
    }
}

/// Collects log lines, for tests that read what was logged.
final class LogLines: @unchecked Sendable {
    private let lock = NSLock()
    private var lines: [String] = []

    var text: String { lock.withLock { lines.joined(separator: "\n") } }

    func handler() -> any LogHandler { Collector(owner: self) }

    fileprivate func append(_ line: String) { lock.withLock { lines.append(line) } }

    private struct Collector: LogHandler {
        let owner: LogLines
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace
        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }
        func log(
            level: Logger.Level, message: Logger.Message, metadata: Logger.Metadata?, source: String, file: String, function: String, line: UInt
        ) {
            owner.append("\(level) \(metadata ?? [:]) \(message)")
        }
    }
}
