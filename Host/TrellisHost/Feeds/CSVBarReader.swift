import CTrellis
import Foundation

/// Reads OHLCV bars from CSV: a header naming Open, High, Low, Close and optionally Volume (any
/// case), and a timestamp in the first column (or the column named date, time, datetime or
/// timestamp). This is the layout of the bundled data: an unnamed date index, then the prices.
///
/// A bar event is stamped with the bar's end (when its close became known): with
/// `labels: .open` (the default, as in the bundled daily and hourly data) the label plus the
/// bar's period; with `.close`, the label itself.
public enum CSVBarReader {
    /// At most this many bad rows are listed; the rest are counted.
    static let reportedProblems = 20

    /// What a row's timestamp marks.
    public enum Labels: String, Sendable {
        case open
        case close
    }

    /// The bars of the file at `path`, as a tape whose events carry `source` and `instrument`.
    /// `name` is how the file is called in diagnostics; `period` (ns) is the bar length, or nil to
    /// take the smallest gap between rows.
    public static func read(
        path: String, name: String, source: UInt32, instrument: UInt32, labels: Labels = .open, period: Int64? = nil
    ) -> Result<MarketTape, DiagnosticsError> {
        guard var data = FileManager.default.contents(atPath: path) else {
            return .failure(DiagnosticsError([Diagnostic(file: name, at: nil, "cannot read the data file", hint: "check the path")]))
        }
        data.append(0)
        let parsed = data.withUnsafeBytes { raw in
            parse(raw.bindMemory(to: UInt8.self), name: name, source: source, instrument: instrument)
        }
        guard case .success(let (tape, smallestGap)) = parsed else {
            if case .failure(let error) = parsed { return .failure(error) }
            return .failure(DiagnosticsError([]))
        }
        let length = period ?? smallestGap
        guard length > 0 else {
            return .failure(
                DiagnosticsError([
                    Diagnostic(file: name, at: nil, "cannot tell the bar period from a single row", hint: "give the feed a period, e.g. period: 1d")
                ]))
        }
        tape.stampBars(period: length, shift: labels == .open ? length : 0)
        return .success(tape)
    }

    private static func parse(
        _ text: UnsafeBufferPointer<UInt8>, name: String, source: UInt32, instrument: UInt32
    ) -> Result<(MarketTape, Int64), DiagnosticsError> {
        var problems: [Diagnostic] = []
        var problemCount = 0
        func problem(_ line: Int, _ message: String, hint: String? = nil) {
            problemCount += 1
            if problems.count < reportedProblems {
                problems.append(Diagnostic(file: name, at: SourceLocation(file: name, line: line, column: 1), message, hint: hint))
            }
        }
        let end = text.count - 1  // the appended NUL
        var lines = LineCursor(text: text, end: end)
        guard let header = lines.next() else {
            return .failure(
                DiagnosticsError([Diagnostic(file: name, at: nil, "the data file is empty", hint: "expected a header line: ,Open,High,Low,Close,Volume")]))
        }
        let headerNames = fields(of: header.range, in: text).map { String(decoding: UnsafeBufferPointer(rebasing: text[$0]), as: UTF8.self) }
        guard let columns = Columns(names: headerNames) else {
            return .failure(
                DiagnosticsError([
                    Diagnostic(
                        file: name, at: SourceLocation(file: name, line: 1, column: 1), "the header must name Open, High, Low and Close columns",
                        hint: "expected e.g. ,Open,High,Low,Close,Volume")
                ]))
        }
        let tape = MarketTape(capacity: max(16, end / 40))
        var previous = Int64.min
        var smallestGap = Int64.max
        var bar = trellis_bar()
        bar.header = trellis_event_header(
            size: UInt32(MemoryLayout<trellis_bar>.size), type: UInt16(TRELLIS_EVENT_BAR), flags: 0, ts_ns: 0, instrument: instrument, source: source)
        while let line = lines.next() {
            if line.range.isEmpty { continue }
            let cells = fields(of: line.range, in: text)
            guard cells.count == columns.count else {
                problem(line.number, "\(cells.count) columns, the header has \(columns.count)")
                continue
            }
            let stamp = UnsafeBufferPointer(rebasing: text[cells[columns.time]])
            guard let time = Timestamp.parse(stamp) else {
                problem(line.number, "'\(String(decoding: stamp, as: UTF8.self))' is not a timestamp", hint: "use YYYY-MM-DD or YYYY-MM-DD HH:MM:SS")
                continue
            }
            var values = (0.0, 0.0, 0.0, 0.0, 0.0)
            var bad: String?
            for (slot, column) in [columns.open, columns.high, columns.low, columns.close, columns.volume].enumerated() as EnumeratedSequence<[Int?]> {
                guard let column else { continue }
                guard let value = number(text, cells[column]), value.isFinite, value >= 0 else {
                    let cell = String(decoding: UnsafeBufferPointer(rebasing: text[cells[column]]), as: UTF8.self)
                    bad = "column \(columns.names[column]): '\(cell)' is not a non-negative number"
                    break
                }
                withUnsafeMutableBytes(of: &values) { $0.storeBytes(of: value, toByteOffset: slot * 8, as: Double.self) }
            }
            if let bad {
                problem(line.number, bad)
                continue
            }
            guard time > previous else {
                problem(
                    line.number,
                    time == previous ? "duplicate timestamp \(Timestamp.format(time))" : "timestamp \(Timestamp.format(time)) is earlier than the row before",
                    hint: "rows must be in time order")
                continue
            }
            if previous != Int64.min { smallestGap = min(smallestGap, time - previous) }
            previous = time
            bar.header.ts_ns = time
            (bar.open, bar.high, bar.low, bar.close, bar.volume) = values
            tape.append(bar)
        }
        if problemCount > problems.count {
            problems.append(Diagnostic(file: name, at: nil, "\(problemCount - problems.count) more bad rows not listed"))
        }
        if !problems.isEmpty { return .failure(DiagnosticsError(problems)) }
        if tape.count == 0 { return .failure(DiagnosticsError([Diagnostic(file: name, at: nil, "the data file has a header but no rows")])) }
        return .success((tape, smallestGap == Int64.max ? 0 : smallestGap))
    }

    /// Byte ranges of the comma-separated fields of a line, surrounding spaces trimmed.
    private static func fields(of range: Range<Int>, in text: UnsafeBufferPointer<UInt8>) -> [Range<Int>] {
        var result: [Range<Int>] = []
        var start = range.lowerBound
        for index in range.lowerBound...range.upperBound where index == range.upperBound || text[index] == 44 {
            var lower = start, upper = index
            while lower < upper, text[lower] == 32 { lower += 1 }
            while upper > lower, text[upper - 1] == 32 { upper -= 1 }
            result.append(lower..<upper)
            start = index + 1
        }
        return result
    }

    /// The number in `range`, or nil unless the whole field is one number.
    private static func number(_ text: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Double? {
        guard !range.isEmpty, let base = text.baseAddress else { return nil }
        var end: UnsafeMutablePointer<CChar>?
        let start = UnsafeRawPointer(base + range.lowerBound).assumingMemoryBound(to: CChar.self)
        let value = strtod(start, &end)
        let stop = UnsafeRawPointer(base) + range.upperBound
        guard let end, UnsafeRawPointer(end) == stop else { return nil }
        return value
    }

    /// Which column holds what, from the header line.
    private struct Columns {
        let names: [String]
        let time: Int
        let open: Int, high: Int, low: Int, close: Int
        let volume: Int?
        var count: Int { names.count }

        init?(names: [String]) {
            let lower = names.map { $0.lowercased() }
            guard let open = lower.firstIndex(of: "open"), let high = lower.firstIndex(of: "high"),
                let low = lower.firstIndex(of: "low"), let close = lower.firstIndex(of: "close")
            else { return nil }
            self.names = names
            (self.open, self.high, self.low, self.close) = (open, high, low, close)
            volume = lower.firstIndex(of: "volume")
            time = lower.firstIndex { ["date", "time", "datetime", "timestamp"].contains($0) } ?? 0
        }
    }
}

/// Walks the lines of a buffer, counting them from 1; a CR before the LF is dropped.
struct LineCursor {
    let text: UnsafeBufferPointer<UInt8>
    let end: Int
    private var position = 0
    private var number = 0

    init(text: UnsafeBufferPointer<UInt8>, end: Int) {
        self.text = text
        self.end = end
    }

    mutating func next() -> (range: Range<Int>, number: Int)? {
        guard position < end else { return nil }
        let start = position
        var stop = start
        while stop < end, text[stop] != 10 { stop += 1 }
        position = stop + 1
        number += 1
        let upper = stop > start && text[stop - 1] == 13 ? stop - 1 : stop
        return (start..<upper, number)
    }
}
