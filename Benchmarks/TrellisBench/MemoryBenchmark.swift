import CBenchSupport
import Foundation
import TrellisHost

/// Host memory per idle instrument: a prepared backtest with 1,001 instruments against one with
/// 1, each instrument its own feed of two bars, all read by one counting node; the difference
/// in heap bytes in use (malloc's own count), per instrument.
enum MemoryBenchmark {
    static let instruments = 1000

    static func run() throws -> [Figure] {
        let directory = Bench.workDirectory + "/memory"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        for index in 0...instruments {
            let path = directory + "/i\(index).csv"
            if !FileManager.default.fileExists(atPath: path) {
                try "time,Open,High,Low,Close,Volume\n1577836800,10,11,9,10.5,100\n1577836860,10.5,11,10,10.2,100\n".write(
                    toFile: path, atomically: false, encoding: .utf8)
            }
        }
        let library = try Bench.cLibrary("Benchmarks/Fixtures/count_node.c")
        func graph(_ count: Int) -> String {
            let feeds = (0..<count).map { "  i\($0): { source: csv, path: \(directory)/i\($0).csv, time_format: unix_s, symbol: I\($0) }" }
            let inputs = (0..<count).map { "i\($0)" }.joined(separator: ", ")
            return
                "trellis: 1\nplugins: { load: [\(library)] }\nfeeds:\n\(feeds.joined(separator: "\n"))\nnodes:\n  count: { use: bench-count/count, inputs: [\(inputs)] }\n"
        }
        // Warm up what is allocated once per process (plugin loading, caches).
        _ = try Backtest.prepare(text: graph(1), file: directory + "/graph.yaml")
        func heldBytes(_ count: Int) throws -> Int {
            let before = bench_heap_in_use()
            let backtest = try Backtest.prepare(text: graph(count), file: directory + "/graph.yaml")
            let after = bench_heap_in_use()
            withExtendedLifetime(backtest) {}
            return Int(after) - Int(before)
        }
        let one = try heldBytes(1), many = try heldBytes(1 + instruments)
        let perInstrument = Double(many - one) / Double(instruments)
        let figure = Figure("memory", "host memory per idle instrument (1,000 instruments)", perInstrument, "bytes", target: 2048, .atMost)
        print("memory: a prepared backtest with 1 and with \(1 + instruments) instruments, each its own feed of 2 bars")
        print(
            String(format: "1 instrument: %d bytes; %d instruments: %d bytes; per instrument %.0f bytes   ", one, 1 + instruments, many, perInstrument)
                + figure.verdict)
        return [figure]
    }
}
