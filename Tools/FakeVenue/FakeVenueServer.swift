import Dispatch
import Foundation
import Hummingbird
import HummingbirdWebSocket
import Logging
import NIOCore
import ServiceLifecycle
import Synchronization
import TrellisNet

/// A fake venue on loopback speaking the `trellis-sim/1` protocol (docs/fake-venue.md):
/// REST orders and account, a WebSocket stream of market data, orders and fills, and seeded
/// faults; for tests, benchmarks and operators trying paper or live mode.
///
/// `start()` and `stop()` are synchronous, so tests and benchmarks can use the server without
/// an async context. The server runs on its own threads (see `SerialTaskExecutor`), in one root
/// task that `stop()` cancels or shuts down gracefully. A server starts once.
public final class FakeVenueServer: Sendable {
    /// The configuration it was created with.
    public let configuration: FakeVenueConfiguration
    let logger: Logger
    let counters = VenueCounters()
    let injector: FaultInjector
    let requestLog = RequestLog()
    let hub: StreamHub
    private let runtime = Mutex(Runtime())

    private struct Runtime {
        var task: Task<Void, Never>?
        var done: DispatchSemaphore?
        var stopRequested: AsyncStream<Void>.Continuation?
        var exchange: Exchange?
        var port: Int?
        var stopping = false
        var summary = ""
    }

    /// Creates a server; nothing is read or bound before ``start()``.
    public init(configuration: FakeVenueConfiguration, logger: Logger) {
        self.configuration = configuration
        self.logger = logger
        self.injector = FaultInjector(settings: configuration.faults, seed: configuration.seed)
        self.hub = StreamHub(counters: counters)
    }

    deinit { stop() }

    /// Checks the configuration, reads the data, binds and returns the port once the server
    /// accepts connections (the configured one, or the one picked when it is 0).
    public func start() throws -> Int {
        try configuration.validate()
        let (source, instruments, summary) = try loadSource()
        let exchange = Exchange(
            instruments: instruments, commission: configuration.commission, cash: configuration.cash, currency: configuration.currency, hub: hub,
            counters: counters, logger: logger)
        let feed = MarketFeed(
            source: source, intervalMs: configuration.intervalMs, startAfterMs: configuration.startAfterMs, loop: configuration.loop, exchange: exchange,
            hub: hub, logger: logger)
        let startup = Startup()
        let app = application(exchange: exchange, startup: startup)
        let done = DispatchSemaphore(value: 0)
        let task = runtime.withLock { runtime -> Task<Void, Never>? in
            guard runtime.task == nil, !runtime.stopping else { return nil }
            runtime.summary = summary
            runtime.done = done
            runtime.exchange = exchange
            let logger = self.logger
            let services = ServiceGroup(configuration: .init(services: [app], logger: logger))
            let (stopRequests, stopRequested) = AsyncStream.makeStream(of: Void.self)
            runtime.stopRequested = stopRequested
            runtime.task = Task(executorPreference: SerialTaskExecutor(label: "trellis.fake-venue")) {
                do {
                    try await withThrowingTaskGroup(of: Void.self) { group in
                        group.addTask { try await feed.run() }
                        group.addTask { try await feed.heartbeats() }
                        group.addTask {
                            for await _ in stopRequests {}
                            await services.triggerGracefulShutdown()
                        }
                        try await services.run()
                        group.cancelAll()
                    }
                } catch is CancellationError {
                } catch {
                    logger.error("fake venue failed", metadata: ["error": "\(error)"])
                    startup.finish(.failure(FakeVenueError.startup("\(error)")))
                }
                startup.finish(.failure(FakeVenueError.startup("the server stopped before it listened")))
                done.signal()
            }
            return runtime.task
        }
        guard task != nil else { throw FakeVenueError.startup("the server was already started") }
        switch startup.wait(seconds: 15) {
        case .success(let port):
            runtime.withLock { $0.port = port }
            logger.info("fake venue listening", metadata: ["venue.port": "\(port)", "venue.data": "\(summary)"])
            return port
        case .failure(let error):
            stop()
            throw error
        }
    }

    /// Closes every connection and stops the server; returns once it stopped (within ~5 s).
    ///
    /// With a `gracePeriod`, open HTTP requests may finish first (the CLI's way out); without,
    /// the server's task is cancelled at once, which suits tests and benchmarks.
    public func stop(gracePeriod: Duration = .zero) {
        let (task, done, stopRequested) = runtime.withLock { runtime in
            runtime.stopping = true
            defer { runtime.task = nil }
            return (runtime.task, runtime.done, runtime.stopRequested)
        }
        hub.finishAll()
        guard let task, let done else { return }
        if gracePeriod > .zero {
            stopRequested?.finish()
            let milliseconds = Int(gracePeriod.components.seconds * 1_000 + gracePeriod.components.attoseconds / 1_000_000_000_000_000)
            if done.wait(timeout: .now() + .milliseconds(milliseconds)) == .success { return }
        }
        task.cancel()
        _ = done.wait(timeout: .now() + 5)
    }

    /// True once `stop()` was called.
    var isStopping: Bool { runtime.withLock { $0.stopping } }

    /// The bound port, once started.
    public var port: Int? { runtime.withLock { $0.port } }

    /// What the server does so far: counters of messages, orders, fills, connections, faults.
    public var state: FakeVenueState {
        var state = counters.snapshot
        state.connectionsOpen = hub.connectionCount
        return state
    }

    /// The faults in force; changing them acts at once, as `POST /control/faults` does.
    public var faults: FakeVenueFaults {
        get { injector.settings }
        set { injector.settings = newValue }
    }

    /// The account and the orders as the venue holds them now (what a test compares a host's
    /// journal with): cash, net position by symbol, and each order's status by client order id.
    public var book: FakeVenueBook {
        guard let exchange = runtime.withLock({ $0.exchange }) else { return FakeVenueBook() }
        return exchange.snapshot()
    }

    /// Every `/api/` request received so far, oldest first.
    public var requests: [FakeVenueRequest] { requestLog.all }

    /// The market data in words, e.g. `data GOOG.csv 2,148 bars every 100 ms`.
    public var dataSummary: String { runtime.withLock { $0.summary } }

    private func loadSource() throws -> (MarketFeed.Source, [Instrument], String) {
        switch configuration.marketData {
        case .bars(let path, let symbol):
            let series = try BarSeries.read(path: path)
            let instrument = Instrument(symbol: symbol, tickSize: configuration.tickSize, lotSize: configuration.lotSize, currency: configuration.currency)
            let count = series.bars.count.formatted(.number.grouping(.automatic).locale(Locale(identifier: "en_US")))
            let summary = "data \(URL(fileURLWithPath: path).lastPathComponent) \(count) bars every \(configuration.intervalMs) ms"
            return (.bars(series, symbol: symbol), [instrument], summary + (configuration.loop ? ", looping" : ""))
        case .synthetic(let symbols, let rate):
            let market = SyntheticMarket(count: symbols, seed: configuration.seed)
            let instruments = market.symbols.map {
                Instrument(symbol: $0, tickSize: SyntheticMarket.tickSize, lotSize: 1, currency: configuration.currency)
            }
            let summary = "synthetic \(symbols) symbols at \(JSONWriter.number(rate)) messages per second each, seed \(configuration.seed)"
            return (.synthetic(market, rate: rate), instruments, summary)
        }
    }
}
