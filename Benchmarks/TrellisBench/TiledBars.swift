import Foundation

/// Large data from the bundled GOOG daily bars: the 2,148 bars forward, then time-reversed with
/// open and close swapped (each copy starts at the price where the last one ended), and again,
/// as one-minute bars from 2000-01-01 00:00 UTC. Prices keep their text, so every reader parses
/// the same decimals.
enum TiledBars {
    /// One row's prices and volume as written in data/GOOG.csv.
    struct Row {
        var open: Substring
        var high: Substring
        var low: Substring
        var close: Substring
        var volume: Substring
    }

    static let header = "time,Open,High,Low,Close,Volume\n"
    static let start = 946_684_800  // 2000-01-01T00:00:00Z

    static func goog() throws -> [Row] {
        let text = try String(contentsOf: Bench.root.appendingPathComponent("data/GOOG.csv"), encoding: .utf8)
        return text.split(separator: "\n").dropFirst().map { line in
            let cells = line.split(separator: ",", omittingEmptySubsequences: false)
            return Row(open: cells[1], high: cells[2], low: cells[3], close: cells[4], volume: cells[5])
        }
    }

    /// Row `index` of the tiling: forward copies keep the rows, reversed ones swap open and close.
    static func row(_ index: Int, of rows: [Row]) -> Row {
        let copy = index / rows.count, offset = index % rows.count
        guard copy % 2 == 1 else { return rows[offset] }
        var row = rows[rows.count - 1 - offset]
        swap(&row.open, &row.close)
        return row
    }

    /// Writes `count` bars to `path` ("YYYY-MM-DD HH:MM:SS" times), reporting progress on stderr
    /// for large files.
    static func write(_ count: Int, to path: String) throws {
        let rows = try goog()
        guard let file = fopen(path, "w") else { throw BenchError("cannot write \(path): \(String(cString: strerror(errno)))") }
        defer { fclose(file) }
        var buffer = [UInt8]()
        buffer.reserveCapacity(1 << 20)
        buffer.append(contentsOf: header.utf8)
        var date = tm()
        for index in 0..<count {
            var time = time_t(start + 60 * index)
            gmtime_r(&time, &date)
            appendTime(date, to: &buffer)
            let row = row(index, of: rows)
            for cell in [row.open, row.high, row.low, row.close, row.volume] {
                buffer.append(44)
                buffer.append(contentsOf: cell.utf8)
            }
            buffer.append(10)
            if buffer.count > 1 << 20 {
                guard fwrite(buffer, 1, buffer.count, file) == buffer.count else { throw BenchError("cannot write \(path)") }
                buffer.removeAll(keepingCapacity: true)
            }
            if count >= 1_000_000, index % 1_000_000 == 999_999 {
                FileHandle.standardError.write(Data("  \(path): \((index + 1) / 1_000_000)M of \(Double(count) / 1e6)M bars\n".utf8))
            }
        }
        guard fwrite(buffer, 1, buffer.count, file) == buffer.count else { throw BenchError("cannot write \(path)") }
    }

    private static func appendTime(_ date: tm, to buffer: inout [UInt8]) {
        func two(_ value: Int32) {
            buffer.append(UInt8(48 + value / 10))
            buffer.append(UInt8(48 + value % 10))
        }
        let year = date.tm_year + 1900
        two(year / 100)
        two(year % 100)
        buffer.append(45)
        two(date.tm_mon + 1)
        buffer.append(45)
        two(date.tm_mday)
        buffer.append(32)
        two(date.tm_hour)
        buffer.append(58)
        two(date.tm_min)
        buffer.append(58)
        two(date.tm_sec)
    }

    /// The file of `count` bars in `directory`, written unless it is already there.
    static func file(_ count: Int, in directory: String) throws -> String {
        let path = directory + "/goog-tiled-\(count).csv"
        if FileManager.default.fileExists(atPath: path) { return path }
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try write(count, to: path + ".partial")
        try FileManager.default.moveItem(atPath: path + ".partial", toPath: path)
        return path
    }
}
