import CTrellis
import Foundation
import Testing
import TrellisHost
import ZIPFoundation

/// The CSV feed reads the bundled layout and names every bad row by file and line.
@Suite struct CSVFeedTests {
    private func read(_ text: String) -> Result<MarketTape, DiagnosticsError> {
        let path = Scenario().write("data.csv", text)
        return CSVFeedReader.read(path: path, name: "data.csv", source: 1, instrument: 1)
    }

    @Test func readsTheBundledData() throws {
        for (file, rows) in [("GOOG", 2148), ("EURUSD", 5000), ("BTCUSD", 156)] {
            let tape = try CSVFeedReader.read(path: Repository.path("data/\(file).csv"), name: file, source: 1, instrument: 1).get()
            #expect(tape.count == rows)
        }
        let goog = try CSVFeedReader.read(path: Repository.path("data/GOOG.csv"), name: "GOOG", source: 1, instrument: 1).get()
        let first = try #require(goog.bar(0))
        // Rows are labelled by the bar's open; events are stamped with its end.
        #expect(Timestamp.format(first.header.ts_ns - first.period_ns) == "2004-08-19")
        #expect(Timestamp.format(first.header.ts_ns) == "2004-08-20")
        #expect(first.open == 100 && first.high == 104.06 && first.low == 95.96 && first.close == 100.34 && first.volume == 22_351_900)
        #expect(first.period_ns == 86_400_000_000_000)
        let eurusd = try CSVFeedReader.read(path: Repository.path("data/EURUSD.csv"), name: "EURUSD", source: 1, instrument: 1).get()
        #expect(Timestamp.format(try #require(eurusd.bar(0)).header.ts_ns) == "2017-04-19 10:00:00")
        let btc = try CSVFeedReader.read(path: Repository.path("data/BTCUSD.csv"), name: "BTCUSD", source: 1, instrument: 1, labels: .close).get()
        #expect(Timestamp.format(try #require(btc.bar(0)).header.ts_ns) == "2012-01-31", "month-end labels are the close")
    }

    @Test func everyBadRowIsNamedWithItsLine() throws {
        let consistent = "a bar's high must be at least its open, close and low, its low at most its open and close"
        let result = read(
            """
            ,Open,High,Low,Close,Volume
            2024-01-02,1,2,0.5,1.5,100
            2024-01-03,1,2,0.5
            2024-13-01,1,2,0.5,1.5,100
            2024-01-05,1,two,0.5,1.5,100
            2024-01-06,1,2,0.5,-1.5,100
            2024-01-04,1,2,0.5,1.5,100
            2024-01-06,1,2,0.5,1.5,100
            2024-01-06,1,2,0.5,1.5,100
            2024-01-07,1,0.5,0.8,0.9,100
            2024-01-08,3,2,0.5,1.5,100
            2024-01-09,1,2,1.2,1.5,100

            """)
        guard case .failure(let error) = result else {
            Issue.record("bad rows must fail the feed")
            return
        }
        #expect(
            error.diagnostics.map(\.description) == [
                "data.csv:3:1: error: 4 columns, expected at least 6",
                "data.csv:4:1: error: '2024-13-01' is not a timestamp; use YYYY-MM-DD or YYYY-MM-DD HH:MM:SS",
                "data.csv:5:1: error: column High: 'two' is not a non-negative number",
                "data.csv:6:1: error: column Close: '-1.5' is not a non-negative number",
                "data.csv:9:1: error: duplicate timestamp 2024-01-06; rows must be in time order",
                "data.csv:10:1: error: high 0.5 is below low 0.8; \(consistent)",
                "data.csv:11:1: error: high 2 is below the open 3; \(consistent)",
                "data.csv:12:1: error: low 1.2 is above the open 1; \(consistent)",
            ])
    }

    @Test func rowsOutOfOrderAreErrors() {
        let result = read(",Open,High,Low,Close\n2024-01-03,1,1,1,1\n2024-01-02,1,1,1,1\n")
        guard case .failure(let error) = result else {
            Issue.record("rows out of order must fail")
            return
        }
        #expect(
            error.diagnostics.map(\.description) == ["data.csv:3:1: error: timestamp 2024-01-02 is earlier than the row before; rows must be in time order"])
    }

    @Test func headerWithoutPricesIsAnError() {
        guard case .failure(let error) = read("date,price\n2024-01-01,1\n") else {
            Issue.record("a header without OHLC must fail")
            return
        }
        #expect(
            error.diagnostics.first?.message
                == "no column for open, high, low, close (the header has date, price); map it with columns: { open: <column name or index> }")
    }

    @Test func timestampsParse() {
        func parse(_ text: String) -> Int64? { Array(text.utf8).withUnsafeBufferPointer { Timestamp.parse($0) } }
        #expect(parse("1970-01-01") == 0)
        #expect(parse("2004-08-19") == Int64(1_092_873_600) * 1_000_000_000)
        #expect(parse("2017-04-19 09:00:00") == Int64(1_492_592_400) * 1_000_000_000)
        #expect(parse("2017-04-19T09:00:00.5Z") == Int64(1_492_592_400) * 1_000_000_000 + 500_000_000)
        #expect(parse("2024-02-29") != nil)
        #expect(parse("2023-02-29") == nil)
        #expect(parse("2024-01-01 24:00") == nil)
        #expect(parse("2024-01-01x") == nil)
        // Rows of one day reuse the day's number; what follows the date is still checked.
        var memo = Timestamp.DayMemo()
        func parse(_ text: String, _ memo: inout Timestamp.DayMemo) -> Int64? {
            Array(text.utf8).withUnsafeBufferPointer { Timestamp.parse($0, memo: &memo) }
        }
        #expect(parse("2017-04-19 09:00:00", &memo) == Int64(1_492_592_400) * 1_000_000_000)
        #expect(parse("2017-04-19 10:30:15", &memo) == Int64(1_492_597_815) * 1_000_000_000)
        #expect(parse("2017-04-19 25:00:00", &memo) == nil)
        #expect(parse("2017-04-19x", &memo) == nil)
        #expect(parse("2017-04-20", &memo) == Int64(1_492_646_400) * 1_000_000_000)
        #expect(Timestamp.format(1_492_592_400 * 1_000_000_000) == "2017-04-19 09:00:00")
    }

    /// The reader's own number parser against strtod (which Swift's `Double(String)` also matches),
    /// on 4,000 seeded numbers of every shape: short, long, padded, exponents, signs, more digits
    /// than a Double holds. (Prices above 1e12 are refused: `FailClosedTests`.)
    @Test func numbersReadAsStrtodReadsThem() throws {
        var generator = SeededRandom(seed: 7)
        func digits(_ count: Int) -> String { String((0..<count).map { _ in Character(String(Int.random(in: 0...9, using: &generator))) }) }
        var texts = ["0", "0.0", "00012.5000", ".5", "5.", "900719925474.0993", "900719925474.09925", "1e3", "2.5E-3", "+7.25", "1.7976931348623157e11"]
        texts += ["0.1", "0.30000000000000004", "123456789012.345678901234", "0.0000000000000000000000123", "4.9e-324", "535.5999755859375"]
        for _ in 0..<4000 {
            let whole = digits(Int.random(in: 1...12, using: &generator))
            let fraction = digits(Int.random(in: 0...14, using: &generator))
            texts.append(fraction.isEmpty ? whole : "\(whole).\(fraction)")
        }
        let rows = texts.enumerated().map { index, text in "\(Timestamp.format(Int64(index + 1) * 86_400_000_000_000)),\(text),\(text),\(text),\(text)" }
        let tape = try read(",Open,High,Low,Close\n" + rows.joined(separator: "\n") + "\n").get()
        #expect(tape.count == texts.count)
        for (index, text) in texts.enumerated() {
            let expected = try #require(Double(text))
            #expect(tape.bar(index)?.close.bitPattern == expected.bitPattern, "\(text)")
        }
    }

    /// Bars are stamped while they are read with the first gap as their period; data whose first
    /// gap is not its smallest is stamped again at the end.
    @Test func thePeriodIsTheSmallestGapEvenWhenTheFirstIsLarger() throws {
        let tape = try read(",Open,High,Low,Close\n2024-01-01,1,1,1,1\n2024-01-03,1,1,1,1\n2024-01-04,1,1,1,1\n2024-01-05,1,1,1,1\n").get()
        let bars = (0..<tape.count).compactMap { tape.bar($0) }
        #expect(bars.map { Timestamp.format($0.header.ts_ns) } == ["2024-01-02", "2024-01-04", "2024-01-05", "2024-01-06"])
        #expect(bars.allSatisfy { $0.period_ns == 86_400_000_000_000 })
        let regular = try read(",Open,High,Low,Close\n2024-01-01 10:00:00,1,1,1,1\n2024-01-01 11:00:00,1,1,1,1\n2024-01-02 09:00:00,1,1,1,1\n").get()
        #expect(
            (0..<3).compactMap { regular.bar($0) }.map { Timestamp.format($0.header.ts_ns) } == [
                "2024-01-01 11:00:00", "2024-01-01 12:00:00", "2024-01-02 10:00:00",
            ])
    }

    @Test func severalFeedsMergeInTimeOrder() throws {
        let scenario = Scenario()
        let a = scenario.write("a.csv", ",Open,High,Low,Close\n2024-01-01,1,1,1,1\n2024-01-03,1,1,1,1\n")
        let b = scenario.write("b.csv", ",Open,High,Low,Close\n2024-01-01,2,2,2,2\n2024-01-02,2,2,2,2\n")
        let day: Int64 = 86_400_000_000_000
        let merged = MarketTape.merge([
            try CSVFeedReader.read(path: a, name: "a", source: 1, instrument: 1, period: day).get(),
            try CSVFeedReader.read(path: b, name: "b", source: 2, instrument: 2, period: day).get(),
        ])
        #expect((0..<merged.count).map { merged.event($0).pointee.source } == [1, 2, 2, 1])
    }
}

/// Binance klines, mapped CSV layouts, trades and quotes, skipped rows.
@Suite struct FeedLayoutTests {
    private func zip(_ path: String, entry: String, _ text: String) throws {
        let archive = try Archive(url: URL(fileURLWithPath: path), accessMode: .create)
        let data = Data(text.utf8)
        try archive.addEntry(with: entry, type: .file, uncompressedSize: Int64(data.count), compressionMethod: .deflate) { position, size in
            data.subdata(in: Int(position)..<Int(position) + size)
        }
    }

    @Test func binanceKlinesFromZipsInMillisecondsAndMicroseconds() throws {
        let scenario = Scenario()
        // January 2024 in ms with a header; January 2025 (spot, µs) without.
        try zip(
            scenario.directory + "/BTCUSDT-1h-2024-01.zip", entry: "BTCUSDT-1h-2024-01.csv",
            """
            open_time,open,high,low,close,volume,close_time,quote_volume,count,taker_buy_volume,taker_buy_quote_volume,ignore
            1704067200000,42283.58,42554.57,42261.02,42475.23,1271.68108,1704070799999,53957248.97,47134,682.57581,28957416.82,0
            1704070800000,42475.23,42775.00,42431.65,42613.56,1196.37856,1704074399999,50984893.44,50528,594.00000,25310000.00,0
            """)
        try zip(
            scenario.directory + "/BTCUSDT-1h-2025-01.zip", entry: "BTCUSDT-1h-2025-01.csv",
            """
            1735689600000000,93576.00,94509.42,93489.03,94401.14,755.99,1735693199999999,71198061.37,110117,398.43,37526018.44,0
            """)
        let files = try FeedFiles.read(scenario.directory + "/BTCUSDT-1h-*.zip").get()
        let directory = scenario.directory
        #expect(
            files.map(\.name) == [
                "\(directory)/BTCUSDT-1h-2024-01.zip:BTCUSDT-1h-2024-01.csv", "\(directory)/BTCUSDT-1h-2025-01.zip:BTCUSDT-1h-2025-01.csv",
            ])
        var options = CSVFeedReader.Options()
        options.layout = .binanceKlines
        let tape = try CSVFeedReader.read(files, options: options).get().tape
        #expect(tape.count == 3)
        let bars = (0..<3).compactMap { tape.bar($0) }
        #expect(bars.map { Timestamp.format($0.header.ts_ns) } == ["2024-01-01 01:00:00", "2024-01-01 02:00:00", "2025-01-01 01:00:00"])
        #expect(bars.allSatisfy { $0.period_ns == 3_600_000_000_000 })
        #expect(bars[0].open == 42283.58 && bars[2].close == 94401.14 && bars[1].volume == 1196.37856)
    }

    @Test func aGraphReadsBinanceDataByGlob() throws {
        let scenario = Scenario()
        try zip(
            scenario.directory + "/ETHUSDT-1d-2024-01.zip", entry: "ETHUSDT-1d-2024-01.csv",
            """
            1704067200000,2281.87,2352.37,2265.24,2352.04,216702.6,1704153599999,0,0,0,0,0
            1704153600000,2352.04,2431.91,2341.00,2355.34,370425.4,1704239999999,0,0,0,0,0
            """)
        let tag = "binance-\(UUID())"
        let result = try scenario.run(
            """
            trellis: 1
            feeds: { eth: { source: binance, path: "ETHUSDT-1d-*.zip", symbol: ETHUSDT, lot_size: 0.001 } }
            nodes:
              s: { use: test-orders, inputs: [eth], params: { tag: \(tag), script: [{ "bar": 0, "quantity": 1.5 }] } }
            """)
        #expect(result.events == 2)
        #expect(TestNodes.log(tag, "s").of(TRELLIS_EVENT_FILL).map(\.price) == [2352.04])
    }

    @Test func aMappedLayoutWithoutHeaderEpochSecondsAndSemicolons() throws {
        let scenario = Scenario()
        let path = scenario.write("custom.csv", "1704067200;10;12;9;11;100\n1704070800;11;13;10;12;150\n")
        var options = CSVFeedReader.Options()
        options.layout.header = false
        options.layout.delimiter = UInt8(ascii: ";")
        options.layout.timeFormat = .unixSeconds
        options.layout.columns = [.time: "0", .open: "1", .high: "2", .low: "3", .close: "4", .volume: "5"]
        let tape = try CSVFeedReader.read([("custom.csv", try Data(contentsOf: URL(fileURLWithPath: path)))], options: options).get().tape
        #expect(tape.count == 2 && tape.bar(1)?.close == 12 && Timestamp.format(tape.bar(0)!.header.ts_ns) == "2024-01-01 01:00:00")
    }

    @Test func tradesAndQuotesByTheirUsualColumnNames() throws {
        var options = CSVFeedReader.Options()
        options.layout.kind = .trades
        options.layout.timeFormat = .unixMilliseconds
        let trades = Data("ts,px,qty,side\n1704067200000,100.5,3,buy\n1704067200000,100.6,2,sell\n1704067201000,100.4,5,b\n".utf8)
        let tape = try CSVFeedReader.read([("trades.csv", trades)], options: options).get().tape
        #expect(tape.count == 3, "trades may share a time")
        let first = UnsafeRawPointer(tape.event(0)).load(as: trellis_trade.self)
        #expect(first.price == 100.5 && first.quantity == 3 && first.aggressor == TRELLIS_SIDE_BUY)
        options.layout.kind = .quotes
        let quotes = Data("time,bid,ask,bid_size,ask_size\n1704067200000,99.9,100.1,5,7\n".utf8)
        let quoteTape = try CSVFeedReader.read([("q.csv", quotes)], options: options).get().tape
        let quote = UnsafeRawPointer(quoteTape.event(0)).load(as: trellis_quote.self)
        #expect(quote.bid == 99.9 && quote.ask_size == 7)
    }

    @Test func badRowsCanBeSkippedAndCounted() throws {
        let scenario = Scenario()
        scenario.write("bars.csv", ",Open,High,Low,Close\n2024-01-01,1,1,1,1\n2024-01-02,x,1,1,1\n2024-01-03,1,1,1,1\n2024-01-03,1,1,1,1\n2024-01-04,1,1,1,1\n")
        let path = scenario.write(
            "graph.yaml",
            """
            trellis: 1
            feeds: { bars: { source: csv, path: bars.csv, on_bad_rows: skip } }
            nodes:
              m: { use: test-observer, inputs: [bars], params: { tag: skip } }
            """)
        let backtest = try Backtest.prepare(graphAt: path, options: .init(includeDefaultPluginPaths: false, plugins: [TestNodes.plugin]))
        #expect(backtest.eventCount == 3)
        #expect(
            backtest.warnings.map(\.message) == [
                "feed 'bars' skipped 2 bad rows; the first: \(scenario.directory)/bars.csv:3:1: column Open: 'x' is not a non-negative number"
            ])
    }

    @Test func problemsWithAFileAsAWholeAreSaidAtTheFeed() throws {
        let scenario = Scenario()
        scenario.write("empty.csv", "")
        scenario.write("header.csv", ",Open,High,Low,Close\n")
        scenario.write("one.csv", ",Open,High,Low,Close\n2024-01-01,1,1,1,1\n")
        scenario.write("bad.csv", ",Open,High,Low,Close\n2024-01-01,1,1,1,1\n2024-01-02,1,x,1,1\n")
        let problems = scenario.problems(
            """
            trellis: 1
            feeds:
              a: { source: csv, path: empty.csv }
              b: { source: csv, path: header.csv }
              c: { source: csv, path: one.csv }
              d: { source: csv, path: bad.csv }
            nodes:
              m: { use: test-observer, inputs: [a, b, c, d], params: { tag: whole } }
            """)
        let directory = scenario.directory
        #expect(
            problems.map(\.description) == [
                "\(directory)/graph.yaml:3:27: error: feed 'a': \(directory)/empty.csv: the data file is empty; expected a header line such as ,Open,High,Low,Close,Volume",
                "\(directory)/graph.yaml:4:27: error: feed 'b': \(directory)/header.csv: the data has no rows; check the file and the feed's columns",
                "\(directory)/graph.yaml:5:27: error: feed 'c': \(directory)/one.csv: cannot tell the bar period from a single row; give the feed a period, e.g. period: 1d",
                "\(directory)/bad.csv:3:1: error: column High: 'x' is not a non-negative number",
            ])
    }
}
