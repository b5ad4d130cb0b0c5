import FakeVenue
import Foundation
import GRDB
import Glibc
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

    /// Runs a paper or live graph until its nodes have handled `inputs` network messages and
    /// answers, or `within` has passed: the test waits for the data, not for a guessed time,
    /// so a loaded machine makes it slower, never wrong.
    static func run(_ text: String, file: String, options: Backtest.Options, untilInputs inputs: Int, within: Duration = .seconds(90)) throws -> RunResult {
        final class Stopper: @unchecked Sendable {
            let lock = NSLock()
            var run: Backtest?
            var seen = 0
        }
        let stopper = Stopper()
        var options = options
        options.stopAfter = within
        options.inputTiming = { _ in
            let run: Backtest? = stopper.lock.withLock {
                stopper.seen += 1
                return stopper.seen == inputs ? stopper.run : nil
            }
            run?.stop("the test has the inputs it waited for")
        }
        let run = try Backtest.prepare(text: text, file: file, options: options)
        stopper.lock.withLock { stopper.run = run }
        return try run.run()
    }

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
    /// A paper session of SMA-cross on GOOG bars a C feed posts every `every` µs, recorded in a
    /// new journal; `configure` adjusts the options.
    static func recordedPaperSession(
        every: Int, seconds: Int, _ configure: (inout Backtest.Options) -> Void = { _ in }
    ) throws -> (
        directory: String, journal: Journal, result: RunResult
    ) {
        let feed = try postingFeed()
        let data = Repository.path("data/GOOG.csv")
        let text = graph(
            feed: feed, extra: "live: { warmup: false }",
            nodes: """
                  feed: { use: posting-feed, params: { path: \(data), symbol: GOOG, every_us: \(every) } }
                  trend: { use: sma-cross, inputs: [feed], params: { fast: 10, slow: 20, quantity: 0.9999, sizing: equity } }
                """)
        let directory = Repository.temporaryDirectory()
        let journal = try Journal(path: directory + "/journal.sqlite")
        var options = Backtest.Options(logger: quiet)
        options.mode = .paper
        options.stopAfter = .seconds(seconds)
        options.recordIn = journal
        configure(&options)
        return (directory, journal, try Backtest.prepare(text: text, file: directory + "/paper.yaml", options: options).run())
    }

    @Test func aRecordedSessionReplaysToTheSameFingerprint() throws {
        let (directory, journal, result) = try Self.recordedPaperSession(every: 20, seconds: 2)
        try journal.save(result)
        #expect(result.fills > 0)
        let outcome = try Replay.run("last", journal: journal, options: Backtest.Options(logger: Self.quiet))
        #expect(outcome.fingerprintMatches, "replayed \(outcome.replayed.fingerprint), recorded \(result.fingerprint)")
        #expect(outcome.outputsMatch)
        #expect(outcome.replayed.fills == result.fills)

        // A session recorded before the inputs had a file of their own kept them in the journal's
        // own `live_inputs`: it replays the same.
        let inputs = directory + "/journal.inputs.sqlite"
        try DatabaseQueue(path: journal.path).writeWithoutTransaction { db in
            try db.execute(sql: "ATTACH DATABASE ? AS recorded", arguments: [inputs])
            try db.execute(sql: "INSERT INTO main.live_inputs SELECT * FROM recorded.live_inputs")
            try db.execute(sql: "DETACH DATABASE recorded")
        }
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: inputs + suffix) }
        let older = try Replay.run("last", journal: journal, options: Backtest.Options(logger: Self.quiet))
        #expect(older.inputs == outcome.inputs && older.fingerprintMatches && older.outputsMatch)
    }

    /// The inputs file full (SQLite's page limit): trading halts and says which file and why,
    /// the inputs are not taken again after the failure, and the run's end still commits its
    /// orders and marks the run halted in the journal.
    @Test func aFullInputsFileHaltsAndTheOrdersAreStillJournaled() throws {
        // A fresh inputs file has its schema in 2 pages; room for about 40 KiB of inputs more.
        let (_, journal, result) = try Self.recordedPaperSession(every: 200, seconds: 3) { $0.inputsPageLimit = 12 }
        let halt = try #require(result.live?.halt, "the run halted")
        #expect(halt.contains("cannot record inputs in") && halt.contains("journal.inputs.sqlite") && halt.contains("disk is full"), "\(halt)")
        #expect(result.fills > 0, "the strategy traded before the file filled")
        let (state, orders, fills) = try DatabaseQueue(path: journal.path).read { db in
            (
                try String.fetchOne(db, sql: "SELECT state FROM live_runs WHERE run_id = ?", arguments: [result.runID]),
                try Int.fetchOne(db, sql: "SELECT count(*) FROM orders WHERE run_id = ?", arguments: [result.runID]) ?? 0,
                try Int.fetchOne(db, sql: "SELECT count(*) FROM fills WHERE run_id = ?", arguments: [result.runID]) ?? 0
            )
        }
        #expect(state == "halted", "the run's end was journaled: \(state ?? "nothing")")
        #expect(orders > 0 && fills == result.fills, "every fill of the run is in the journal: \(fills) of \(result.fills)")
    }

    /// Real money needs --real-money and the graph's real_money: true; either alone is refused.
    @Test func realMoneyNeedsTheCommandAndTheGraph() throws {
        let broker = try PluginBuilds.c("Tests/Fixtures/plugins/counting_broker.c")
        let feed = try Self.postingFeed()
        func attempt(realMoneyFlag: Bool, graphSays: Bool, mode: RunMode, journal: Bool = true) -> String {
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
            options.recordIn = journal ? try? Journal(path: Repository.temporaryDirectory() + "/journal.sqlite") : nil
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
        // Live mode writes every order ahead to a journal: without one it does not start.
        #expect(attempt(realMoneyFlag: false, graphSays: false, mode: .live, journal: false).contains("no journal was given"))
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
        let journal = try Journal(path: directory + "/journal.sqlite")
        options.recordIn = journal
        setenv("TRELLIS_SECRET_SIM_KEY", secret, 1)
        defer { unsetenv("TRELLIS_SECRET_SIM_KEY") }
        let result = try Self.run(text, file: directory + "/paper.yaml", options: options, untilInputs: 1200)
        try journal.save(result)
        #expect(result.live?.inputs ?? 0 > 1000, "the bars came in over the WebSocket")
        #expect(result.fills > 10, "the strategy traded on the simulated venue")
        let report = directory + "/report.html"
        try HTMLReport.render(result).write(toFile: report, atomically: true, encoding: .utf8)
        #expect(FileManager.default.fileExists(atPath: directory + "/journal.inputs.sqlite"), "the inputs were recorded beside the journal")
        for file in [
            directory + "/journal.sqlite", directory + "/journal.sqlite-wal", directory + "/journal.inputs.sqlite", directory + "/journal.inputs.sqlite-wal",
            report,
        ] {
            guard let bytes = FileManager.default.contents(atPath: file) else { continue }
            #expect(bytes.range(of: Data(secret.utf8)) == nil, "the secret is in \(file)")
        }
        #expect(!lines.text.contains(secret) && !lines.text.isEmpty)
    }

    /// Live mode on the fake venue with seeded faults (lost order responses, duplicated and
    /// reordered stream messages): orders go out through the C sim-broker, every client order id
    /// is posted once, the host books exactly the venue's fills, and the recorded session
    /// replays offline to the same fingerprint and the same requests.
    @Test func liveOrdersReachTheVenueOnceAndEveryFillIsBookedOnce() throws {
        var faults = FakeVenueFaults()
        faults.duplicate = 0.05
        faults.reorder = 0.2
        faults.lostResponse = 0.2
        let venue = FakeVenueServer(
            configuration: FakeVenueConfiguration(
                port: 0, marketData: .bars(path: Repository.path("data/GOOG.csv"), symbol: "GOOG"), intervalMs: 2, seed: 7, faults: faults),
            logger: Self.quiet)
        let port = try venue.start()
        defer { venue.stop() }
        let directory = Repository.temporaryDirectory()
        let text = """
            trellis: 1
            venue: { cash: 10000, commission: 0.001 }
            live: { warmup: false, stop_timeout_seconds: 5 }
            feeds:
              goog: { source: csv, path: \(Repository.path("data/GOOG.csv")), symbol: GOOG, lot_size: 1, live: desk }
            nodes:
              trend: { use: sma-cross, inputs: [goog], params: { fast: 10, slow: 20, quantity: 0.5, sizing: equity } }
              desk:
                use: sim-broker
                inputs: [trend]
                params: { url: "http://127.0.0.1:\(port)", request_timeout_ms: 2000 }
                network: { allow: ["127.0.0.1:\(port)"] }
                secrets: [sim_key]
            """
        var options = Backtest.Options(logger: Self.quiet)
        options.mode = .live
        let journal = try Journal(path: directory + "/journal.sqlite")
        options.recordIn = journal
        setenv("TRELLIS_SECRET_SIM_KEY", "sim-key", 1)
        defer { unsetenv("TRELLIS_SECRET_SIM_KEY") }
        let result = try Self.run(text, file: directory + "/live.yaml", options: options, untilInputs: 1500)
        try journal.save(result)
        let replay = try Replay.run("last", journal: journal, options: Backtest.Options(logger: Self.quiet))
        #expect(replay.fingerprintMatches && replay.outputsMatch, "a live session with orders, faults and a stop replays to the same fingerprint and requests")
        let posts = venue.requests.filter { $0.method == "POST" && $0.path.hasSuffix("/orders") }
        #expect(posts.count > 10, "orders reached the venue")
        #expect(Set(posts.map(\.clientOrderId)).count == posts.count, "no client order id was posted twice")
        #expect((venue.state.faultsInjected["lostResponse"] ?? 0) > 0, "some answers were lost: \(venue.state.faultsInjected)")
        #expect(result.fills == venue.state.fills, "the host booked \(result.fills) fills, the venue made \(venue.state.fills)")
        #expect(Self.lifecycleRegressions(result) == 0, "updates that moved an order back reached the nodes")
        #expect(result.live?.realMoney == false)
    }

    /// In a live run a challenger with `baseline: paper` is judged against a paper copy of its
    /// champion: the venue charges 1% where the graph's simulated venue charges 0.1%, and the
    /// champion side's trades pay 0.1% with the paper baseline, 1% with the real fills. (The two
    /// sides need not trade alike: the champion learns of its real fills later than the
    /// challenger of its simulated ones.)
    @Test func aPaperBaselineJudgesAChallengerAgainstAPaperCopyOfItsChampion() throws {
        func run(baseline: String) throws -> RunResult {
            let venue = FakeVenueServer(
                configuration: FakeVenueConfiguration(
                    port: 0, marketData: .bars(path: Repository.path("data/GOOG.csv"), symbol: "GOOG"), intervalMs: 2, commission: 0.01),
                logger: Self.quiet)
            let port = try venue.start()
            defer { venue.stop() }
            let text = """
                trellis: 1
                plugins: { load: [\(Repository.abShadow)] }
                venue: { cash: 10000, commission: 0.001 }
                live: { warmup: false }
                feeds:
                  goog: { source: csv, path: \(Repository.path("data/GOOG.csv")), symbol: GOOG, lot_size: 1, live: desk }
                nodes:
                  trend: { use: sma-cross, inputs: [goog], params: { fast: 10, slow: 20, quantity: 5 } }
                  desk:
                    use: sim-broker
                    inputs: [trend]
                    params: { url: "http://127.0.0.1:\(port)" }
                    network: { allow: ["127.0.0.1:\(port)"] }
                    secrets: [sim_key]
                shadow:
                  twin: { replaces: trend, baseline: \(baseline) }
                  verdict: { use: ab-shadow }
                """
            var options = Backtest.Options(logger: Self.quiet)
            options.mode = .live
            options.recordIn = try Journal(path: Repository.temporaryDirectory() + "/journal.sqlite")
            return try Self.run(text, file: Repository.temporaryDirectory() + "/shadow.yaml", options: options, untilInputs: 1500)
        }
        setenv("TRELLIS_SECRET_SIM_KEY", "sim-key", 1)
        defer { unsetenv("TRELLIS_SECRET_SIM_KEY") }
        // A trade's commission tells which venue filled it: the graph's 0.1% or the venue's 1%.
        func rate(_ trade: Trade) -> Double { trade.commission / (abs(trade.quantity) * (trade.entryPrice + (trade.exitPrice ?? 0))) }
        let paper = try #require(try run(baseline: "paper").shadow?.challengers.first)
        #expect(paper.challenger.trades.count > 5 && paper.champion.trades.count > 5)
        #expect(paper.champion.trades.allSatisfy { abs(rate($0) - 0.001) < 1e-9 }, "the paper champion filled at the graph's commission")
        #expect(paper.challenger.trades.allSatisfy { abs(rate($0) - 0.001) < 1e-9 })
        let fills = try #require(try run(baseline: "fills").shadow?.challengers.first)
        #expect(fills.champion.trades.count > 5)
        #expect(fills.champion.trades.allSatisfy { abs(rate($0) - 0.01) < 1e-9 }, "the real champion paid the venue's 1%")
    }

    /// `trellis.tcp/1`: a C node listens through the host (on the address the graph allows), and a
    /// peer's bytes reach it on the engine thread and its answer goes back.
    @Test func aNodeListensThroughTheHostAndAnswersAPeer() throws {
        let library = try PluginBuilds.c("Tests/Fixtures/plugins/tcp_echo.c")
        let directory = Repository.temporaryDirectory()
        let portFile = directory + "/port"
        let text = """
            trellis: 1
            plugins: { load: [\(library)] }
            nodes:
              echo: { use: tcp-echo, params: { port_file: \(portFile) }, network: { listen: ["127.0.0.1:0"] } }
            """
        var options = Backtest.Options(logger: Self.quiet)
        options.mode = .paper
        options.stopAfter = .seconds(20)
        nonisolated(unsafe) let run = try Backtest.prepare(text: text, file: directory + "/tcp.yaml", options: options)
        let finished = DispatchSemaphore(value: 0)
        nonisolated(unsafe) var result: RunResult?
        Thread.detachNewThread {
            result = try? run.run()
            finished.signal()
        }
        let deadline = Date().addingTimeInterval(10)
        var port: UInt16?
        while port == nil, Date() < deadline {
            port = (try? String(contentsOfFile: portFile, encoding: .utf8)).flatMap { UInt16($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
            if port == nil { Thread.sleep(forTimeInterval: 0.02) }
        }
        let bound = try #require(port, "the node reported its port")
        #expect(try LoopbackClient.exchange(port: bound, send: "hello\n") == "HELLO\n")
        run.stop("the test is done")
        #expect(finished.wait(timeout: .now() + 10) == .success, "the run stopped")
        #expect(result?.live?.stopReason == "the test is done")
    }

    /// Ctrl-C stops a paper run from the command line gracefully: status 0, the summary, the
    /// journal; and the recording replays.
    @Test func ctrlCStopsAPaperRunGracefully() throws {
        let feed = try Self.postingFeed()
        let directory = Repository.temporaryDirectory()
        let graph = directory + "/paper.yaml"
        try Self.graph(
            feed: feed, extra: "live: { warmup: false }",
            nodes: """
                  feed: { use: posting-feed, params: { path: \(Repository.path("data/GOOG.csv")), symbol: GOOG, every_us: 2000 } }
                  trend: { use: sma-cross, inputs: [feed], params: { fast: 10, slow: 20, quantity: 0.9999, sizing: equity } }
                """
        ).write(toFile: graph, atomically: true, encoding: .utf8)
        let journal = directory + "/journal.sqlite"
        let output = try Shell.run(
            ["timeout", "--preserve-status", "-s", "INT", "3", Repository.trellis, "run", graph, "--mode", "paper", "--journal", journal],
            timeout: .seconds(60))
        #expect(output.status == 0 && !output.signaled, "\(output.shellStatus): \(output.stderr)")
        #expect(output.stdout.contains("stopped        SIGINT (Ctrl-C) received"), "\(output.stdout)")
        #expect(output.stderr.contains("stopping gracefully"))
        let replay = try Shell.run([Repository.trellis, "replay", "last", "--journal", journal], timeout: .seconds(60))
        #expect(replay.status == 0 && replay.stdout.contains("= the run's"), "\(replay.stdout)\(replay.stderr)")
    }

    /// Updates of one order that move it back in its lifecycle (by the order log), or follow its final one.
    static func lifecycleRegressions(_ result: RunResult) -> Int {
        func rank(_ status: Int32) -> Int { [0: 0, 1: 1, 2: 2, 3: 3, 9: 3, 10: 3][status] ?? 4 }
        var last: [String: Int] = [:]
        var regressions = 0
        for event in result.orders where event.kind == .update {
            let order = "\(event.node)/\(event.orderID)"
            if let previous = last[order], rank(event.status) < previous || previous == 4 { regressions += 1 }
            last[order] = rank(event.status)
        }
        return regressions
    }

    /// A broker whose venue repeats and reorders its messages (ACCEPTED and FILLED again after
    /// FILLED): the host drops both as stale, counts them, and the node hears each state once.
    @Test func staleUpdatesFromABrokerNeverReachTheNode() throws {
        let broker = try PluginBuilds.c("Tests/Fixtures/plugins/counting_broker.c")
        func run(stale: Int) throws -> RunResult {
            let text = """
                trellis: 1
                plugins: { load: [\(broker)] }
                feeds: { goog: { source: csv, path: \(Repository.path("data/GOOG.csv")), symbol: GOOG, lot_size: 1 } }
                nodes:
                  trend: { use: sma-cross, inputs: [goog], params: { fast: 10, slow: 20, quantity: 5 } }
                  desk: { use: counting-broker, inputs: [trend], params: { report: /dev/null, price: 100, stale: \(stale) } }
                """
            var options = Backtest.Options(logger: Self.quiet)
            options.routesOrdersToBrokers = true
            return try Backtest.prepare(text: text, file: "stale.yaml", options: options).run()
        }
        let clean = try run(stale: 0), noisy = try run(stale: 1)
        #expect(noisy.orders.count == clean.orders.count && noisy.fingerprint == clean.fingerprint, "the stale reports changed nothing")
        #expect(Self.lifecycleRegressions(noisy) == 0)
        #expect(!noisy.warnings.contains { $0.contains("desk") }, "a stale report is not the broker's fault: \(noisy.warnings)")
    }

    /// A node may reach only what its graph entry allows: the sim-broker's request to an address
    /// the graph does not list is refused before anything is sent, logged, and counted against it.
    @Test func aNodeReachesOnlyWhatTheGraphAllows() throws {
        let text = """
            trellis: 1
            feeds:
              goog: { source: csv, path: \(Repository.path("data/GOOG.csv")), symbol: GOOG, live: desk }
            nodes:
              trend: { use: sma-cross, inputs: [goog] }
              desk: { use: sim-broker, params: { url: "http://127.0.0.1:9" }, network: { allow: ["127.0.0.1:8"] }, secrets: [sim_key] }
            """
        let lines = LogLines()
        var options = Backtest.Options(logger: Logger(label: "test") { _ in lines.handler() })
        options.mode = .paper
        options.stopAfter = .seconds(1)
        setenv("TRELLIS_SECRET_SIM_KEY", "sim-key", 1)
        defer { unsetenv("TRELLIS_SECRET_SIM_KEY") }
        let result = try Backtest.prepare(text: text, file: "allow.yaml", options: options).run()
        #expect(lines.text.contains("an HTTP request to http://127.0.0.1:9/api/v1/instruments: the graph does not allow it"), "\(lines.text)")
        #expect(result.live?.outputs == 0, "nothing was sent")
        #expect(result.warnings.contains { $0.contains("node 'desk' had") })
    }

    /// A secrets file its group or others may read is refused, and the node is told so.
    @Test func aSecretsFileOthersMayReadIsRefused() throws {
        let file = Repository.temporaryDirectory() + "/secrets"
        try "sim_key = from-file\n".write(toFile: file, atomically: true, encoding: .utf8)
        chmod(file, 0o644)
        #expect(SecretStore(file: file, environment: [:]).value("sim_key") != .found("from-file"))
        chmod(file, 0o600)
        #expect(SecretStore(file: file, environment: [:]).value("sim_key") == .found("from-file"))
        #expect(SecretStore(file: file, environment: ["TRELLIS_SECRET_SIM_KEY": "env"]).value("sim_key") == .found("env"))
    }
}

/// A TCP client on loopback for tests: connects, sends, reads one answer.
enum LoopbackClient {
    static func exchange(port: UInt16, send text: String) throws -> String {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var timeout = timeval(tv_sec: 10, tv_usec: 0)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { throw PluginBuilds.BuildFailure(description: "cannot connect to 127.0.0.1:\(port)") }
        let bytes = Array(text.utf8)
        _ = bytes.withUnsafeBytes { Glibc.send(descriptor, $0.baseAddress, bytes.count, 0) }
        var buffer = [UInt8](repeating: 0, count: 1024)
        let count = buffer.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, 1024, 0) }
        return String(decoding: buffer.prefix(max(0, count)), as: UTF8.self)
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
        func log(event: LogEvent) {
            owner.append("\(event.level) \(event.metadata ?? [:]) \(event.message)")
        }
    }
}
