import Foundation
import TrellisHost

/// Reading bars from CSV into a tape (the file read, the parse, the checks), apart from any run.
enum CSVBenchmark {
    static func run(bars: Int) throws -> [Figure] {
        let data = try TiledBars.file(bars, in: Bench.workDirectory)
        let megabytes = Double((try FileManager.default.attributesOfItem(atPath: data)[.size] as? Int) ?? 0) / 1e6
        print("csv: reading \(bars) tiled GOOG minute bars (\(String(format: "%.0f", megabytes)) MB) into a tape, best of 5")
        let seconds = try Bench.best(of: 5) {
            let start = ContinuousClock.now
            let tape = try CSVFeedReader.read(path: data, name: data, source: 1, instrument: 1).get()
            guard tape.count == bars else { throw BenchError("read \(tape.count) bars of \(bars)") }
            return Bench.seconds(ContinuousClock.now - start)
        }
        let rate = Double(bars) / seconds / 1e6
        let figure = Figure("csv", "rows read per second", rate, "M rows/s", target: 5, .atLeast)
        print(String(format: "%.2f M rows/s, %.0f MB/s   ", rate, megabytes / seconds) + figure.verdict)
        return [figure, Figure("csv", "bytes read per second", megabytes / seconds, "MB/s")]
    }
}
