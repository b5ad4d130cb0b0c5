import Foundation
import Glibc
import TrellisHost

/// What the journal costs. A backtest is stored in one transaction when it ends: its share of
/// the whole run (1M bars of SMA-cross, every order event stored). A paper or live run commits
/// each order intent before sending it (`synchronous = FULL`): the time per commit, next to the
/// disk's own floor, a 4 KiB write and `fdatasync` of a plain file.
enum JournalBenchmark {
    static func run(bars: Int, orders: Int = 2_000) throws -> [Figure] {
        let directory = Bench.workDirectory
        let data = try TiledBars.file(bars, in: directory)
        let graph = SMABenchmark.graph(data: data, plugin: nil, type: "sma-cross")
        print("journal: SMA-cross (10, 20) on \(bars) tiled GOOG minute bars, run and stored (best of 3); then \(orders) write-ahead order commits")
        var best = (run: Double.infinity, store: Double.infinity, bytes: 0, events: 0)
        for _ in 0..<3 {
            let path = directory + "/bench-journal.sqlite"
            for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
            let start = ContinuousClock.now
            let result = try Backtest.prepare(text: graph, file: directory + "/journal-bench.yaml", options: Backtest.Options()).run()
            let ran = ContinuousClock.now
            // Opening, storing and closing (the checkpoint that moves the log into the file).
            try Journal(path: path).save(result)
            let stored = ContinuousClock.now
            let (run, store) = (Bench.seconds(ran - start), Bench.seconds(stored - ran))
            if run + store < best.run + best.store {
                let bytes = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
                best = (run, store, bytes, result.orders.count)
            }
        }
        let share = best.store / (best.run + best.store) * 100
        print(
            String(
                format: "  run without the journal %.2f s, storing it %.2f s (%.1f MB, %d order events): the journal is %.0f%% of the run", best.run,
                best.store, Double(best.bytes) / 1e6, best.events, share))
        let shareFigure = Figure("journal", "a 1M-bar backtest's journal, share of the run", share, "%", target: 100.0 / 3, .atMost)
        print("  " + shareFigure.verdict)

        let commit = try commitSeconds(orders: orders, in: directory)
        let floor = try fsyncSeconds(count: orders, in: directory)
        print(
            String(
                format: "  write-ahead commit of an order %.0f µs; the disk's 4 KiB write + fdatasync %.0f µs (%.1f×)", commit * 1e6, floor * 1e6,
                commit / floor))
        return [
            shareFigure, Figure("journal", "write-ahead commit per order", commit * 1e6, "µs"), Figure("journal", "4 KiB write + fdatasync", floor * 1e6, "µs"),
        ]
    }

    /// Seconds per `OrderJournal.commit` of one intent (median of `orders`).
    static func commitSeconds(orders: Int, in directory: String) throws -> Double {
        let path = directory + "/bench-orders.sqlite"
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
        let journal = try Journal(path: path)
        let orderJournal = try OrderJournal(journal: journal, runID: "bench")
        try orderJournal.begin(startedAt: 0, mode: "live", graphFile: "bench.yaml", graphSHA256: "", resumedFrom: nil)
        var samples: [Double] = []
        for index in 1...orders {
            let intent = OrderJournal.Intent(
                clientID: UInt64(index), node: "trend", orderID: UInt64(index), broker: "desk", symbol: "GOOG", side: 1, type: 0, timeInForce: 0,
                sizeMode: 0, flags: 0, quantity: 100, limitPrice: 0, stopPrice: 0, time: Int64(index))
            let start = ContinuousClock.now
            try orderJournal.commit(intent)
            samples.append(Bench.seconds(ContinuousClock.now - start))
        }
        return samples.sorted()[samples.count / 2]
    }

    /// Seconds per 4 KiB `pwrite` + `fdatasync` of a plain file (median of `count`).
    static func fsyncSeconds(count: Int, in directory: String) throws -> Double {
        let path = directory + "/bench-fsync"
        let descriptor = open(path, O_CREAT | O_TRUNC | O_WRONLY, 0o600)
        guard descriptor >= 0 else { throw BenchError("cannot open \(path)") }
        defer {
            close(descriptor)
            unlink(path)
        }
        let page = [UInt8](repeating: 7, count: 4096)
        var samples: [Double] = []
        for index in 0..<count {
            let start = ContinuousClock.now
            _ = page.withUnsafeBytes { pwrite(descriptor, $0.baseAddress, 4096, off_t(index * 4096)) }
            fdatasync(descriptor)
            samples.append(Bench.seconds(ContinuousClock.now - start))
        }
        return samples.sorted()[samples.count / 2]
    }
}
