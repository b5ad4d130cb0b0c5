import CTrellis
import Foundation
import Testing
import TrellisHost

/// The risk nodes that watch the account and what is held, on crafted sequences: the daily loss
/// limit and its day boundary, the drawdown stop (cancel, flatten, stop), the maximum holding
/// time, and the exposure caps (instrument, gross, net, correlation).
@Suite struct RiskStopTests {
    static var library: String { RiskNodeTests.library }

    /// Runs `script` (TestOrders) through `risk` on bars; `hourly` bars start 2024-01-01 00:00 UTC.
    private func run(
        _ bars: [(Double, Double, Double, Double)], hourly: Bool = false, cash: Double = 10_000, script: String, risk: String
    ) throws
        -> RunResult
    {
        let scenario = Scenario()
        let feed: String
        if hourly {
            let path = RegimeClassifierTests.write(bars, to: scenario, name: "bars.csv")
            feed = "{ source: csv, path: \(path), symbol: XYZ, time_format: unix_s }"
        } else {
            scenario.writeOHLC("bars.csv", bars)
            feed = "{ source: csv, path: bars.csv, symbol: XYZ }"
        }
        return try scenario.run(
            """
            trellis: 1
            plugins: { load: [\(Self.library)] }
            venue: { cash: \(cash) }
            feeds: { bars: \(feed) }
            nodes:
              s: { use: test-orders, inputs: [bars], params: { tag: stop-\(UUID()), script: \(script) } }
              r: { use: \(risk), inputs: [s] }
            """)
    }

    private func flat(_ prices: [Double]) -> [(Double, Double, Double, Double)] { prices.map { ($0, $0, $0, $0) } }

    private func denied(_ result: RunResult) -> [UInt64] { result.orders.filter { $0.status == TRELLIS_ORDER_DENIED }.map(\.orderID) }

    // MARK: - Loss limit

    /// 100 units bought at 100 on hour 1 fall to 98.5 on hour 2: the day is down 150 (1.5%).
    private let lossScript = #"""
        [{"bar": 0, "quantity": 100}, {"bar": 2, "close": true, "side": "sell"},
         {"bar": 4, "quantity": 10}, {"bar": 6, "quantity": 10}, {"bar": 23, "quantity": 10}, {"bar": 24, "quantity": 10}]
        """#
    private var lossBars: [(Double, Double, Double, Double)] { flat([100, 100] + Array(repeating: 98.5, count: 28)) }

    @Test func theLossLimitStopsEntriesForTheRestOfTheDay() throws {
        let result = try run(lossBars, hourly: true, script: lossScript, risk: "loss-limit, params: { max_loss_percent: 1 }")
        #expect(denied(result) == [3, 4, 5], "the close passes; entries at 04:00, 06:00 and the bar ending 24:00 are refused, 01:00 next day passes")
        let denial = try #require(result.orders.first { $0.status == TRELLIS_ORDER_DENIED })
        #expect(
            denial.reason == "daily loss 150.00 (1.50%) reached the limit 1.00%; entries resume after 01-02 00:00 UTC" && denial.reporter == "r",
            "\(denial.reason)")
        #expect(result.orders.contains { $0.orderID == 6 && $0.kind == .fill })

        let currency = try run(lossBars, hourly: true, script: lossScript, risk: "loss-limit, params: { max_loss: 100 }")
        #expect(denied(currency) == [3, 4, 5])
        let within = try run(lossBars, hourly: true, script: lossScript, risk: "loss-limit, params: { max_loss: 200, max_loss_percent: 2 }")
        #expect(denied(within).isEmpty)
    }

    @Test func theLossLimitsDayStartsWhenItIsTold() throws {
        // With days starting at 06:00 the loss belongs to the day that ends at 06:00: the entry on
        // the bar ending 07:00 starts a new day and passes.
        let result = try run(lossBars, hourly: true, script: lossScript, risk: #"loss-limit, params: { max_loss_percent: 1, day_starts_at: "06:00" }"#)
        #expect(denied(result) == [3], "\(denied(result))")
        #expect(result.orders.first { $0.status == TRELLIS_ORDER_DENIED }?.reason.hasSuffix("entries resume after 01-01 06:00 UTC") == true)
    }

    // MARK: - Drawdown stop

    /// 50 units bought at 100 and a buy limit resting at 80; the price falls to 90 on day 3: the
    /// equity, 10,000 at its peak, is 9,500 (5% below).
    private let drawdownScript = #"""
        [{"bar": 0, "quantity": 50}, {"bar": 0, "type": "limit", "limit": 80, "quantity": 10}, {"bar": 4, "quantity": 5}]
        """#
    private let drawdownBars: [(Double, Double, Double, Double)] = [
        (100, 100, 100, 100), (100, 100, 100, 100), (100, 100, 90, 90), (90, 90, 90, 90), (90, 90, 90, 90), (90, 90, 90, 90),
    ]

    @Test func theDrawdownStopCancelsFlattensAndStops() throws {
        let result = try run(drawdownBars, script: drawdownScript, risk: "drawdown-stop, params: { max_drawdown_percent: 5 }")
        let reason = "drawdown stop: equity 9500.00 is 5.00% below its peak 10000.00"
        let canceled = try #require(result.orders.first { $0.orderID == 2 && $0.status == TRELLIS_ORDER_CANCELED })
        #expect(canceled.reporter == "r" && canceled.reason == reason && canceled.outcome == "canceled by r", "\(canceled)")
        let close = try #require(result.orders.first { $0.status == TRELLIS_ORDER_SUBMITTED && $0.reporter == "r" })
        #expect(close.node == "s" && close.reason == reason && close.outcome == "closed by r")
        let closeFill = try #require(result.orders.first { $0.kind == .fill && $0.orderID == close.orderID })
        #expect(closeFill.side == TRELLIS_SIDE_SELL && closeFill.quantity == 50 && closeFill.price == 90, "closed at the next open")
        #expect(denied(result) == [3])
        #expect(result.orders.first { $0.status == TRELLIS_ORDER_DENIED }?.reason == reason)
        #expect(result.positions.allSatisfy { $0.quantity == 0 }, "flat, the strategy's own book too: \(result.positions)")
        #expect(result.refusals.count == 3, "the report lists the cancel, the close and the denial")

        let holding = try run(drawdownBars, script: drawdownScript, risk: "drawdown-stop, params: { max_drawdown_percent: 5, flatten: false }")
        #expect(denied(holding) == [3])
        #expect(holding.positions.contains { $0.node == nil && $0.quantity == 50 }, "without flatten it only stops entries")
        let shallow = try run(drawdownBars, script: drawdownScript, risk: "drawdown-stop, params: { max_drawdown_percent: 5.5 }")
        #expect(denied(shallow).isEmpty && shallow.refusals.isEmpty)
    }

    // MARK: - Maximum holding time

    @Test func closingAHeldPositionCancelsItsRestingOrdersFirst() throws {
        // Long 10 from day 2 with a take-profit resting at 200; when the position has been held
        // 3 days the node cancels the take-profit, then closes: nothing is left to open a short.
        let script = #"[{"bar": 0, "quantity": 10}, {"bar": 1, "side": "sell", "type": "limit", "limit": 200, "quantity": 10}]"#
        let result = try run(flat([100, 101, 102, 103, 104, 105, 106]), script: script, risk: "max-holding, params: { max_holding: 3d }")
        let canceled = try #require(result.orders.first { $0.orderID == 2 && $0.status == TRELLIS_ORDER_CANCELED })
        #expect(canceled.reporter == "r" && canceled.reason == "max holding: open 3d, limit 3d", "\(canceled)")
        #expect(result.positions.allSatisfy { $0.quantity == 0 }, "\(result.positions)")
    }

    @Test func aPositionHeldTooLongIsClosedOnItsNodesBehalf() throws {
        // Bought on day 1's close, filled at day 2's open; after 3 days (the close of day 4) the
        // node closes it, filled at day 5's open. The second trade lasts one day and is left alone.
        let script = #"""
            [{"bar": 0, "quantity": 10}, {"bar": 6, "quantity": 10}, {"bar": 7, "close": true, "side": "sell"}]
            """#
        let result = try run(flat([100, 101, 102, 103, 104, 105, 106, 107, 108, 109]), script: script, risk: "max-holding, params: { max_holding: 3d }")
        let closes = result.orders.filter { $0.reporter == "r" }
        #expect(closes.count == 1 && closes[0].reason == "max holding: open 3d, limit 3d", "\(closes.map(\.reason))")
        let fill = try #require(result.orders.first { $0.kind == .fill && $0.orderID == closes[0].orderID })
        #expect(fill.price == 104 && fill.quantity == 10 && fill.side == TRELLIS_SIDE_SELL, "at day 5's open")
        #expect(result.trades.count == 2 && result.trades.allSatisfy { $0.node == "s" }, "both trades are the strategy's")
    }

    // MARK: - Exposure

    /// Two instruments A and B on daily bars; B's returns are A's (so ρ = 1), or with `opposite`
    /// mostly A's reversed.
    private func runPair(script: String, risk: String, opposite: Bool = false) throws -> RunResult {
        let scenario = Scenario()
        let moves: [Double] = [0, 1, -2, 3, -1, 2, -3, 1, 2, -2, 1, 3, -1, 2, -2, 1]
        var a = 100.0, b = 100.0
        var barsA: [(Double, Double, Double, Double)] = [], barsB: [(Double, Double, Double, Double)] = []
        for (day, move) in moves.enumerated() {
            a *= 1 + move / 100
            b *= 1 + (opposite ? (day % 2 == 0 ? 1.0 : -1.0) * abs(move) : move) / 100
            barsA.append((a, a, a, a))
            barsB.append((b, b, b, b))
        }
        scenario.writeOHLC("a.csv", barsA)
        scenario.writeOHLC("b.csv", barsB)
        return try scenario.run(
            """
            trellis: 1
            plugins: { load: [\(Self.library)] }
            venue: { cash: 100000 }
            feeds:
              a: { source: csv, path: a.csv, symbol: A }
              b: { source: csv, path: b.csv, symbol: B }
            nodes:
              s: { use: test-orders, inputs: [a, b], params: { tag: exposure-\(UUID()), script: \(script) } }
              r: { use: exposure, inputs: [a, b, s], params: \(risk) }
            """)
    }

    private func filled(_ result: RunResult, _ id: UInt64) -> Double {
        result.orders.filter { $0.kind == .fill && $0.orderID == id }.reduce(0) { $0 + $1.quantity }
    }

    @Test func exposureCapsCutAnEntryToFitOrDenyIt() throws {
        // Events alternate A, B each day: bar 0 is A on day 1, bar 1 is B on day 1. Both at 100.
        let one = try runPair(
            script: #"[{"bar": 0, "quantity": 800}, {"bar": 2, "quantity": 100}]"#, risk: "{ max_instrument: 0.5 }")
        #expect(filled(one, 1) == 500, "800 × 100 is 0.8 of 100,000; cut to 0.5")
        let denial = try #require(one.orders.first { $0.status == TRELLIS_ORDER_DENIED })
        #expect(denial.orderID == 2 && denial.reason == "exposure: no room for A under the per-instrument (0.5× equity) cap", "\(denial.reason)")

        // Long 400 A, then short 800 B: gross would be 1.2× equity, cut to 0.9× (500). On day 3
        // (both at 98.98, equity 100,000 at day 2's close) the room left, 918, takes 9 more units
        // of B short; a sale of A (against the long) passes whole.
        let pair = try runPair(
            script:
                #"[{"bar": 0, "quantity": 400}, {"bar": 1, "side": "sell", "quantity": 800}, {"bar": 5, "side": "sell", "quantity": 100}, {"bar": 6, "side": "sell", "quantity": 100}]"#,
            risk: "{ max_gross: 0.9, max_net: 0.5 }")
        #expect(filled(pair, 1) == 400 && filled(pair, 2) == 500, "\(pair.orders.map { "\($0.orderID) \($0.statusName) \($0.quantity) \($0.reason)" })")
        #expect(filled(pair, 3) == 9, "\(pair.orders.map { "\($0.orderID) \($0.statusName) \($0.quantity) \($0.reason)" })")
        #expect(filled(pair, 4) == 100, "selling A reduces the gross")

        // Net: long 400 A and long 300 B would be 0.7× equity net; B is cut to 100.
        let net = try runPair(script: #"[{"bar": 0, "quantity": 400}, {"bar": 1, "quantity": 300}]"#, risk: "{ max_net: 0.5 }")
        #expect(filled(net, 2) == 100, "\(filled(net, 2))")
    }

    @Test func exposureRefusesToDoubleACorrelatedBet() throws {
        // Long A from day 1; on day 12 buying B (same returns as A) would double the bet; selling
        // B hedges it and passes. When B moves against A, buying B is the hedge and passes.
        let script = #"[{"bar": 0, "quantity": 100}, {"bar": 23, "quantity": 100}, {"bar": 25, "side": "sell", "quantity": 100}]"#
        let together = try runPair(script: script, risk: "{ max_correlation: 0.8, correlation_window: 10 }")
        let denial = try #require(together.orders.first { $0.status == TRELLIS_ORDER_DENIED })
        #expect(denial.orderID == 2 && denial.reason == "exposure: B moves with A held long (ρ 1.00, 10 bars)", "\(denial.reason)")
        #expect(filled(together, 3) == 100)
        let apart = try runPair(script: script, risk: "{ max_correlation: 0.8, correlation_window: 10 }", opposite: true)
        #expect(!apart.orders.contains { $0.status == TRELLIS_ORDER_DENIED }, "\(apart.orders.filter { $0.status == TRELLIS_ORDER_DENIED }.map(\.reason))")

        // Long B, then short A (a hedge: it passes); selling B later only unwinds it, so it passes
        // although A is held short and B moves with A.
        let unwind = try runPair(
            script: #"[{"bar": 1, "quantity": 100}, {"bar": 22, "side": "sell", "quantity": 100}, {"bar": 25, "side": "sell", "quantity": 100}]"#,
            risk: "{ max_correlation: 0.8, correlation_window: 10 }")
        #expect(filled(unwind, 2) == 100 && filled(unwind, 3) == 100, "\(unwind.orders.map { "\($0.orderID) \($0.statusName) \($0.reason)" })")
    }

    @Test func riskNodesSayWhatIsMissing() throws {
        let scenario = Scenario()
        scenario.writeOHLC("bars.csv", flat([100, 100]))
        for (params, expected) in [
            ("loss-limit, params: {}", "give max_loss_percent, max_loss or both"),
            ("exposure, params: {}", "give at least one of max_gross, max_net, max_instrument and max_correlation"),
            ("max-holding, params: { max_holding: 0d }", "max_holding must be longer than 0"),
        ] {
            let problems = scenario.problems(
                """
                trellis: 1
                plugins: { load: [\(Self.library)] }
                feeds: { bars: { source: csv, path: bars.csv } }
                nodes:
                  s: { use: test-orders, inputs: [bars], params: { tag: t } }
                  r: { use: \(params), inputs: [s] }
                """)
            #expect(problems.contains { $0.message.contains(expected) }, "\(problems)")
        }
    }
}
