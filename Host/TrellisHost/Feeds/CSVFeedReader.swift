import CTrellis
import Foundation

/// Reads market data from CSV into a tape: bars, trades or quotes, as a `CSVLayout` says. Rows must
/// be in time order (bars strictly, trades and quotes may share a time); every bad row is an error
/// with its file and line, or, with `skipBadRows`, skipped and counted.
///
/// A bar event is stamped with the bar's end: with `labels: .open` (the bundled data, pandas,
/// exchanges) the row's time plus the bar's period; with `.close`, the row's time; with a close
/// time column (Binance klines), that time plus one unit.
public enum CSVFeedReader {
    /// At most this many bad rows are listed; the rest are counted.
    static let reportedProblems = 20

    public struct Options: Sendable {
        public var layout = CSVLayout()
        public var labels = Labels.open
        /// Bar length in ns, or nil to take the smallest gap between rows.
        public var period: Int64?
        public var skipBadRows = false
        public var source: UInt32 = 1
        public var instrument: UInt32 = 1
        /// Called with (bytes read, bytes in all files) every 65,536 lines and at the end.
        public var progress: (@Sendable (Int, Int) -> Void)?

        public init() {}
    }

    /// What was read: the tape, and the rows skipped (the first few as diagnostics).
    public struct Outcome: Sendable {
        public var tape: MarketTape
        public var skipped = 0
        public var skippedRows: [Diagnostic] = []
    }

    /// Reads `files` (a name for diagnostics, and the bytes) in order, as one stream.
    public static func read(_ files: [(name: String, data: Data)], options: Options) -> Result<Outcome, DiagnosticsError> {
        var state = ParseState(options: options)
        state.totalBytes = files.reduce(0) { $0 + $1.data.count }
        for (name, data) in files {
            data.withUnsafeBytes { state.parse($0.bindMemory(to: UInt8.self), name: name) }
            state.bytesBefore += data.count
        }
        options.progress?(state.totalBytes, state.totalBytes)
        if state.problemCount > state.problems.count {
            state.problems.append(Diagnostic(file: files.last?.name ?? "", at: nil, "\(state.problemCount - state.problems.count) more bad rows not listed"))
        }
        if !state.problems.isEmpty { return .failure(DiagnosticsError(state.problems)) }
        guard state.tape.count > 0 else {
            return .failure(
                DiagnosticsError([Diagnostic(file: files.first?.name ?? "", at: nil, "the data has no rows", hint: "check the file and the feed's columns")]))
        }
        if options.layout.kind == .bars, !state.stampedByCloseTime {
            let period = options.period ?? (state.smallestGap == .max ? 0 : state.smallestGap)
            guard period <= NumericBounds.period else {
                return .failure(
                    DiagnosticsError([
                        Diagnostic(
                            file: files.first?.name ?? "", at: nil,
                            "the rows are at least \(period / 86_400_000_000_000) days apart, more than the longest bar period the host takes (366 days)",
                            hint: "check the file's times")
                    ]))
            }
            guard period > 0 else {
                return .failure(
                    DiagnosticsError([
                        Diagnostic(
                            file: files.first?.name ?? "", at: nil, "cannot tell the bar period from a single row",
                            hint: "give the feed a period, e.g. period: 1d")
                    ]))
            }
            let stamped = state.stampedPeriod ?? 0
            if period != stamped { state.tape.stampBars(period: period, shift: state.shift(period) - state.shift(stamped)) }
        }
        return .success(Outcome(tape: state.tape, skipped: state.skipped, skippedRows: state.skippedRows))
    }

    /// Reads OHLCV bars from the file at `path` in the bundled layout (a header naming Open, High,
    /// Low, Close and optionally Volume, the time in the first column).
    public static func read(
        path: String, name: String, source: UInt32, instrument: UInt32, labels: Labels = .open, period: Int64? = nil
    ) -> Result<MarketTape, DiagnosticsError> {
        guard let data = MappedFile.contents(atPath: path) else {
            return .failure(DiagnosticsError([Diagnostic(file: name, at: nil, "cannot read the data file", hint: "check the path")]))
        }
        var options = Options()
        (options.source, options.instrument, options.labels, options.period) = (source, instrument, labels, period)
        return MappedFile.guarding([(name, data)]) { read([(name, data)], options: options).map(\.tape) }
    }
}

extension CSVFeedReader {
    /// What a bar row's time marks.
    public enum Labels: String, Sendable {
        case open
        case close
    }
}

/// The running state of one read, across files.
///
/// A row is read twice only when it is bad: `quickRow` reads a good row in one pass over its bytes;
/// on anything unexpected it gives up, and `row` reads the row again cell by cell to say what is
/// wrong. Both end in `accept`, which checks the bar and the time order and appends the event.
private struct ParseState {
    let options: CSVFeedReader.Options
    let tape = MarketTape(capacity: 1024)
    var problems: [Diagnostic] = []
    /// Bytes in all files, and in the files before the one being read (for progress).
    var totalBytes = 0
    var bytesBefore = 0
    var problemCount = 0
    var skipped = 0
    var skippedRows: [Diagnostic] = []
    var previous = Int64.min
    var smallestGap = Int64.max
    var stampedByCloseTime = false
    /// The period bars are stamped with as they are read: the feed's, or else the first gap, so that
    /// only data whose first gap is not its smallest needs a second pass at the end.
    var stampedPeriod: Int64?
    var cells: [Range<Int>] = []
    /// Per file: the value fields and their columns, and the largest value each may hold.
    var plan: [(field: CSVLayout.Field, column: Int)] = []
    var bounds: [Double] = []
    /// Per file: what each column holds, for `quickRow`; empty when a column holds two fields.
    var roles: [Role] = []
    /// The row being read, by `CSVLayout.Field.slot`.
    var values = [Double](repeating: 0, count: CSVLayout.Field.allCases.count)
    var timeColumn = 0
    var sideColumn: Int?
    var dayMemo = Timestamp.DayMemo()
    var hasVolume = false
    var hasCloseTime = false
    /// Per file: the header's names, for messages.
    var columnNames: [String] = []

    enum Role: Equatable {
        case ignored, time, side
        case value(CSVLayout.Field)
    }

    init(options: CSVFeedReader.Options) {
        self.options = options
        stampedPeriod = options.period
    }

    /// How far a bar's timestamp moves from its label to its end.
    func shift(_ period: Int64) -> Int64 { options.labels == .open ? period : 0 }

    mutating func problem(_ name: String, _ line: Int, _ message: String, hint: String? = nil) {
        let diagnostic = Diagnostic(file: name, at: SourceLocation(file: name, line: line, column: 1), message, hint: hint)
        if options.skipBadRows {
            skipped += 1
            if skippedRows.count < 5 { skippedRows.append(Diagnostic(.warning, file: name, at: diagnostic.location, message)) }
            return
        }
        problemCount += 1
        if problems.count < CSVFeedReader.reportedProblems { problems.append(diagnostic) }
    }

    mutating func parse(_ text: UnsafeBufferPointer<UInt8>, name: String) {
        let layout = options.layout
        var lines = LineCursor(text: text, end: text.count)
        var pending: (range: Range<Int>, number: Int)?
        var headerNames: [String]?
        if let first = lines.next() {
            split(first.range, text)
            let names = cells.map { String(decoding: UnsafeBufferPointer(rebasing: text[$0]), as: UTF8.self) }
            let firstCell = cells.first.map { UnsafeBufferPointer(rebasing: text[$0]) } ?? UnsafeBufferPointer(start: nil, count: 0)
            let looksLikeData = Self.time(firstCell, layout.timeFormat, &dayMemo) != nil
            if layout.header == true || (layout.header == nil && !looksLikeData) { headerNames = names } else { pending = first }
            tape.reserve(tape.count + text.count / max(first.range.count + 1, 16) * 5 / 4 + 1)
        } else {
            problems.append(Diagnostic(file: name, at: nil, "the data file is empty", hint: "expected a header line such as ,Open,High,Low,Close,Volume"))
            return
        }
        let columns: [CSVLayout.Field: Int]
        do {
            columns = try layout.resolve(header: headerNames)
        } catch {
            problems.append(Diagnostic(file: name, at: SourceLocation(file: name, line: 1, column: 1), error.message))
            return
        }
        let width = (columns.values.max() ?? 0) + 1
        columnNames = headerNames ?? []
        timeColumn = columns[.time]!
        sideColumn = columns[.side]
        plan = CSVLayout.Field.allCases.compactMap { field in
            guard field != .time, field != .side, let column = columns[field] else { return nil }
            return (field, column)
        }
        bounds = plan.map { entry in
            switch entry.field {
            case .volume, .quantity, .bidSize, .askSize: NumericBounds.quantity
            case .closeTime: Double(NumericBounds.latestTime)
            default: NumericBounds.price
            }
        }
        (hasVolume, hasCloseTime) = (columns[.volume] != nil, columns[.closeTime] != nil)
        roles = Array(repeating: .ignored, count: width)
        for (field, column) in columns {
            guard roles[column] == .ignored else {
                roles = []
                break
            }
            roles[column] = field == .time ? .time : field == .side ? .side : .value(field)
        }
        while let line = pending ?? lines.next() {
            pending = nil
            if line.number & 0xFFFF == 0 { options.progress?(bytesBefore + line.range.lowerBound, totalBytes) }
            if line.range.isEmpty { continue }
            if let (time, side) = quickRow(text, line.range) {
                accept(time, side: side, name: name, line: line.number)
                continue
            }
            split(line.range, text)
            guard cells.count >= width else {
                problem(name, line.number, "\(cells.count) columns, expected at least \(width)")
                continue
            }
            row(text, name: name, line: line.number)
        }
    }

    /// Reads a well-formed row in one pass: its time and side (the values go to `values`), or nil
    /// when anything is unexpected.
    private mutating func quickRow(_ text: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> (Int64, UnsafeBufferPointer<UInt8>?)? {
        guard !roles.isEmpty, let base = text.baseAddress else { return nil }
        let (delimiter, format, roles) = (options.layout.delimiter, options.layout.timeFormat, roles)
        var time: Int64?
        var side: UnsafeBufferPointer<UInt8>?
        var memo = dayMemo
        defer { dayMemo = memo }
        let complete = values.withUnsafeMutableBufferPointer { values in
            var (column, start, end) = (0, range.lowerBound, range.upperBound)
            while column < roles.count {
                var lower = start
                while lower < end, base[lower] == 32 { lower += 1 }
                var stop = lower
                if case .value(let field) = roles[column], field != .closeTime {
                    guard let (value, next) = DecimalText.plainPrefix(base, from: lower, to: end) else { return false }
                    stop = next
                    while stop < end, base[stop] == 32 { stop += 1 }
                    guard stop == end || base[stop] == delimiter else { return false }
                    values[field.slot] = value
                } else {
                    while stop < end, base[stop] != delimiter { stop += 1 }
                    var upper = stop
                    while upper > lower, base[upper - 1] == 32 { upper -= 1 }
                    let cell = UnsafeBufferPointer(start: base + lower, count: upper - lower)
                    switch roles[column] {
                    case .time:
                        guard let parsed = Self.time(cell, format, &memo) else { return false }
                        time = parsed.ns
                    case .side: side = cell
                    case .value:
                        guard let close = Self.time(cell, format, &memo) else { return false }
                        values[CSVLayout.Field.closeTime.slot] = Double(close.ns) + Double(close.unit)
                    case .ignored: break
                    }
                }
                column += 1
                if stop == end { break }
                start = stop + 1
            }
            return column == roles.count
        }
        guard complete, let time else { return nil }
        return (time, side)
    }

    /// Reads one row's fields cell by cell, naming the first bad one, and accepts the row if none is.
    private mutating func row(_ text: UnsafeBufferPointer<UInt8>, name: String, line: Int) {
        let format = options.layout.timeFormat
        let stamp = UnsafeBufferPointer(rebasing: text[cells[timeColumn]])
        guard let parsed = Self.time(stamp, format, &dayMemo) else {
            let text = String(decoding: stamp, as: UTF8.self)
            if format == .iso, let year = Int64(text.prefix(4)), text.dropFirst(4).hasPrefix("-"), !Timestamp.years.contains(year) {
                problem(
                    name, line, "'\(TerminalText.safe(text, limit: 40))' is outside the years 1970 to 2260, the times the host takes",
                    hint: "check the row's date")
                return
            }
            let hint = format == .iso ? "use YYYY-MM-DD or YYYY-MM-DD HH:MM:SS" : "expected an epoch time (\(format.rawValue)) from 1970 to 2260"
            problem(name, line, "'\(TerminalText.safe(text, limit: 40))' is not a timestamp", hint: hint)
            return
        }
        for (field, column) in plan {
            let cell = UnsafeBufferPointer(rebasing: text[cells[column]])
            if field == .closeTime {
                guard let close = Self.time(cell, format, &dayMemo) else {
                    problem(name, line, "column \(column): the close time is not an epoch time")
                    return
                }
                values[field.slot] = Double(close.ns) + Double(close.unit)
                continue
            }
            guard let value = DecimalText.value(cell), value.isFinite, value >= 0 else {
                let label = column < columnNames.count && !columnNames[column].isEmpty ? columnNames[column] : field.rawValue
                problem(
                    name, line,
                    "column \(TerminalText.safe(label, limit: 40)): '\(TerminalText.safe(String(decoding: cell, as: UTF8.self), limit: 40))' is not a non-negative number"
                )
                return
            }
            values[field.slot] = value
        }
        accept(parsed.ns, side: sideColumn.map { UnsafeBufferPointer(rebasing: text[cells[$0]]) }, name: name, line: line)
    }

    /// Checks a read row (a bar's prices, the time order) and appends its event.
    private mutating func accept(_ time: Int64, side: UnsafeBufferPointer<UInt8>?, name: String, line: Int) {
        guard time >= NumericBounds.earliestTime, time <= NumericBounds.latestTime else {
            problem(
                name, line, "timestamp \(Timestamp.format(time)) is outside 1970-01-01 to 2260-12-31, the times the host takes",
                hint: "check the row's time and the feed's time_format")
            return
        }
        if let (field, bound) = outOfBounds() {
            let value = value(field)
            problem(
                name, line,
                "\(field.rawValue) \(NumberFormat.compact(value)) is larger than \(NumericBounds.words(bound)), the most the host takes (docs/limits.md)",
                hint: "check the row; prices above 1e12 and sizes above 1e15 are refused")
            return
        }
        if options.layout.kind == .bars, let problem = inconsistency() {
            self.problem(name, line, problem, hint: "a bar's high must be at least its open, close and low, its low at most its open and close")
            return
        }
        let strict = options.layout.kind == .bars
        guard time > previous || (!strict && time == previous) else {
            problem(
                name, line,
                time == previous ? "duplicate timestamp \(Timestamp.format(time))" : "timestamp \(Timestamp.format(time)) is earlier than the row before",
                hint: "rows must be in time order")
            return
        }
        if previous != Int64.min, time > previous { smallestGap = min(smallestGap, time - previous) }
        if stampedPeriod == nil, previous != Int64.min, options.layout.kind == .bars, !hasCloseTime, time - previous <= NumericBounds.period {
            stampedPeriod = time - previous
            tape.stampBars(period: time - previous, shift: shift(time - previous))
        }
        previous = time
        append(time, side: side)
    }

    /// The first value of the row just read that is beyond its bound (prices 1e12, sizes 1e15,
    /// close times the latest time), or nil.
    @inline(__always)
    private func outOfBounds() -> (CSVLayout.Field, Double)? {
        for index in plan.indices where !(values[plan[index].field.slot] <= bounds[index]) { return (plan[index].field, bounds[index]) }
        return nil
    }

    /// What is wrong with the bar just read, if its prices contradict each other.
    @inline(__always)
    private func inconsistency() -> String? {
        let (open, high, low, close) = (value(.open), value(.high), value(.low), value(.close))
        guard high < low || high < max(open, close) || low > min(open, close) else { return nil }
        return inconsistency(open: open, high: high, low: low, close: close)
    }

    private func inconsistency(open: Double, high: Double, low: Double, close: Double) -> String {
        func text(_ value: Double) -> String { value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : "\(value)" }
        if high < low { return "high \(text(high)) is below low \(text(low))" }
        if high < max(open, close) { return "high \(text(high)) is below the \(open > close ? "open \(text(open))" : "close \(text(close))")" }
        return "low \(text(low)) is above the \(open < close ? "open \(text(open))" : "close \(text(close))")"
    }

    /// The value read into `field`'s slot.
    @inline(__always)
    private func value(_ field: CSVLayout.Field) -> Double { values[field.slot] }

    private mutating func append(_ time: Int64, side: UnsafeBufferPointer<UInt8>?) {
        let (instrument, source) = (options.instrument, options.source)
        let header = { (type: Int32, size: Int) in
            trellis_event_header(size: UInt32(size), type: UInt16(type), flags: 0, ts_ns: time, instrument: instrument, source: source)
        }
        switch options.layout.kind {
        case .bars:
            var bar = trellis_bar()
            bar.header = header(TRELLIS_EVENT_BAR, MemoryLayout<trellis_bar>.size)
            (bar.open, bar.high, bar.low, bar.close) = (value(.open), value(.high), value(.low), value(.close))
            bar.volume = hasVolume ? value(.volume) : 0
            if let stampedPeriod {
                bar.period_ns = stampedPeriod
                bar.header.ts_ns += shift(stampedPeriod)
            }
            if hasCloseTime {
                bar.header.ts_ns = Int64(clamping: value(.closeTime))
                bar.period_ns = bar.header.ts_ns - time
                stampedByCloseTime = true
            }
            tape.append(bar)
        case .trades:
            var trade = trellis_trade()
            trade.header = header(TRELLIS_EVENT_TRADE, MemoryLayout<trellis_trade>.size)
            (trade.price, trade.quantity) = (value(.price), value(.quantity))
            trade.aggressor = side.map(Self.aggressor) ?? 0
            tape.append(record: trade)
        case .quotes:
            var quote = trellis_quote()
            quote.header = header(TRELLIS_EVENT_QUOTE, MemoryLayout<trellis_quote>.size)
            (quote.bid, quote.ask, quote.bid_size, quote.ask_size) = (value(.bid), value(.ask), value(.bidSize), value(.askSize))
            tape.append(record: quote)
        }
    }

    /// buy, b, 1 → buy; sell, s, -1 → sell; anything else unknown.
    private static func aggressor(_ bytes: UnsafeBufferPointer<UInt8>) -> Int32 {
        switch String(decoding: bytes, as: UTF8.self).lowercased() {
        case "buy", "b", "1": TRELLIS_SIDE_BUY
        case "sell", "s", "-1": TRELLIS_SIDE_SELL
        default: 0
        }
    }

    /// A time in `format`: ns since the epoch, and the unit it was written in (ns).
    private static func time(
        _ bytes: UnsafeBufferPointer<UInt8>, _ format: CSVLayout.TimeFormat, _ memo: inout Timestamp.DayMemo
    ) -> (ns: Int64, unit: Int64)? {
        if format == .iso { return Timestamp.parse(bytes, memo: &memo).map { ($0, 1) } }
        guard !bytes.isEmpty, bytes.allSatisfy({ $0 >= 48 && $0 <= 57 }) else {
            guard format == .unixSeconds, let seconds = Double(String(decoding: bytes, as: UTF8.self)), seconds.isFinite,
                seconds >= 0, seconds * 1e9 <= Double(NumericBounds.latestTime)
            else { return nil }
            return (Int64((seconds * 1e9).rounded()), 1_000_000_000)
        }
        guard bytes.count <= 19 else { return nil }
        var value: Int64 = 0
        for byte in bytes {
            let (shifted, overflow) = value.multipliedReportingOverflow(by: 10)
            guard !overflow else { return nil }
            let (sum, carry) = shifted.addingReportingOverflow(Int64(byte - 48))
            guard !carry else { return nil }
            value = sum
        }
        let unit: Int64
        switch format {
        case .unixSeconds: unit = 1_000_000_000
        case .unixMilliseconds: unit = 1_000_000
        case .unixMicroseconds: unit = 1_000
        case .unixNanoseconds: unit = 1
        default: unit = value < 100_000_000_000_000 ? 1_000_000 : value < 100_000_000_000_000_000 ? 1_000 : 1
        }
        let (ns, overflow) = value.multipliedReportingOverflow(by: unit)
        return overflow ? nil : (ns, unit)
    }

    /// Splits a line at the layout's delimiter into `cells`, trimming spaces.
    private mutating func split(_ range: Range<Int>, _ text: UnsafeBufferPointer<UInt8>) {
        cells.removeAll(keepingCapacity: true)
        let delimiter = options.layout.delimiter
        var start = range.lowerBound
        for index in range.lowerBound...range.upperBound where index == range.upperBound || text[index] == delimiter {
            var lower = start, upper = index
            while lower < upper, text[lower] == 32 { lower += 1 }
            while upper > lower, text[upper - 1] == 32 { upper -= 1 }
            cells.append(lower..<upper)
            start = index + 1
        }
    }
}
