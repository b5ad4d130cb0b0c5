import CTrellis
import Foundation
import Logging
import TrellisNet
import TrellisOperator

/// Paper and live runs (docs/live.md): the same prepared graph, its feeds replayed as warm-up,
/// then the live loop until a stop is asked, then a graceful end.
extension Backtest {
    /// Why `options` cannot run `graph` in its mode, or nil. Real money needs both the command's
    /// `--real-money` and the graph's `live: { real_money: true }`; either alone is refused.
    static func modeProblem(_ graph: ResolvedGraph, options: Options) -> Diagnostic? {
        let file = graph.spec.file
        let brokers = graph.nodes.filter { $0.type.kind == .broker && $0.branch == 0 }
        switch options.mode {
        case .backtest, .paper:
            if options.realMoney {
                return Diagnostic(file: file, at: nil, "--real-money is for --mode live only", hint: "drop --real-money, or run with --mode live")
            }
        case .live:
            if options.realMoney && !graph.spec.live.realMoney {
                return Diagnostic(
                    file: file, at: nil, "--real-money was given, but the graph does not say live: { real_money: true }: both must ask for real money",
                    hint: "add live: { real_money: true } to the graph to trade real money, or drop --real-money to trade on the venues' testnets")
            }
            if graph.spec.live.realMoney && !options.realMoney {
                return Diagnostic(
                    file: file, at: graph.spec.live.realMoneyLocation,
                    "the graph says real_money: true, but the command did not say --real-money: both must ask for real money",
                    hint: "add --real-money to trade real money, or set real_money: false to trade on the venues' testnets")
            }
            if options.recordIn == nil && options.replay == nil {
                return Diagnostic(
                    file: file, at: nil, "--mode live writes every order to the journal before it is sent, and no journal was given",
                    hint: "drop --no-journal (the journal is .trellis/journal.sqlite unless --journal says otherwise)")
            }
            if brokers.isEmpty {
                return Diagnostic(
                    file: file, at: nil, "--mode live needs a broker node to send orders to, and the graph has none",
                    hint: "add a broker node (e.g. use: sim-broker) with the strategies as its inputs, or run --mode paper")
            }
        }
        if options.resume != nil {
            if options.mode == .backtest {
                return Diagnostic(file: file, at: nil, "--resume is for paper and live runs", hint: "add --mode paper or --mode live")
            }
            if options.recordIn == nil {
                return Diagnostic(file: file, at: nil, "--resume reads the journal, and no journal was given", hint: "drop --no-journal")
            }
        }
        return nil
    }

    /// Opens the write-ahead order journal of a paper or live run (with a journal, not a
    /// replay): the run's row now, client order ids above every one the journal holds, and with
    /// `--resume` the point to continue from. A replay of a resumed run starts from its point.
    static func startOrderJournal(_ engine: Engine, graph: ResolvedGraph, runID: String, startedAt: Int64, options: Options) throws(DiagnosticsError) {
        func problem(_ error: JournalError) -> DiagnosticsError {
            DiagnosticsError([Diagnostic(file: graph.spec.file, at: nil, error.message)])
        }
        if options.replay != nil {
            engine.brokers.base = options.clientOrderIDBase ?? 0
            engine.live?.resumePoint = options.restored
            return
        }
        guard let journal = options.recordIn else {
            engine.brokers.base = UInt64(startedAt / 1_000_000_000) << 24
            return
        }
        do {
            let orderJournal = try OrderJournal(
                journal: journal, runID: runID, maxPages: options.journalPageLimit, inputPages: options.inputsPageLimit)
            let point = try options.resume.map { reference throws(JournalError) in try journal.resumePoint(reference) }
            engine.brokers.base = try orderJournal.lastClientID()
            try orderJournal.begin(
                startedAt: startedAt, mode: options.mode.rawValue, graphFile: graph.spec.file, graphSHA256: FileDigest.sha256(of: [Data(graph.spec.text.utf8)]),
                resumedFrom: point?.runID)
            if let point { try journal.storeRestored(point, runID: runID) }
            engine.orderJournal = orderJournal
            engine.live?.resumePoint = point
        } catch {
            throw problem(error)
        }
    }

    /// Gives the engine its live state: the inbox, the transport, each node's permissions and the secrets.
    static func prepareLive(_ engine: Engine, graph: ResolvedGraph, options: Options) {
        let permissions = graph.nodes.map { node in
            NodePermissions(network: AllowList(allow: node.spec.allow, listen: node.spec.listen), secrets: Set(node.spec.secrets))
        }
        let transport = options.transport ?? (options.replay != nil ? SilentTransport() : NetworkTransport(logger: options.logger))
        let live = LiveState(
            inbox: Inbox(), transport: transport, replay: options.replay, permissions: permissions,
            secrets: options.replay != nil ? .replaying() : SecretStore(file: options.secretsFile))
        for (index, feed) in graph.spec.feeds.enumerated() {
            guard let name = feed.live?.value, let slot = graph.nodes.firstIndex(where: { $0.name == name && $0.branch == 0 }),
                let instrument = engine.instruments.id(of: feed.symbol)
            else { continue }
            live.liveFeeds[slot, default: [:]][instrument] = UInt32(index + 1)
        }
        engine.live = live
        if options.mode == .live, graph.shadow.challengers.contains(where: \.paperBaseline) {
            engine.paperBaseline = SimulatedVenue(
                settings: graph.spec.venue, instruments: engine.instruments, nodeNames: engine.names, expectedSteps: graph.spec.live.equityPoints,
                thinsCurve: true)
        }
    }

    /// Records the inputs (when asked) and sets the stop time.
    func connectLive() {
        guard let live = engine.live else { return }
        if let orderJournal = engine.orderJournal {
            // Once per pass: the pass's order updates and fills are committed, its inputs handed
            // to the inputs file's writer.
            live.recorder = { [unowned engine] inputs in
                orderJournal.note(inputs)
                engine.flushOrderJournal()
            }
        }
        if let board = options.operatorBoard {
            let publisher = OperatorPublisher(board: board, runID: runID, mode: options.mode, startedAt: startedAt)
            live.afterPass = { engine in
                if let started = engine.live?.passStartedAt { board.metrics.recordEngineStep(nanoseconds: WallClock.now() - started) }
                publisher.publish(engine)
            }
            self.publisher = publisher
        }
        let timing = options.inputTiming, metrics = options.operatorBoard?.metrics
        if timing != nil || metrics != nil {
            live.inputTiming = { input in
                if input.orders > 0 { metrics?.recordEventToOrder(nanoseconds: input.doneAt - input.arrivedAt) }
                timing?(input)
            }
        }
        if let stopAfter = options.stopAfter {
            let inbox = live.inbox
            let seconds = Double(stopAfter.components.seconds) + Double(stopAfter.components.attoseconds) * 1e-18
            Thread.detachNewThread {
                Thread.sleep(forTimeInterval: seconds)
                inbox.requestStop("its time (--duration) ran out")
            }
        }
    }

    /// Asks a paper or live run to stop: from any thread (a signal handler's queue, `trellis kill`).
    public func stop(_ reason: String) {
        engine.live?.inbox.requestStop(reason)
    }

    /// Paper and live: activate, warm up, the live loop, a graceful end.
    func runLive() throws(DiagnosticsError) -> RunResult {
        guard let live = engine.live else { throw DiagnosticsError([Diagnostic(file: graph.spec.file, at: nil, "no live state")]) }
        defer {
            live.transport.shutdown(timeout: .seconds(2))
            engine.destroyNodes()
            if let controlDirectory = options.controlDirectory { RunRegistry.unregister(runID, in: controlDirectory) }
        }
        live.inbox.setIntake(open: true)
        if let problem = engine.activateNodes() { throw DiagnosticsError([problem]) }
        if graph.spec.live.warmup { engine.warmUp() }
        if let point = live.resumePoint, let problem = engine.attached(.event, { engine.restore(point) }) {
            throw DiagnosticsError([Diagnostic(file: graph.spec.file, at: nil, problem)])
        }
        let start = ContinuousClock.now
        let reason = engine.runLive()
        options.logger.info("stopping: \(reason)")
        publisher?.publish(engine, state: "stopping", force: true)
        engine.finishLive(cancelOpen: graph.spec.live.cancelOnStop, timeout: graph.spec.live.stopTimeoutSeconds)
        live.inbox.setIntake(open: false)
        engine.endOrderJournal()
        publisher?.publish(engine, state: "stopped", force: true)
        let elapsed = ContinuousClock.now - start
        var result = result(loopSeconds: Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18)
        result.live = RunResult.LiveSummary(
            stopReason: reason, inputs: live.inputsTaken, inputsDropped: live.inbox.dropped, outputs: live.outputs.count,
            outputsSHA256: live.outputs.hex(), realMoney: engine.realMoney, clientOrderIDBase: engine.brokers.base, staleUpdates: engine.staleUpdates,
            resumedFrom: live.resumePoint?.runID, halt: engine.limits.halt ?? engine.hold)
        return result
    }
}
