import ArgumentParser
import Dispatch
import FakeVenue
import Foundation
import Logging

/// `trellis-fake-venue`: a venue on loopback speaking `trellis-sim/1` (docs/fake-venue.md).
@main
struct FakeVenueCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "trellis-fake-venue",
        abstract: "A fake venue on loopback that speaks the trellis-sim/1 REST + WebSocket protocol and injects seeded faults.",
        discussion: """
            Market data comes either from a CSV of daily bars (--bars FILE --symbol NAME) or from a \
            seeded synthetic random walk (--symbols N --rate R). The stream starts when the first \
            WebSocket client connects. Faults can be changed while running with POST /control/faults, \
            using the JSON names (disconnectEvery, duplicate, reorder, delayMs, timeout, lostResponse, reject). \
            Runs until SIGINT or SIGTERM. Protocol: docs/fake-venue.md.
            """)

    @Option(help: "Address to bind; anything but loopback needs --allow-remote.") var host = "127.0.0.1"
    @Option(help: "Port to listen on; 0 picks a free port.") var port = 8765
    @Option(help: "The API key clients send in the X-API-Key header.") var key = "sim-key"
    @Flag(help: "Allow --host to be an address other than loopback.") var allowRemote = false

    @Option(help: ArgumentHelp("CSV of daily bars to replay (header ',Open,High,Low,Close,Volume').", valueName: "file")) var bars: String?
    @Option(help: "Symbol of the bars (with --bars).") var symbol: String?
    @Option(help: "Tick size of the bars symbol.") var tickSize = 0.01
    @Option(help: "Lot size of the bars symbol.") var lotSize = 1.0
    @Option(help: "Milliseconds between two bars.") var intervalMs = 100
    @Option(help: "Delay between the first WebSocket connection and the first message, in ms.") var startAfterMs = 0
    @Flag(help: "Restart the bars at the end instead of sending 'end'.") var loop = false

    @Option(help: "Synthetic mode: number of symbols (S001, S002, …).") var symbols: Int?
    @Option(help: "Synthetic mode: messages per second per symbol.") var rate = 10.0

    @Option(help: "Seed of the synthetic market and of every fault.") var seed: UInt64 = 1
    @Option(help: "Commission as a fraction of the notional.") var commission = 0.001
    @Option(help: "Cash the account starts with.") var cash = 10_000.0
    @Option(help: "Account currency.") var currency = "USD"

    @Option(name: [.customLong("disconnect-every"), .customLong("disconnectEvery")], help: "Fault: close every WebSocket with 1011 after N messages.")
    var disconnectEvery = 0
    @Option(help: "Fault: probability that a stream message is sent twice.") var duplicate = 0.0
    @Option(help: "Fault: probability that a stream message is held and sent after the next one.") var reorder = 0.0
    @Option(name: [.customLong("delay-ms"), .customLong("delayMs")], help: "Fault: delay before every REST answer, in ms.") var delayMs = 0
    @Option(help: "Fault: probability that a REST request is never answered (held 60 s).") var timeout = 0.0
    @Option(name: [.customLong("lost-response"), .customLong("lostResponse")], help: "Fault: probability that an order POST is executed but answered 503.")
    var lostResponse = 0.0
    @Option(help: "Fault: probability that an order is REJECTED with reason 'injected'.") var reject = 0.0

    @Option(help: "Log level on standard error: trace, debug, info, notice, warning, error, critical.") var logLevel = "info"

    func validate() throws {
        if bars != nil, symbols != nil { throw ValidationError("use either --bars or --symbols, not both") }
        if bars == nil, symbols == nil { throw ValidationError("give a data source: --bars FILE --symbol NAME, or --symbols N --rate R") }
        if bars != nil, symbol == nil { throw ValidationError("--bars needs --symbol") }
        if Logger.Level(rawValue: logLevel) == nil { throw ValidationError("unknown log level '\(logLevel)'") }
        let venue = venueConfiguration()
        if !venue.isLoopback, !allowRemote { throw ValidationError("--host \(host) is not loopback; add --allow-remote to bind it") }
        do {
            try venue.validate()
        } catch {
            throw ValidationError(error.message)
        }
    }

    func venueConfiguration() -> FakeVenueConfiguration {
        let marketData: FakeVenueConfiguration.MarketData =
            if let bars { .bars(path: bars, symbol: symbol ?? "") } else { .synthetic(symbols: symbols ?? 1, rate: rate) }
        let faults = FakeVenueFaults(
            disconnectEvery: disconnectEvery, duplicate: duplicate, reorder: reorder, delayMs: delayMs, timeout: timeout, lostResponse: lostResponse,
            reject: reject)
        return FakeVenueConfiguration(
            host: host, port: port, apiKey: key, marketData: marketData, tickSize: tickSize, lotSize: lotSize, intervalMs: intervalMs,
            startAfterMs: startAfterMs, loop: loop, seed: seed, commission: commission, cash: cash, currency: currency, faults: faults)
    }

    func run() throws {
        let level = Logger.Level(rawValue: logLevel) ?? .info
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        let server = FakeVenueServer(configuration: venueConfiguration(), logger: Logger(label: "trellis.fake-venue"))
        let port: Int
        do {
            port = try server.start()
        } catch let error as FakeVenueError {
            FileHandle.standardError.write(Data("error: \(error.message)\n".utf8))
            throw ExitCode.failure
        }
        let address = host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
        let line = "trellis-fake-venue listening on http://\(address) (ws://\(address)/ws), key \(key), \(server.dataSummary)\n"
        FileHandle.standardOutput.write(Data(line.utf8))
        Self.waitForSignal()
        server.stop(gracePeriod: .seconds(2))
    }

    /// Blocks until SIGINT or SIGTERM.
    static func waitForSignal() {
        let stop = DispatchSemaphore(value: 0)
        var sources: [any DispatchSourceSignal] = []
        for number in [SIGINT, SIGTERM] {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { stop.signal() }
            source.resume()
            sources.append(source)
        }
        stop.wait()
        sources.forEach { $0.cancel() }
    }
}
