import CTrellis
import Foundation
import Logging
import TrellisOperator

/// A graph prepared for a run: checked, its plugins loaded, its data read and its nodes created.
/// `run()` replays the data once (a backtest), or, in paper and live mode, replays the data as
/// warm-up and then runs the live loop until it is stopped (Backtest+Live.swift). A prepared run
/// is used once.
public final class Backtest {
    public let graph: ResolvedGraph
    /// The run's id, known before it runs (`trellis kill` takes it).
    public let runID: String
    let startedAt: Int64
    /// Problems found while preparing that do not stop the run.
    public let warnings: [Diagnostic]
    let feeds: [RunResult.FeedReport]
    let tape: MarketTape
    let instruments: InstrumentTable
    let engine: Engine
    private let progress: (@Sendable (Progress) -> Void)?
    private var finished = false
    /// The journal's folder, where the run is listed while it goes on (`RunRegistry`).
    private var controlDirectory: String?
    /// How it was prepared.
    var options = Options()
    /// Paper and live: what publishes the run's state to the operator endpoint.
    var publisher: OperatorPublisher?

    /// Options for preparing a backtest.
    public struct Options: Sendable {
        /// Also search `TRELLIS_PLUGIN_PATH` and the executable's directory for plugins.
        public var includeDefaultPluginPaths = true
        /// Plugins already loaded (or linked into the process), found before any other.
        public var plugins: [LoadedPlugin] = []
        /// Keep every order update and fill in the result (for the journal and reports).
        public var keepsOrderLog = true
        public var logger = Logger(label: "trellis")
        /// Called as feeds are read and events replayed (every 65,536 rows or events, and at the end).
        public var progress: (@Sendable (Progress) -> Void)?
        /// Where `trellis kill` leaves its request (`kill/<run id>` or `kill/all` in it); nil:
        /// the run cannot be killed from outside.
        public var controlDirectory: String?
        /// Send the orders that reach a broker node to that node, as a live run does, rather than
        /// to the simulated venue; the broker's fills are booked into the account. Challengers
        /// (docs/shadow.md) fill on their own simulated venues either way.
        public var routesOrdersToBrokers = false
        /// Backtest, paper or live (docs/live.md).
        public var mode = RunMode.backtest
        /// The command's half of the real-money switch (`--real-money`).
        public var realMoney = false
        /// The operator's secrets file (`--secrets`), read for `trellis.secrets/1`.
        public var secretsFile: String?
        /// Paper and live: stop by themselves after this long (tests, timed sessions).
        public var stopAfter: Duration?
        /// Paper and live: record every input in this journal, for `trellis replay`.
        public var recordIn: Journal?
        /// Paper and live: continue run `resume` ("last", an id or the start of one) of the
        /// `recordIn` journal: its ledger and open orders come back, the brokers reconcile, and
        /// trading starts only when the venue's state is explained (docs/journal.md).
        public var resume: String?
        /// Caps the journal's size in pages of 4 KiB for the order journal's writes (SQLite's
        /// `max_page_count`): a full disk, injected, for fault tests.
        public var journalPageLimit: Int?
        /// The same for the file of recorded inputs beside the journal (`InputLog`).
        public var inputsPageLimit: Int?
        /// Paper and live: where the run publishes its state for the operator endpoint.
        public var operatorBoard: OperatorBoard?
        /// Paper and live: called on the engine thread after each input from the network (a
        /// WebSocket message, an HTTP answer, TCP data) with when it arrived, was taken and was
        /// done with (`InputTiming`); nil: inputs are not timed.
        public var inputTiming: (@Sendable (InputTiming) -> Void)?
        /// Where network requests go; nil: the host's network services.
        var transport: (any LiveTransport)?
        /// A replay's recorded inputs, and the base of the recorded run's client order ids.
        var replay: [LiveInput]?
        var clientOrderIDBase: UInt64?
        /// A replay of a resumed run: where that run started from.
        var restored: ResumePoint?

        public init(includeDefaultPluginPaths: Bool = true, plugins: [LoadedPlugin] = [], logger: Logger = Logger(label: "trellis")) {
            self.includeDefaultPluginPaths = includeDefaultPluginPaths
            self.plugins = plugins
            self.logger = logger
        }
    }

    /// How far preparing or running has come.
    public struct Progress: Sendable {
        public enum Phase: Sendable, Equatable {
            /// Reading a feed's files; `done` and `total` count bytes.
            case reading(feed: String)
            /// Replaying the tape; `done` and `total` count market events.
            case replaying
        }

        public var phase: Phase
        public var done: Int
        public var total: Int
    }

    /// Reads, checks and prepares the graph at `path`. Every problem found is reported at once.
    public static func prepare(graphAt path: String, options: Options = Options()) throws(DiagnosticsError) -> Backtest {
        let (spec, readProblems) = GraphReader.read(contentsOf: path)
        return try prepare(spec, problems: readProblems, options: options)
    }

    /// Prepares graph `text` as if read from `file`.
    public static func prepare(text: String, file: String, options: Options = Options()) throws(DiagnosticsError) -> Backtest {
        let (spec, readProblems) = GraphReader.read(text, file: file)
        return try prepare(spec, problems: readProblems, options: options)
    }

    private static func prepare(_ spec: GraphSpec?, problems readProblems: [Diagnostic], options: Options) throws(DiagnosticsError) -> Backtest {
        guard let spec else { throw DiagnosticsError(readProblems) }
        let (graph, resolveProblems) = GraphValidator.resolve(spec, includeDefaultPluginPaths: options.includeDefaultPluginPaths, plugins: options.plugins)
        let problems = readProblems + resolveProblems
        guard let graph, !problems.hasErrors else { throw DiagnosticsError(problems.sortedByLocation()) }
        if let problem = modeProblem(graph, options: options) { throw DiagnosticsError([problem]) }
        let (tape, instruments, feeds, feedWarnings) = try loadFeeds(of: graph, progress: options.progress)
        let isLive = options.mode != .backtest
        if isLive { instruments.reserve = graph.spec.live.maxInstruments }
        let engine = Engine(
            graph: graph, tape: tape, instruments: instruments, logger: options.logger, expectedSteps: isLive ? graph.spec.live.equityPoints : nil)
        engine.runMode = options.mode
        engine.realMoney = options.mode == .live && options.realMoney && graph.spec.live.realMoney
        if isLive { prepareLive(engine, graph: graph, options: options) }
        let createProblems = engine.createNodes()
        guard createProblems.isEmpty else { throw DiagnosticsError(createProblems) }
        engine.keepsOrderLog = options.keepsOrderLog
        engine.routesOrdersToBrokers = options.routesOrdersToBrokers || options.mode == .live
        let startedAt = Int64(Date().timeIntervalSince1970 * 1e9)
        let runID = runID(startedAt: startedAt)
        if let directory = options.controlDirectory {
            RunRegistry.register(runID, in: directory, graph: graph.spec.file)
            engine.watchKillRequests(
                ["\(directory)/kill/\(runID)", "\(directory)/kill/all"], since: Date(timeIntervalSince1970: Double(startedAt) / 1e9))
        }
        if isLive { try startOrderJournal(engine, graph: graph, runID: runID, startedAt: startedAt, options: options) }
        let backtest = Backtest(
            runID: runID, startedAt: startedAt,
            graph: graph, warnings: problems.filter { $0.severity == .warning } + feedWarnings, feeds: feeds, tape: tape,
            instruments: instruments, engine: engine, progress: options.progress)
        backtest.controlDirectory = options.controlDirectory
        backtest.options = options
        if isLive { backtest.connectLive() }
        return backtest
    }

    private init(
        runID: String, startedAt: Int64, graph: ResolvedGraph, warnings: [Diagnostic], feeds: [RunResult.FeedReport], tape: MarketTape,
        instruments: InstrumentTable, engine: Engine,
        progress: (@Sendable (Progress) -> Void)?
    ) {
        self.runID = runID
        self.startedAt = startedAt
        self.progress = progress
        self.graph = graph
        self.warnings = warnings
        self.feeds = feeds
        self.tape = tape
        self.instruments = instruments
        self.engine = engine
    }

    deinit {
        if !finished { engine.destroyNodes() }
        engine.live?.transport.shutdown(timeout: .seconds(2))
        if let controlDirectory { RunRegistry.unregister(runID, in: controlDirectory) }
    }

    /// Reads every feed into one time-ordered tape and registers the instruments. Rows a feed
    /// skipped (`on_bad_rows: skip`) come back as warnings.
    private static func loadFeeds(
        of graph: ResolvedGraph, progress: (@Sendable (Progress) -> Void)?
    ) throws(DiagnosticsError) -> (MarketTape, InstrumentTable, [RunResult.FeedReport], [Diagnostic]) {
        let instruments = InstrumentTable()
        var tapes: [MarketTape] = []
        var reports: [RunResult.FeedReport] = []
        var problems: [Diagnostic] = []
        var warnings: [Diagnostic] = []
        for (index, feed) in graph.spec.feeds.enumerated() {
            let instrument = instruments.add(symbol: feed.symbol, tickSize: feed.tickSize, lotSize: feed.lotSize, currency: graph.spec.venue.currency)
            var options = CSVFeedReader.Options()
            options.layout = feed.layout
            options.labels = feed.labels
            options.period = feed.period
            options.skipBadRows = feed.skipBadRows
            options.source = UInt32(index + 1)
            options.instrument = instrument
            if let progress {
                let name = feed.name
                options.progress = { progress(Progress(phase: .reading(feed: name), done: $0, total: $1)) }
            }
            let files = FeedFiles.read(graph.spec.resolve(feed.path.value))
            let readFiles = (try? files.get()) ?? []
            // The files are mapped: one truncated by another program while it is read is said so.
            let outcome = MappedFile.guarding(readFiles) {
                files.flatMap { CSVFeedReader.read($0, options: options) }.map { ($0, FileDigest.sha256(of: readFiles.map(\.data))) }
            }
            switch outcome {
            case .success(let (read, digest)):
                tapes.append(read.tape)
                reports.append(
                    RunResult.FeedReport(name: feed.name, symbol: feed.symbol, files: readFiles.map(\.name), sha256: digest, events: read.tape.count))
                if read.skipped > 0 {
                    let first = read.skippedRows.first.map { "; the first: \($0.location.map(\.description) ?? $0.file): \($0.message)" } ?? ""
                    warnings.append(
                        Diagnostic(.warning, file: graph.spec.file, at: feed.path.location, "feed '\(feed.name)' skipped \(read.skipped) bad rows\(first)"))
                }
            case .failure(let error):
                // A problem with a file as a whole is fixed in the graph: say it at the feed.
                problems += error.diagnostics.map { problem in
                    guard problem.location == nil else { return problem }
                    return Diagnostic(
                        file: graph.spec.file, at: feed.path.location, "feed '\(feed.name)': \(problem.file): \(problem.message)", hint: problem.hint)
                }
            }
        }
        guard problems.isEmpty else { throw DiagnosticsError(problems) }
        return (tapes.isEmpty ? MarketTape() : MarketTape.merge(tapes), instruments, reports, warnings)
    }

    /// Backtest, paper or live.
    public var mode: RunMode { options.mode }

    /// The number of market events the run will replay.
    public var eventCount: Int { tape.count }

    /// Runs the backtest: activate, replay, deactivate, destroy.
    public func run() throws(DiagnosticsError) -> RunResult {
        precondition(!finished, "a prepared backtest runs once")
        finished = true
        if options.mode != .backtest { return try runLive() }
        defer {
            engine.destroyNodes()
            if let controlDirectory { RunRegistry.unregister(runID, in: controlDirectory) }
        }
        if let problem = engine.activateNodes() { throw DiagnosticsError([problem]) }
        let start = ContinuousClock.now
        engine.run(progress: progress.map { report in { report(Progress(phase: .replaying, done: $0, total: $1)) } })
        let elapsed = ContinuousClock.now - start
        engine.finishRun()
        return result(loopSeconds: Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18)
    }

    /// A run id unique across hosts: the UTC start time and 32 random bits, 20261121-221500-3fa9c2d1.
    static func runID(startedAt: Int64) -> String {
        let seconds = startedAt / 1_000_000_000
        let (year, month, day) = Timestamp.civil(fromDays: seconds / 86_400)
        let second = seconds % 86_400
        return String(
            format: "%04lld%02lld%02lld-%02lld%02lld%02lld-%08x", year, month, day, second / 3600, second / 60 % 60, second % 60,
            UInt32.random(in: .min ... .max))
    }

    func result(loopSeconds: Double) -> RunResult {
        let venue = engine.venue
        var lastPrices: [String: Double] = [:]
        for id in 1...max(1, instruments.count) where id <= instruments.count {
            lastPrices[instruments.symbol(UInt32(id))] = venue.lastPrice[id]
        }
        var warnings = engine.ordersHeldByRiskNodes.sorted { $0.key < $1.key }.map { name, count in
            "risk node '\(name)' neither approved nor denied \(count) order(s)"
        }
        for (index, node) in graph.nodes.enumerated() where engine.slots[index].failures > 0 {
            warnings.append(
                "node '\(node.name)' had \(engine.slots[index].failures) problem(s): refused events or callbacks that returned an error (the log shows the first \(Engine.loggedProblems))"
            )
        }
        return RunResult(
            runID: runID, startedAt: startedAt, hostVersion: PluginLoader.hostVersion, graphFile: graph.spec.file,
            graphSHA256: FileDigest.sha256(of: [Data(graph.spec.text.utf8)]), graphText: graph.spec.text, description: graph.spec.description,
            startingCash: graph.spec.venue.cash, finalCash: venue.cash, finalEquity: venue.equity, currency: graph.spec.venue.currency,
            trades: venue.trades.closed, openTrades: venue.trades.openTrades, lastPrices: lastPrices, positions: venue.positions(),
            fingerprint: engine.fingerprint.hex(), orderUpdates: engine.fingerprint.orderUpdates, fills: engine.fingerprint.fills,
            events: tape.count, firstTime: openTime(0), lastTime: openTime(tape.count - 1),
            equityTimes: venue.equityTimes, equityOpenTimes: venue.equityOpenTimes, equityValues: venue.equityValues,
            metrics: Metrics.compute(
                times: venue.equityOpenTimes, equity: venue.equityValues, closed: venue.trades.closed, open: venue.trades.openTrades,
                commissions: (0...instruments.count).reduce(0) { $0 + venue.account[$1].commission }),
            prices: tape.priceSeries(instruments: instruments), nodes: nodeReports(),
            plugins: graph.usedPlugins.map { RunResult.PluginReport(id: $0.id, version: $0.version, path: $0.path, sha256: $0.sha256) },
            feeds: feeds, orders: engine.orderLog.events(names: engine.names, instruments: instruments), labels: engine.labelLog, warnings: warnings,
            shadow: shadowReport(), loopSeconds: loopSeconds, mode: options.mode.rawValue)
    }

    /// Each challenger's ledger next to its champion side's, and the verdicts.
    private func shadowReport() -> RunResult.ShadowReport? {
        let book = engine.shadow
        guard book.isActive else { return nil }
        let times = engine.venue.equityOpenTimes
        func ledger(_ venue: SimulatedVenue, slots: [Int], equity: [Double]) -> RunResult.Ledger {
            let names = Set(slots.map { graph.nodes[$0].name })
            let closed = venue.trades.closed.filter { names.contains($0.node) }
            let open = venue.trades.openTrades.filter { names.contains($0.node) }
            let commissions = slots.reduce(0.0) { total, slot in
                total + venue.nodeHoldings[Int(engine.nodeID(slot))].reduce(0) { $0 + $1.commission }
            }
            let curve = Array(equity.prefix(times.count))
            return RunResult.Ledger(
                times: Array(times.prefix(curve.count)), equity: curve, trades: closed, openTrades: open,
                metrics: Metrics.compute(times: Array(times.prefix(curve.count)), equity: curve, closed: closed, open: open, commissions: commissions))
        }
        let challengers = book.challengers.enumerated().map { index, plan in
            let replaced = graph.nodes[plan.championSlots.first { graph.nodes[$0].name == plan.replaces } ?? plan.championSlots[0]]
            let copy = graph.nodes[plan.challengerSlots.first { graph.nodes[$0].spec.standsFor == plan.replaces } ?? plan.challengerSlots[0]]
            return RunResult.Challenger(
                name: plan.name, replaces: plan.replaces, championNodes: plan.championSlots.map { graph.nodes[$0].name },
                challengerNodes: plan.challengerSlots.map { graph.nodes[$0].name }, championParameters: replaced.params.jsonText,
                challengerParameters: copy.params.jsonText, championUse: replaced.type.name, challengerUse: copy.type.name,
                champion: ledger(engine.championVenue(index), slots: plan.championSlots, equity: book.championCurves[index]),
                challenger: ledger(engine.shadowVenues[index], slots: plan.challengerSlots, equity: book.challengerCurves[index]))
        }
        return RunResult.ShadowReport(challengers: challengers, verdicts: book.verdicts)
    }

    /// When the market event in slot `index` began: a bar's open, or the event's time.
    private func openTime(_ index: Int) -> Int64 {
        guard index >= 0, index < tape.count else { return 0 }
        return tape.bar(index).map { $0.header.ts_ns - $0.period_ns } ?? tape.timestamp(index)
    }

    private func nodeReports() -> [RunResult.NodeReport] {
        graph.nodes.enumerated().map { index, node in
            RunResult.NodeReport(
                name: node.name, type: node.type.name, plugin: node.type.pluginID, version: node.type.version, parameters: node.params.jsonText,
                eventsDelivered: engine.slots[index].delivered, failures: engine.slots[index].failures, warmupBars: warmupBars(slot: index))
        }
    }

    /// The node's `trellis.node.warmup/1` answer, when it offers the extension.
    func warmupBars(slot: Int) -> Int? {
        let methods = engine.slots[slot].methods
        let needed = MemoryLayout<trellis_node_methods>.offset(of: \.get_extension)! + MemoryLayout<UnsafeRawPointer>.size
        guard Int(methods.pointee.struct_size) >= needed, let getExtension = methods.pointee.get_extension,
            let instance = engine.slots[slot].instance
        else { return nil }
        let raw = TRELLIS_EXT_NODE_WARMUP.withTrellisString { getExtension(instance, $0) }
        guard let ext = raw?.assumingMemoryBound(to: trellis_node_warmup_ext.self), let bars = ext.pointee.bars else { return nil }
        return Int(bars(instance))
    }
}
