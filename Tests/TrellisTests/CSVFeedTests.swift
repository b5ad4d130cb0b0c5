import CTrellis
import Testing
import TrellisHost

/// The CSV feed reads the bundled layout and names every bad row by file and line.
@Suite struct CSVFeedTests {
    private func read(_ text: String) -> Result<MarketTape, DiagnosticsError> {
        let path = Scenario().write("data.csv", text)
        return CSVBarReader.read(path: path, name: "data.csv", source: 1, instrument: 1)
    }

    @Test func readsTheBundledData() throws {
        for (file, rows) in [("GOOG", 2148), ("EURUSD", 5000), ("BTCUSD", 156)] {
            let tape = try CSVBarReader.read(path: Repository.path("data/\(file).csv"), name: file, source: 1, instrument: 1).get()
            #expect(tape.count == rows)
        }
        let goog = try CSVBarReader.read(path: Repository.path("data/GOOG.csv"), name: "GOOG", source: 1, instrument: 1).get()
        let first = try #require(goog.bar(0))
        // Rows are labelled by the bar's open; events are stamped with its end.
        #expect(Timestamp.format(first.header.ts_ns - first.period_ns) == "2004-08-19")
        #expect(Timestamp.format(first.header.ts_ns) == "2004-08-20")
        #expect(first.open == 100 && first.high == 104.06 && first.low == 95.96 && first.close == 100.34 && first.volume == 22_351_900)
        #expect(first.period_ns == 86_400_000_000_000)
        let eurusd = try CSVBarReader.read(path: Repository.path("data/EURUSD.csv"), name: "EURUSD", source: 1, instrument: 1).get()
        #expect(Timestamp.format(try #require(eurusd.bar(0)).header.ts_ns) == "2017-04-19 10:00:00")
        let btc = try CSVBarReader.read(path: Repository.path("data/BTCUSD.csv"), name: "BTCUSD", source: 1, instrument: 1, labels: .close).get()
        #expect(Timestamp.format(try #require(btc.bar(0)).header.ts_ns) == "2012-01-31", "month-end labels are the close")
    }

    @Test func everyBadRowIsNamedWithItsLine() throws {
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

            """)
        guard case .failure(let error) = result else {
            Issue.record("bad rows must fail the feed")
            return
        }
        #expect(
            error.diagnostics.map(\.description) == [
                "data.csv:3:1: error: 4 columns, the header has 6",
                "data.csv:4:1: error: '2024-13-01' is not a timestamp; use YYYY-MM-DD or YYYY-MM-DD HH:MM:SS",
                "data.csv:5:1: error: column High: 'two' is not a non-negative number",
                "data.csv:6:1: error: column Close: '-1.5' is not a non-negative number",
                "data.csv:9:1: error: duplicate timestamp 2024-01-06; rows must be in time order",
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
        #expect(error.diagnostics.first?.message == "the header must name Open, High, Low and Close columns")
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
        #expect(Timestamp.format(1_492_592_400 * 1_000_000_000) == "2017-04-19 09:00:00")
    }

    @Test func severalFeedsMergeInTimeOrder() throws {
        let scenario = Scenario()
        let a = scenario.write("a.csv", ",Open,High,Low,Close\n2024-01-01,1,1,1,1\n2024-01-03,1,1,1,1\n")
        let b = scenario.write("b.csv", ",Open,High,Low,Close\n2024-01-01,2,2,2,2\n2024-01-02,2,2,2,2\n")
        let day: Int64 = 86_400_000_000_000
        let merged = MarketTape.merge([
            try CSVBarReader.read(path: a, name: "a", source: 1, instrument: 1, period: day).get(),
            try CSVBarReader.read(path: b, name: "b", source: 2, instrument: 2, period: day).get(),
        ])
        #expect((0..<merged.count).map { merged.event($0).pointee.source } == [1, 2, 2, 1])
    }
}
