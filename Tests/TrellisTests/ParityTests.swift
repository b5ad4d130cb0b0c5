import Foundation
import Testing
import TrellisHost
import TrellisSDK

/// Trellis against backtesting.py 0.6.6 on GOOG, SMA(10, 20): the same trades (bars, prices,
/// sizes), the same equity curve and statistics within 1e-9 relative. The fixtures and the script
/// that made them are in Tests/Fixtures/parity/backtesting-py.
@Suite struct ParityTests {
    struct Fixture: Decodable {
        struct Trade: Decodable {
            var size: Double
            var entry_bar: Int
            var exit_bar: Int?
            var entry_price: Double
            var exit_price: Double?
            var entry_time: String
            var exit_time: String?
            var pnl: Double
            var commission: Double
            var return_pct: Double
        }
        var trades: [Trade]
        var open_trades: [Trade]
        var equity: [Double]
        var stats: [String: Double?]
    }

    static func fixture(_ name: String) throws -> Fixture {
        let data = try Data(contentsOf: URL(fileURLWithPath: Repository.path("Tests/Fixtures/parity/backtesting-py/\(name).json")))
        return try JSONDecoder().decode(Fixture.self, from: data)
    }

    /// The sma-cross plugin in each language: library and qualified node type.
    static func plugins() throws -> [(String, String)] {
        [
            (Repository.swiftSMACross, "sma-cross-swift/sma-cross"), (try PluginBuilds.cSMACross(), "sma-cross-c/sma-cross"),
            (try PluginBuilds.rustSMACross(), "sma-cross-rust/sma-cross"),
        ]
    }

    /// backtesting.py's setup in a graph: cash 10,000, commission 0.2%, "all equity" being
    /// backtesting.py's own 1 − machine epsilon.
    static func run(library: String, type: String, short: Bool, atEnd: String) throws -> RunResult {
        try Scenario().run(
            """
            trellis: 1
            plugins: { load: [\(library)] }
            venue: { cash: 10000, commission: 0.002, at_end: \(atEnd) }
            feeds:
              goog: { source: csv, path: \(Repository.path("data/GOOG.csv")), symbol: GOOG }
            nodes:
              trend:
                use: \(type)
                inputs: [goog]
                params: { fast: 10, slow: 20, quantity: 0.9999999999999998, sizing: equity, short: \(short) }
            """, plugins: [])
    }

    private func expectClose(_ ours: Double?, _ theirs: Double?, _ what: String, tolerance: Double = 1e-9) {
        guard let ours, let theirs else {
            #expect(ours == nil && theirs == nil, "\(what): ours \(String(describing: ours)), theirs \(String(describing: theirs))")
            return
        }
        let scale = max(abs(theirs), 1e-300)
        #expect(abs(ours - theirs) / scale <= tolerance, "\(what): ours \(ours), theirs \(theirs)")
    }

    /// Open trades are marked at `mark`, the last price, as backtesting.py marks them.
    private func expectSameTrades(_ ours: [TrellisHost.Trade], _ theirs: [Fixture.Trade], mark: Double? = nil) {
        #expect(ours.count == theirs.count)
        for (index, (mine, peer)) in zip(ours, theirs).enumerated() {
            let sameBars = mine.entryBar == peer.entry_bar && mine.exitBar == peer.exit_bar
            let samePrices = mine.entryPrice == peer.entry_price && mine.exitPrice == peer.exit_price && mine.quantity == peer.size
            let exitTime: String? = mine.exitTime.map { Timestamp.format($0) }
            let sameTimes = Timestamp.format(mine.entryTime) == peer.entry_time && exitTime == peer.exit_time
            #expect(sameBars && samePrices && sameTimes, "trade \(index): ours \(mine), theirs \(peer)")
            if mine.isOpen {
                // backtesting.py counts an open trade's commission only once it closes; Trellis
                // counts the entry commission already paid. Compare before commission.
                let unitCommission = mine.commission / (abs(mine.quantity) * mine.entryPrice)
                expectClose(mine.grossProfit(markPrice: mark), peer.pnl, "open trade \(index) P&L")
                expectClose(mine.returnFraction(markPrice: mark) + unitCommission, peer.return_pct, "open trade \(index) return")
            } else {
                expectClose(mine.netProfit(markPrice: mark), peer.pnl, "trade \(index) P&L")
                expectClose(mine.commission, peer.commission, "trade \(index) commission")
                expectClose(mine.returnFraction(markPrice: mark), peer.return_pct, "trade \(index) return")
            }
        }
    }

    /// Trellis statistics by backtesting.py's names and units.
    private func comparable(_ metrics: Metrics) -> [String: Double?] {
        [
            "Return [%]": metrics.totalReturn * 100, "Return (Ann.) [%]": metrics.annualizedReturn.map { $0 * 100 },
            "Volatility (Ann.) [%]": metrics.annualizedVolatility.map { $0 * 100 }, "CAGR [%]": metrics.cagr.map { $0 * 100 },
            "Sharpe Ratio": metrics.sharpe, "Sortino Ratio": metrics.sortino, "Calmar Ratio": metrics.calmar,
            "Max. Drawdown [%]": -metrics.maxDrawdown * 100, "Avg. Drawdown [%]": metrics.averageDrawdown.map { -$0 * 100 },
            "Max. Drawdown Duration": metrics.maxDrawdownDays, "Avg. Drawdown Duration": metrics.averageDrawdownDays,
            "# Trades": Double(metrics.trades), "Win Rate [%]": metrics.winRate.map { $0 * 100 },
            "Best Trade [%]": metrics.bestTrade.map { $0 * 100 }, "Worst Trade [%]": metrics.worstTrade.map { $0 * 100 },
            "Avg. Trade [%]": metrics.averageTrade.map { $0 * 100 }, "Profit Factor": metrics.profitFactor,
            "Expectancy [%]": metrics.expectancy.map { $0 * 100 }, "SQN": metrics.sqn, "Exposure Time [%]": metrics.exposure * 100,
            "Equity Peak [$]": metrics.peakEquity, "Equity Final [$]": metrics.finalEquity, "Commissions [$]": metrics.commissions,
        ]
    }

    @Test func longOnlyMatchesBacktestingPy() throws {
        let peer = try Self.fixture("goog_sma_long_only")
        for (library, type) in try Self.plugins() {
            let result = try Self.run(library: library, type: type, short: false, atEnd: "close-at-open")
            expectSameTrades(result.trades, peer.trades)
            #expect(result.openTrades.isEmpty)
            expectClose(result.finalEquity, peer.stats["Equity Final [$]"] ?? nil, "\(type) final equity")
            #expect(result.equityValues.count == peer.equity.count)
            for (index, (ours, theirs)) in zip(result.equityValues, peer.equity).enumerated() where !(abs(ours / theirs - 1) <= 1e-9) {
                Issue.record("\(type) equity at bar \(index): ours \(ours), theirs \(theirs)")
                break
            }
            for (name, value) in comparable(result.metrics) { expectClose(value, peer.stats[name] ?? nil, "\(type) \(name)") }
        }
    }

    @Test func reversingMatchesBacktestingPy() throws {
        let peer = try Self.fixture("goog_sma_reversing")
        for (library, type) in try Self.plugins() {
            let result = try Self.run(library: library, type: type, short: true, atEnd: "keep")
            expectSameTrades(result.trades, peer.trades)
            expectSameTrades(result.openTrades, peer.open_trades, mark: result.lastPrices["GOOG"])
            expectClose(result.finalEquity, peer.stats["Equity Final [$]"] ?? nil, "\(type) final equity")
            #expect(result.equityValues.count == peer.equity.count)
            for (index, (ours, theirs)) in zip(result.equityValues, peer.equity).enumerated() where !(abs(ours / theirs - 1) <= 1e-9) {
                Issue.record("\(type) equity at bar \(index): ours \(ours), theirs \(theirs)")
            }
            var ours = comparable(result.metrics)
            // backtesting.py leaves the open trade out of exposure and commissions; Trellis counts it.
            // Its first step is also the last of the trade before it, so that one step stays.
            let open = try #require(result.openTrades.first)
            let steps = Double(result.equityValues.count)
            ours["Exposure Time [%]"] = (result.metrics.exposure - Double(result.equityValues.count - 1 - open.entryStep) / steps) * 100
            ours["Commissions [$]"] = result.metrics.commissions - open.commission
            for (name, value) in ours { expectClose(value, peer.stats[name] ?? nil, "\(type) \(name)") }
        }
    }

    @Test func theSMAMatchesPandasBitForBit() throws {
        struct Values: Decodable {
            var sma10: [String]
            var sma20: [String]
        }
        let data = try Data(contentsOf: URL(fileURLWithPath: Repository.path("Tests/Fixtures/parity/backtesting-py/sma_values.json")))
        let pandas = try JSONDecoder().decode(Values.self, from: data)
        let closes = try String(contentsOfFile: Repository.path("data/GOOG.csv"), encoding: .utf8).split(separator: "\n").dropFirst()
            .compactMap { Double($0.split(separator: ",")[4]) }
        for (period, expected) in [(10, pandas.sma10), (20, pandas.sma20)] {
            var sma = SimpleMovingAverage(period: period)
            for (index, close) in closes.enumerated() {
                let ours = sma.update(close)
                let theirs = expected[index] == "nan" ? nil : Double(expected[index])
                #expect(ours?.bitPattern == theirs?.bitPattern, "SMA(\(period)) at \(index): ours \(String(describing: ours)), pandas \(expected[index])")
            }
        }
    }

    /// The benchmark's case against backtesting.py on the benchmark's own data: the first 20,000
    /// tiled GOOG minute bars (`trellis-bench tile`), SMA(10, 20), 100 shares, reversing, fills at
    /// the next open. Every fill, netted per bar, equal (fixture from scripts/peers/sma_cross.py).
    @Test func theBenchmarkCaseMakesBacktestingPysFills() throws {
        struct Fixture: Decodable {
            struct Fill: Decodable, Equatable {
                var time: String
                var quantity: Double
                var price: Double
            }
            var bars: Int
            var fills: [Fill]
        }
        let path = Repository.path("Tests/Fixtures/parity/backtesting-py/goog_tiled_20000_sma_fills.json")
        let peer = try JSONDecoder().decode(Fixture.self, from: Data(contentsOf: URL(fileURLWithPath: path)))
        let scenario = Scenario()
        let data = scenario.directory + "/tiled.csv"
        let tile = try Shell.run([Repository.buildDirectory + "/trellis-bench", "tile", "\(peer.bars)", data])
        try #require(tile.status == 0, "\(tile.stderr)")
        let result = try scenario.run(
            """
            trellis: 1
            plugins: { load: [\(Repository.swiftSMACross)] }
            venue: { cash: 1000000, commission: 0.002 }
            feeds: { goog: { source: csv, path: \(data), symbol: GOOG, lot_size: 1 } }
            nodes:
              trend: { use: sma-cross-swift/sma-cross, inputs: [goog], params: { fast: 10, slow: 20, quantity: 100, sizing: units, short: true } }
            """, plugins: [])
        var netted: [(time: Int64, quantity: Double, price: Double)] = []
        for fill in result.orders where fill.kind == .fill {
            let signed = Double(fill.side) * fill.quantity
            if netted.last?.time == fill.time { netted[netted.count - 1].quantity += signed } else { netted.append((fill.time, signed, fill.price)) }
        }
        // pandas writes midnight in full; Timestamp.format leaves it out.
        let ours = netted.filter { abs($0.quantity) > 1e-9 }.map { fill in
            let time = Timestamp.format(fill.time)
            return Fixture.Fill(time: time.contains(" ") ? time : time + " 00:00:00", quantity: fill.quantity, price: fill.price)
        }
        #expect(ours.count == peer.fills.count)
        if let first = zip(ours, peer.fills).enumerated().first(where: { $0.element.0 != $0.element.1 }) {
            Issue.record("fill \(first.offset): ours \(first.element.0), backtesting.py \(first.element.1)")
        }
    }
}
