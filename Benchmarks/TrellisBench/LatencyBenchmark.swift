import CBenchSupport
import FakeVenue
import Foundation
import Histogram
import Logging
import TrellisHost

/// The live path inside the process, against the fake venue on loopback: a WebSocket message
/// read by the host's WebSocket service, parsed by the C sim-broker into a trade or a quote,
/// routed as a feed's event to a strategy that orders on every tenth trade, the order routed to
/// the sim-broker, which hands a POST to the host's HTTP client (libcurl). Timed per message
/// from the moment the transport turns it into an input for the engine to the moment the engine
/// is done with it (`Backtest.Options.inputTiming`); recorded in HdrHistograms.
///
/// Then memory per symbol: the heap in use and the RSS a run adds, streaming 1 and 300 symbols
/// (no orders), the difference over 299.
enum LatencyBenchmark {
    static let symbols = 300, rate = 10.0, every = 10
    static let apiKey = "sim-key"

    static func run(seconds: Int) throws -> [Figure] {
        let broker = try Bench.simBroker()
        let strategy = try Bench.cLibrary("Benchmarks/Fixtures/every_nth_trade.c")
        let directory = Bench.workDirectory + "/latency"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        // The feeds' file is warm-up history only (live: { warmup: false }): two bars they all share.
        try "time,Open,High,Low,Close,Volume\n1577836800,10,11,9,10.5,100\n1577836860,10.5,11,10,10.2,100\n".write(
            toFile: directory + "/bars.csv", atomically: false, encoding: .utf8)
        setenv("TRELLIS_SECRET_SIM_KEY", apiKey, 1)  // the sim-broker's sim_key secret
        print(
            "latency: live mode against the fake venue on loopback (in this process), \(symbols) symbols × \(Int(rate)) messages/s, "
                + "an order on every \(every)th trade; \(seconds) s, the first second left out")

        let timed = try session(symbols: symbols, rate: rate, seconds: seconds, every: every, broker: broker, strategy: strategy, in: directory)
        guard timed.recorder.samples.count > 0 else { throw BenchError("no WebSocket message reached the engine: is the sim-broker built and allowed?") }
        timed.describe("\(symbols) symbols × \(Int(rate))/s, the symbols in turn, spread evenly")
        let (all, ordered, waiting, handling) = timed.recorder.table()
        let allVerdict = Figure("latency", "p99, every message", all[2], "µs", target: 50, .atMost)
        let orderedVerdict = Figure("latency", "p99, message to order request", ordered[2], "µs", target: 50, .atMost)
        print("p99 every message: " + allVerdict.verdict + "; p99 message to order request: " + orderedVerdict.verdict)
        timed.recorder.bursts()
        timed.recorder.engineCPU()

        // The same messages and orders per second, spread out: one symbol at 3,000 messages/s.
        let spreadSeconds = max(3, seconds / 2)
        let spread = try session(
            symbols: 1, rate: rate * Double(symbols), seconds: spreadSeconds, every: every, broker: broker, strategy: strategy, in: directory)
        spread.describe("the same rate spread out: 1 symbol × \(Int(rate) * symbols)/s (a few messages every ms), \(spreadSeconds) s")
        let (spreadAll, spreadOrdered, _, _) = spread.recorder.table()
        spread.recorder.engineCPU()

        // Memory per symbol: the same graph streaming 1 and 300 symbols, without orders.
        let one = try session(symbols: 1, rate: rate, seconds: 4, every: 0, broker: broker, strategy: strategy, in: directory, samplesMemory: true)
        let many = try session(symbols: symbols, rate: rate, seconds: 4, every: 0, broker: broker, strategy: strategy, in: directory, samplesMemory: true)
        let heapPerSymbol = Double(many.heapAdded - one.heapAdded) / Double(symbols - 1)
        let rssPerSymbol = Double(many.rssAdded - one.rssAdded) / Double(symbols - 1)
        print(
            String(
                format: "memory, streaming without orders (least while streaming): a run adds %.2f MB heap, %.2f MB RSS with 1 symbol; "
                    + "%.2f MB heap, %.2f MB RSS with %d; per symbol %.1f KB heap, %.1f KB RSS",
                Double(one.heapAdded) / 1e6, Double(one.rssAdded) / 1e6, Double(many.heapAdded) / 1e6, Double(many.rssAdded) / 1e6, symbols,
                heapPerSymbol / 1e3, rssPerSymbol / 1e3))

        let names = ["p50", "p90", "p99", "p99.9", "max"]
        var figures: [Figure] = []
        for (index, name) in names.enumerated() {
            figures.append(index == 2 ? allVerdict : Figure("latency", "\(name), every message", all[index], "µs"))
            figures.append(index == 2 ? orderedVerdict : Figure("latency", "\(name), message to order request", ordered[index], "µs"))
        }
        figures += [
            Figure("latency", "p99, waiting in the inbox", waiting[2], "µs"), Figure("latency", "p99, the engine's handling", handling[2], "µs"),
            Figure("latency", "p99, every message, spread out", spreadAll[2], "µs"),
            Figure("latency", "p99, message to order request, spread out", spreadOrdered[2], "µs"),
            Figure("latency", "heap per symbol", heapPerSymbol, "bytes"), Figure("latency", "RSS per symbol", rssPerSymbol, "bytes"),
        ]
        return figures
    }

    /// Prints p50, p90, p99, p99.9 and max of `histogram` (ns) in µs and returns them.
    @discardableResult
    static func line(_ name: String, _ histogram: Histogram<UInt64>) -> [Double] {
        let values = [50.0, 90, 99, 99.9].map { Double(histogram.valueAtPercentile($0)) / 1e3 } + [Double(histogram.max) / 1e3]
        print(name.padding(toLength: 44, withPad: " ", startingAt: 0) + values.map { String(format: "%9.1f", $0) }.joined())
        return values
    }

    static func histogram(_ values: some Sequence<Int64>) -> Histogram<UInt64> {
        var histogram = Histogram<UInt64>(lowestDiscernibleValue: 1, highestTrackableValue: 60_000_000_000)
        for value in values { _ = histogram.record(UInt64(max(1, value))) }
        return histogram
    }

    struct Session {
        var recorder: Recorder
        var venue: FakeVenueState
        var dropped: Int
        /// The least heap in use and RSS while the run streamed, above what the process held before it was prepared.
        var heapAdded: Int
        var rssAdded: Int

        func describe(_ title: String) {
            print(
                "\(title): the venue sent \(venue.tradesSent.formatted()) trades and \(venue.quotesSent.formatted()) quotes and took "
                    + "\(venue.orders.formatted()) orders; the engine took \(recorder.messages.formatted()) WebSocket messages "
                    + "(\(recorder.samples.count.formatted()) timed, \(recorder.samples.filter { $0.orders > 0 }.count.formatted()) led to an order), "
                    + "dropped \(dropped)")
        }
    }

    /// One live run of `seconds` on a fresh venue streaming `symbols` symbols at `rate` messages/s
    /// each, an order on every `every`th trade, its WebSocket messages timed.
    static func session(
        symbols: Int, rate: Double, seconds: Int, every: Int, broker: String, strategy: String, in directory: String, samplesMemory: Bool = false
    ) throws -> Session {
        let quiet = Logger(label: "trellis-bench") { _ in SwiftLogNoOpLogHandler() }
        let venue = FakeVenueServer(
            configuration: FakeVenueConfiguration(port: 0, apiKey: apiKey, marketData: .synthetic(symbols: symbols, rate: rate), cash: 1e9), logger: quiet)
        let port = try venue.start()
        defer { venue.stop() }
        let names = (1...symbols).map { String(format: "S%03d", $0) }
        let feeds = names.map { "  \($0.lowercased()): { source: csv, path: \(directory)/bars.csv, time_format: unix_s, symbol: \($0), live: desk }" }
        let graph = """
            trellis: 1
            plugins: { load: [\(broker), \(strategy)] }
            venue: { cash: 1000000 }
            live: { warmup: false, stop_timeout_seconds: 2 }
            feeds:
            \(feeds.joined(separator: "\n"))
            nodes:
              trader: { use: every-nth-trade, inputs: [\(names.map { $0.lowercased() }.joined(separator: ", "))], params: { every: \(every), quantity: 1 } }
              desk:
                use: sim-broker
                inputs: [trader]
                params: { url: "http://127.0.0.1:\(port)" }
                network: { allow: ["127.0.0.1:\(port)"] }
                secrets: [sim_key]

            """
        let recorder = Recorder(expected: Int(Double(symbols) * rate * Double(seconds) * 1.2) + 1000, samplesMemory: samplesMemory)
        var options = Backtest.Options(includeDefaultPluginPaths: false, logger: quiet)
        options.mode = .live
        // Live runs write every order ahead to the journal: its commits are part of the path measured.
        options.recordIn = try Journal(path: directory + "/journal.sqlite")
        options.stopAfter = .seconds(seconds)
        options.inputTiming = { recorder.record($0) }
        bench_heap_trim()
        let heap = bench_heap_in_use(), rss = Self.residentBytes()
        let result = try Backtest.prepare(text: graph, file: directory + "/latency.yaml", options: options).run()
        if samplesMemory && recorder.leastHeap == .max { throw BenchError("the run ended before its memory was sampled") }
        return Session(
            recorder: recorder, venue: venue.state, dropped: result.live?.inputsDropped ?? 0, heapAdded: recorder.leastHeap - Int(heap),
            rssAdded: recorder.leastRSS - rss)
    }

    /// The process's resident set (VmRSS in /proc/self/status), in bytes.
    static func residentBytes() -> Int {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
            let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }),
            let kilobytes = Int(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "")
        else { return 0 }
        return kilobytes * 1024
    }

    /// What the engine thread reports after each input: the WebSocket messages (not the HTTP
    /// answers), kept as they come from a second after the first on, into storage reserved
    /// beforehand (the histograms are made after the run, off the engine thread's path). Touched
    /// by the engine thread alone while the run goes on, read after it.
    final class Recorder: @unchecked Sendable {
        private(set) var samples: [InputTiming] = []
        private(set) var messages = 0
        private var first: Int64 = 0
        /// Memory runs: the least heap in use and RSS, sampled every 100 ms from the second second on.
        let samplesMemory: Bool
        private var nextSample: Int64 = 0
        private(set) var leastHeap = Int.max, leastRSS = Int.max
        /// The engine thread's CPU time and the wall time at the first timed message and, every 100 ms, since.
        private var cpu: (start: Int64, end: Int64) = (0, 0), wall: (start: Int64, end: Int64) = (0, 0)
        /// The engine thread's time runnable but waiting for a CPU (schedstat's run_delay), over the same window.
        private var runDelay: (start: Int64, end: Int64) = (0, 0)

        init(expected: Int, samplesMemory: Bool) {
            self.samplesMemory = samplesMemory
            samples.reserveCapacity(expected)
        }

        func record(_ input: InputTiming) {
            guard input.source == .webSocket else { return }
            messages += 1
            if first == 0 {
                first = input.arrivedAt
                nextSample = first + 1_000_000_000
            }
            guard input.arrivedAt - first >= 1_000_000_000 else { return }
            if wall.start == 0 {
                (cpu.start, wall.start, runDelay.start) = (Int64(bench_thread_cpu_ns()), input.doneAt, Self.runDelay())
            } else if input.doneAt - wall.end >= 100_000_000 {
                (cpu.end, wall.end, runDelay.end) = (Int64(bench_thread_cpu_ns()), input.doneAt, Self.runDelay())
            }
            if samplesMemory {
                if input.doneAt >= nextSample {
                    nextSample = input.doneAt + 100_000_000
                    leastHeap = min(leastHeap, Int(bench_heap_in_use()))
                    leastRSS = min(leastRSS, LatencyBenchmark.residentBytes())
                }
                return
            }
            samples.append(input)
        }

        /// The calling thread's time spent runnable, waiting for a CPU, in ns (/proc/thread-self/schedstat).
        static func runDelay() -> Int64 {
            guard let text = try? String(contentsOfFile: "/proc/thread-self/schedstat", encoding: .utf8) else { return 0 }
            return text.split(separator: " ").dropFirst().first.flatMap { Int64($0) } ?? 0
        }

        /// Prints how much of the wall time the engine spent handling messages it was on a CPU.
        func engineCPU() {
            let window = samples.filter { $0.doneAt > wall.start && $0.doneAt <= wall.end }
            let handling = window.reduce(0) { $0 + $1.doneAt - $1.takenAt }
            print(
                String(
                    format: "the engine thread over %.1f s: %.1f ms on a CPU (messages, HTTP answers, the loop: %.2f µs per message), "
                        + "%.1f ms runnable but waiting for one; the messages' handling (taken → done) took %.1f ms, their wait in the inbox %.1f ms",
                    Double(wall.end - wall.start) / 1e9, Double(cpu.end - cpu.start) / 1e6, Double(cpu.end - cpu.start) / 1e3 / Double(max(1, window.count)),
                    Double(runDelay.end - runDelay.start) / 1e6, Double(handling) / 1e6,
                    Double(window.reduce(0) { $0 + $1.takenAt - $1.arrivedAt }) / 1e6))
        }

        /// Prints the table and returns p50, p90, p99, p99.9 and max (µs) of every message, of
        /// those that led to an order, of their wait in the inbox and of the engine's handling.
        func table() -> (all: [Double], ordered: [Double], waiting: [Double], handling: [Double]) {
            let orders = samples.filter { $0.orders > 0 }
            print("                                                  p50      p90      p99    p99.9      max   (µs)")
            let all = LatencyBenchmark.line("WebSocket message → engine done", LatencyBenchmark.histogram(samples.lazy.map { $0.doneAt - $0.arrivedAt }))
            let ordered = LatencyBenchmark.line(
                "message → order request handed to libcurl", LatencyBenchmark.histogram(orders.lazy.map { $0.doneAt - $0.arrivedAt }))
            let waiting = LatencyBenchmark.line("  of which waiting in the inbox", LatencyBenchmark.histogram(samples.lazy.map { $0.takenAt - $0.arrivedAt }))
            let handling = LatencyBenchmark.line("  of which the engine's handling", LatencyBenchmark.histogram(samples.lazy.map { $0.doneAt - $0.takenAt }))
            LatencyBenchmark.line("  the engine's handling, order messages", LatencyBenchmark.histogram(orders.lazy.map { $0.doneAt - $0.takenAt }))
            return (all, ordered, waiting, handling)
        }

        /// Messages that arrive within 20 ms of the one before belong to one burst: how long a
        /// burst takes to arrive, how long the engine works on it, and when its last message is done.
        func bursts() {
            var spreads: [Int64] = [], busy: [Int64] = [], spans: [Int64] = [], sizes: [Int64] = []
            var start = 0
            let ordered = samples.sorted { $0.arrivedAt < $1.arrivedAt }
            for index in ordered.indices where index == ordered.count - 1 || ordered[index + 1].arrivedAt - ordered[index].arrivedAt > 20_000_000 {
                let burst = ordered[start...index]
                spreads.append(burst.last!.arrivedAt - burst.first!.arrivedAt)
                busy.append(burst.reduce(0) { $0 + $1.doneAt - $1.takenAt })
                spans.append(burst.map(\.doneAt).max()! - burst.first!.arrivedAt)
                sizes.append(Int64(burst.count))
                start = index + 1
            }
            let p50 = { (values: [Int64]) in Double(values.sorted()[values.count / 2]) / 1e3 }
            print(
                String(
                    format: "bursts (%d, of %.0f messages at the median): they arrive over %.0f µs, the engine works %.0f µs on them, "
                        + "their last message is done %.0f µs after their first arrived (medians)",
                    spreads.count, p50(sizes) * 1e3, p50(spreads), p50(busy), p50(spans)))
        }
    }
}
