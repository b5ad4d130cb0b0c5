import Foundation
import Glibc
import TrellisHost

/// What the journal costs. A backtest is stored in one transaction when it ends: its share of
/// `trellis run` (1M bars of SMA-cross, every order event stored), and of the work in the
/// process (running, then storing into a new journal). A paper or live run commits
/// each order intent before sending it (`synchronous = FULL`): the time per commit, next to the
/// disk's own floor, a 4 KiB write and `fdatasync` of a plain file.
enum JournalBenchmark {
    static func run(bars: Int, orders: Int = 2_000) throws -> [Figure] {
        let directory = Bench.workDirectory
        let data = try TiledBars.file(bars, in: directory)
        let graph = SMABenchmark.graph(data: data, plugin: nil, type: "sma-cross")
        print("journal: SMA-cross (10, 20) on \(bars) tiled GOOG minute bars, run and stored (best of 5 each); then \(orders) write-ahead order commits")
        // The least of each over five rounds: this VM's neighbours slow single rounds by up to 2×.
        var best = (run: Double.infinity, store: Double.infinity, bytes: 0, events: 0)
        for _ in 0..<5 {
            let path = directory + "/bench-journal.sqlite"
            for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
            let start = ContinuousClock.now
            let result = try Backtest.prepare(text: graph, file: directory + "/journal-bench.yaml", options: Backtest.Options()).run()
            let ran = ContinuousClock.now
            // Opening, storing and closing (the checkpoint that moves the log into the file).
            try Journal(path: path).save(result)
            let stored = ContinuousClock.now
            best.run = min(best.run, Bench.seconds(ran - start))
            best.store = min(best.store, Bench.seconds(stored - ran))
            best.bytes = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
            best.events = result.orders.count
        }
        let share = best.store / (best.run + best.store) * 100
        print(
            String(
                format: "  in the process: the run %.2f s, storing it %.2f s (%.1f MB, %d order events): the journal is %.0f%% of the whole", best.run,
                best.store, Double(best.bytes) / 1e6, best.events, share))
        let command = try commandSeconds(graph: graph, in: directory)
        let commandShare = (command.with - command.without) / command.with * 100
        print(
            String(
                format: "  trellis run: %.2f s with the journal, %.2f s with --no-journal (best of 5 each): the journal is %.0f%% of the run",
                command.with, command.without, commandShare))
        let shareFigure = Figure("journal", "a 1M-bar backtest's journal, share of `trellis run`", commandShare, "%", target: 100.0 / 3, .atMost)
        print("  " + shareFigure.verdict)

        let commit = try commitSeconds(orders: orders, in: directory)
        let floor = try fsyncSeconds(count: orders, in: directory)
        print(
            String(
                format: "  write-ahead commit of an order %.0f µs; the disk's 4 KiB write + fdatasync %.0f µs (%.1f×)", commit * 1e6, floor * 1e6,
                commit / floor))
        return [
            shareFigure, Figure("journal", "a 1M-bar backtest's journal, share of the work in the process", share, "%"),
            Figure("journal", "write-ahead commit per order", commit * 1e6, "µs"), Figure("journal", "4 KiB write + fdatasync", floor * 1e6, "µs"),
        ]
    }

    /// `trellis run` of `graph` as a person runs it, storing into a journal that already holds
    /// a run (as a deployment's does) and with `--no-journal`: the least of five runs each.
    static func commandSeconds(graph: String, in directory: String) throws -> (with: Double, without: Double) {
        let file = directory + "/journal-bench-command.yaml"
        try graph.write(toFile: file, atomically: true, encoding: .utf8)
        let journal = directory + "/bench-command.sqlite"
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: journal + suffix) }
        func seconds(_ arguments: [String]) throws -> Double {
            let process = Process()
            process.executableURL = Bench.root.appendingPathComponent(".build/release/trellis")
            process.arguments = ["run", file] + arguments
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            let start = ContinuousClock.now
            try process.run()
            process.waitUntilExit()
            guard process.terminationStatus == 0 else { throw BenchError("trellis run \(file) \(arguments.joined(separator: " ")) failed") }
            return Bench.seconds(ContinuousClock.now - start)
        }
        _ = try seconds(["--journal", journal])
        var best = (with: Double.infinity, without: Double.infinity)
        for _ in 0..<5 {
            best.with = min(best.with, try seconds(["--journal", journal]))
            best.without = min(best.without, try seconds(["--no-journal"]))
        }
        return best
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
