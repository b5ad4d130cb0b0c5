import Foundation

/// One bar of the replayed series, times in milliseconds since the epoch (UTC).
struct Bar: Sendable, Equatable {
    var openTime: Int64
    var closeTime: Int64
    var open: Double
    var high: Double
    var low: Double
    var close: Double
    var volume: Double
}

/// Daily bars read from a CSV file with the header `,Open,High,Low,Close,Volume` and rows
/// like `2004-08-19,100,104.06,95.96,100.34,22351900` (each bar opens at UTC midnight).
struct BarSeries: Sendable {
    /// One day: the period of daily bars.
    static let dayMs: Int64 = 86_400_000

    let bars: [Bar]

    init(bars: [Bar]) { self.bars = bars }

    /// Reads and checks the file; a bad row is an error naming its line.
    static func read(path: String) throws(FakeVenueError) -> BarSeries {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw .data("cannot read bars file \(path): \(error.localizedDescription)")
        }
        return try parse(text, name: path)
    }

    /// Parses CSV text; `name` names the source in errors.
    static func parse(_ text: String, name: String) throws(FakeVenueError) -> BarSeries {
        var lines = text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
        while lines.last?.isEmpty == true { lines.removeLast() }
        guard let header = lines.first else { throw .data("\(name) is empty") }
        let columns = header.split(separator: ",", omittingEmptySubsequences: false).map { $0.lowercased() }
        guard columns.count >= 6, Array(columns[1...5]) == ["open", "high", "low", "close", "volume"] else {
            throw .data("\(name): the header must be ',Open,High,Low,Close,Volume', got '\(header)'")
        }
        var bars: [Bar] = []
        bars.reserveCapacity(lines.count)
        for (index, line) in lines.enumerated().dropFirst() where !line.isEmpty {
            let fields = line.split(separator: ",", omittingEmptySubsequences: false)
            guard fields.count >= 6, let openTime = day(fields[0]) else {
                throw .data("\(name) line \(index + 1): expected 'YYYY-MM-DD,open,high,low,close,volume', got '\(line)'")
            }
            let numbers = fields[1...5].map { Double($0.trimmingCharacters(in: .whitespaces)) }
            guard numbers.allSatisfy({ $0 != nil && $0!.isFinite }) else { throw .data("\(name) line \(index + 1): a price or volume is not a number") }
            let bar = Bar(
                openTime: openTime, closeTime: openTime + dayMs, open: numbers[0]!, high: numbers[1]!, low: numbers[2]!, close: numbers[3]!,
                volume: numbers[4]!)
            guard bar.low <= min(bar.open, bar.close), bar.high >= max(bar.open, bar.close), bar.low > 0 else {
                throw .data("\(name) line \(index + 1): high and low do not enclose open and close")
            }
            if let previous = bars.last, previous.openTime >= openTime { throw .data("\(name) line \(index + 1): dates must increase") }
            bars.append(bar)
        }
        if bars.isEmpty { throw .data("\(name) has no bars") }
        return BarSeries(bars: bars)
    }

    /// Milliseconds since the epoch of a `YYYY-MM-DD` date at UTC midnight.
    static func day(_ text: Substring) -> Int64? {
        let parts = text.trimmingCharacters(in: .whitespaces).split(separator: "-")
        guard parts.count == 3, parts[0].count == 4, let year = Int64(parts[0]), let month = Int64(parts[1]), let day = Int64(parts[2]),
            (1...12).contains(month), (1...31).contains(day)
        else { return nil }
        // Days from civil (Howard Hinnant's algorithm).
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return (era * 146_097 + doe - 719_468) * dayMs
    }
}
