import CTrellis
import Foundation
import TrellisHost

/// What the host adds per node per event: the same counting node (Benchmarks/Fixtures/count_node.c)
/// called by the engine from one feed, with 1 and with 9 of it in the graph, against calling its
/// on_event through a raw C function pointer over the same events.
enum RoutingBenchmark {
    static let extraNodes = 8

    static func run(bars: Int) throws -> [Figure] {
        let data = try TiledBars.file(bars, in: Bench.workDirectory)
        let library = try Bench.cLibrary("Benchmarks/Fixtures/count_node.c")
        print("routing: \(bars) bars, one feed; the counting node called by the host, against a raw C call; best of 5")

        let tape = try CSVFeedReader.read(path: data, name: data, source: 1, instrument: 1).get()
        let onEvent = try Self.onEvent(in: library)
        let node = UnsafeMutableRawPointer.allocate(byteCount: 16, alignment: 8)
        defer { node.deallocate() }
        node.initializeMemory(as: UInt8.self, repeating: 0, count: 16)
        // The tape's events lie one stride apart in one buffer. Each event is called as many times
        // as the extra nodes take it, so the baseline reads the tape from memory once, as the host does.
        let first = UnsafeRawPointer(tape.event(0)), count = tape.count, stride = MarketTape.stride
        let raw = Bench.best(of: 5) {
            let start = ContinuousClock.now
            for index in 0..<count {
                let event = (first + index * stride).assumingMemoryBound(to: trellis_event_header.self)
                for _ in 0..<extraNodes { _ = onEvent(node, event) }
            }
            return Bench.seconds(ContinuousClock.now - start) / Double(extraNodes)
        }

        func graph(nodes: Int) -> String {
            let list = (1...nodes).map { "  count\($0): { use: bench-count/count, inputs: [goog] }" }.joined(separator: "\n")
            return "trellis: 1\nplugins: { load: [\(library)] }\nfeeds: { goog: { source: csv, path: \(data), lot_size: 1 } }\nnodes:\n\(list)\n"
        }
        let one = try Bench.best(of: 5) { try Bench.backtest(graph(nodes: 1), in: Bench.workDirectory).loopSeconds }
        let many = try Bench.best(of: 5) { try Bench.backtest(graph(nodes: 1 + extraNodes), in: Bench.workDirectory).loopSeconds }
        let events = Double(tape.count)
        let rawNs = raw / events * 1e9
        let perNodeNs = (many - one) / (events * Double(extraNodes)) * 1e9
        let overhead = Figure("routing", "host delivery above a raw C call, per node", perNodeNs - rawNs, "ns", target: 20, .atMost)
        print(String(format: "raw C call through a function pointer      %6.2f ns per event", rawNs))
        print(String(format: "the host's delivery to one more node       %6.2f ns per event", perNodeNs))
        print(String(format: "the engine with one node (loop, venue)     %6.2f ns per event", one / events * 1e9))
        print(String(format: "overhead per node                          %+6.2f ns   ", perNodeNs - rawNs) + overhead.verdict)
        return [
            Figure("routing", "raw C call", rawNs, "ns"), Figure("routing", "host delivery per node", perNodeNs, "ns"),
            Figure("routing", "engine with one node, per event", one / events * 1e9, "ns"), overhead,
        ]
    }

    /// The counting node's on_event, from the library's own entry point.
    static func onEvent(in library: String) throws -> @convention(c) (UnsafeMutableRawPointer?, UnsafePointer<trellis_event_header>?) -> trellis_status {
        guard let handle = dlopen(library, RTLD_NOW), let symbol = dlsym(handle, "trellis_plugin_entry") else {
            throw BenchError("cannot load \(library): \(String(cString: dlerror()))")
        }
        let entry = unsafeBitCast(symbol, to: trellis_plugin_entry_fn.self)
        guard let plugin = entry(nil), let factory = plugin.pointee.get_factory?(plugin, 0), let onEvent = factory.pointee.methods.pointee.on_event else {
            throw BenchError("\(library) has no node with an on_event")
        }
        return onEvent
    }
}
