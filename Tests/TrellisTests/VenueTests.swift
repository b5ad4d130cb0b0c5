import CTrellis
import Foundation
import Testing
import TrellisHost

/// The simulated venue on bars whose answer is known (docs/venue.md).
@Suite struct VenueTests {
    /// Runs `script` (see TestOrders) on `bars`; returns what the node received and the result.
    private func run(
        _ bars: [(Double, Double, Double, Double)], script: String, venue: String = "{ cash: 100000 }", feed: String = ""
    ) throws -> (TestNodes.Log, RunResult) {
        let scenario = Scenario()
        let tag = "venue-\(UUID())"
        scenario.writeOHLC("bars.csv", bars)
        let result = try scenario.run(
            """
            trellis: 1
            venue: \(venue)
            feeds: { bars: { source: csv, path: bars.csv, symbol: XYZ \(feed) } }
            nodes:
              s: { use: test-orders, inputs: [bars], params: { tag: \(tag), script: \(script) } }
            """)
        return (TestNodes.log(tag, "s"), result)
    }

    private func fills(_ log: TestNodes.Log) -> [Double] { log.of(TRELLIS_EVENT_FILL).map(\.price) }
    private func statuses(_ log: TestNodes.Log, order: UInt64) -> [Int32] {
        log.of(TRELLIS_EVENT_ORDER_UPDATE).filter { $0.orderID == order }.map(\.status)
    }

    let flat = [(Double, Double, Double, Double)](repeating: (100, 101, 99, 100), count: 6)

    private func date(_ text: String) -> Int64? { Array(text.utf8).withUnsafeBufferPointer { Timestamp.parse($0) } }

    @Test func marketOrdersFillAtTheNextOpenOrAtTheClose() throws {
        let bars = [(100.0, 102.0, 99.0, 101.0), (103, 104, 102, 103), (104, 105, 103, 104)]
        let (atOpen, _) = try run(bars, script: #"[{"bar": 0, "quantity": 5}]"#)
        #expect(fills(atOpen) == [103])
        #expect(atOpen.of(TRELLIS_EVENT_FILL).first?.time == date("2024-01-02"), "stamped with the fill bar's open")
        let (atClose, _) = try run(bars, script: #"[{"bar": 0, "quantity": 5}]"#, venue: "{ cash: 100000, fill: close }")
        #expect(fills(atClose) == [101])
    }

    @Test func limitOrdersFillAtTheLimitOrABetterOpen() throws {
        let bars = [(100.0, 101.0, 99.0, 100.0), (100, 101, 96, 97), (97, 98, 94, 95), (93, 94, 90, 92)]
        let (log, _) = try run(bars, script: #"[{"bar": 0, "type": "limit", "limit": 95}, {"bar": 0, "type": "limit", "limit": 93.5}]"#)
        // Bar 1 does not reach 95; bar 2 does (fills at 95); bar 3 opens below 93.5 (fills at the open, 93).
        #expect(fills(log) == [95, 93])
        let (sell, _) = try run(bars, script: #"[{"bar": 0, "side": "sell", "type": "limit", "limit": 100.5}]"#)
        #expect(fills(sell) == [100.5])
    }

    @Test func stopOrdersFillAtTheStopOrTheOpenWhenGappedThrough() throws {
        let bars = [(100.0, 101.0, 99.0, 100.0), (100, 104, 99, 103), (103, 106, 102, 105), (108, 109, 107, 108)]
        let (log, _) = try run(bars, script: #"[{"bar": 0, "type": "stop", "stop": 105}, {"bar": 0, "type": "stop", "stop": 107}]"#)
        // 105 is reached in bar 2 (fills at 105); 107 is gapped through by bar 3's open (fills at 108).
        #expect(fills(log) == [105, 108])
        let (sell, _) = try run(bars, script: #"[{"bar": 1, "side": "sell", "type": "stop", "stop": 102.5}]"#)
        #expect(fills(sell) == [102.5])
    }

    @Test func stopLimitWaitsWhenItsLimitMayHaveComeFirst() throws {
        let bars = [(100.0, 101.0, 99.0, 100.0), (103, 106, 103, 105), (104, 105, 102, 103), (103.5, 104, 103.5, 104)]
        // Stop 105, limit 106: triggered in bar 1 and filled there at the stop.
        let (plain, _) = try run(bars, script: #"[{"bar": 0, "type": "stop-limit", "stop": 105, "limit": 106}]"#)
        #expect(fills(plain) == [105])
        // Stop 105, limit 104: both reached in bar 1, but the limit lies below the stop and may have come
        // first, so it waits; bar 2 reaches 104 and fills at the limit.
        let (pessimistic, _) = try run(bars, script: #"[{"bar": 0, "type": "stop-limit", "stop": 105, "limit": 104}]"#)
        #expect(fills(pessimistic) == [104])
        #expect(pessimistic.of(TRELLIS_EVENT_FILL).first?.time == date("2024-01-03"))
    }

    @Test func immediateOrdersExpireWhenTheirFirstBarCannotFillThem() throws {
        let script =
            #"[{"bar": 0, "type": "limit", "limit": 90, "tif": "ioc"}, {"bar": 0, "type": "limit", "limit": 90, "tif": "fok"}, {"bar": 0, "type": "limit", "limit": 100, "tif": "ioc"}]"#
        let (log, _) = try run(flat, script: script)
        #expect(statuses(log, order: 1) == [TRELLIS_ORDER_ACCEPTED, TRELLIS_ORDER_EXPIRED])
        #expect(statuses(log, order: 2) == [TRELLIS_ORDER_ACCEPTED, TRELLIS_ORDER_EXPIRED])
        #expect(statuses(log, order: 3) == [TRELLIS_ORDER_ACCEPTED, TRELLIS_ORDER_FILLED])
    }

    @Test func dayOrdersExpireWhenTheDayIsOver() throws {
        let (log, _) = try run(flat, script: #"[{"bar": 0, "type": "limit", "limit": 90, "tif": "day"}, {"bar": 0, "type": "limit", "limit": 90}]"#)
        #expect(statuses(log, order: 1) == [TRELLIS_ORDER_ACCEPTED, TRELLIS_ORDER_EXPIRED])
        #expect(log.of(TRELLIS_EVENT_ORDER_UPDATE).first { $0.orderID == 1 && $0.status == TRELLIS_ORDER_EXPIRED }?.reasonCode == TRELLIS_REASON_EXPIRED)
        // The GTC twin waits until the data ends.
        #expect(statuses(log, order: 2) == [TRELLIS_ORDER_ACCEPTED, TRELLIS_ORDER_EXPIRED])
        #expect(log.of(TRELLIS_EVENT_ORDER_UPDATE).last { $0.orderID == 2 }?.reasonCode == TRELLIS_REASON_DATA_ENDED)
    }

    @Test func commissionIsRelativePlusFixed() throws {
        let (log, result) = try run(
            flat, script: #"[{"bar": 0, "quantity": 10}, {"bar": 2, "close": true, "side": "sell"}]"#,
            venue: "{ cash: 100000, commission: 0.001, fixed_commission: 2.5 }")
        let fee: Double = 2.5 + 10 * 100 * 0.001
        #expect(log.of(TRELLIS_EVENT_FILL).map(\.commission) == [fee, fee])
        #expect(result.finalEquity == 100_000 - 2 * fee)
        #expect(result.trades.first?.commission == 7)
    }

    @Test func slippageMovesMarketFillsAgainstTheTraderOntoTheTick() throws {
        let bars = [(100.0, 101.0, 99.0, 100.0), (100.003, 101, 99, 100), (100, 101, 99, 100)]
        let (log, _) = try run(
            bars, script: #"[{"bar": 0, "quantity": 1}, {"bar": 1, "side": "sell", "quantity": 1}]"#,
            venue: "{ cash: 100000, slippage_bps: 10 }", feed: ", tick_size: 0.01")
        // Buy: 100.003 × 1.001 = 100.103… → up to the tick, 100.11. Sell: 100 × 0.999 = 99.9.
        let prices = fills(log)
        #expect(prices.count == 2)
        #expect(abs(prices[0] - 100.11) < 1e-9 && abs(prices[1] - 99.9) < 1e-9)
        let (limit, _) = try run(bars, script: #"[{"bar": 0, "type": "limit", "limit": 100.5}]"#, venue: "{ cash: 100000, slippage_bps: 10 }")
        #expect(fills(limit) == [100.003], "limit fills get no slippage")
    }

    @Test func pricesOffTheTickAreRejected() throws {
        let (log, _) = try run(flat, script: #"[{"bar": 0, "type": "limit", "limit": 99.995}]"#, feed: ", tick_size: 0.01")
        let update = try #require(log.of(TRELLIS_EVENT_ORDER_UPDATE).first)
        #expect(update.status == TRELLIS_ORDER_REJECTED && update.reasonCode == TRELLIS_REASON_INVALID)
    }

    @Test func anOrderTheAccountCannotPayForIsRejectedWithTheReason() throws {
        let (log, _) = try run(flat, script: #"[{"bar": 0, "quantity": 2000}]"#, venue: "{ cash: 100000 }")
        #expect(statuses(log, order: 1) == [TRELLIS_ORDER_ACCEPTED, TRELLIS_ORDER_REJECTED])
        #expect(log.of(TRELLIS_EVENT_ORDER_UPDATE).last?.reasonCode == TRELLIS_REASON_INSUFFICIENT_FUNDS)
    }

    @Test func shortTradesAndTheirProfit() throws {
        let bars = [(100.0, 101.0, 99.0, 100.0), (100, 101, 95, 96), (90, 91, 89, 90), (90, 91, 89, 90)]
        let (_, result) = try run(bars, script: #"[{"bar": 0, "side": "sell", "quantity": 10}, {"bar": 1, "close": true, "side": "buy"}]"#)
        let trade = try #require(result.trades.first)
        #expect(trade.quantity == -10 && trade.entryPrice == 100 && trade.exitPrice == 90)
        #expect(trade.netProfit() == 100)
        #expect(result.finalEquity == 100_100)
    }

    @Test func accountingKeepsAveragePriceRealisedAndUnrealisedProfitAndFees() throws {
        // Buy 10 at 100, buy 10 at 110 (average 105), sell 15 at 120 (realise 15 × 15), then
        // mark the last 5 at 130; commission 0.1% of each fill.
        let bars = [(100.0, 101.0, 99.0, 100.0), (100, 101, 99, 100), (110, 111, 109, 110), (120, 121, 119, 120), (130, 131, 129, 130)]
        let script = #"[{"bar": 0, "quantity": 10}, {"bar": 1, "quantity": 10}, {"bar": 2, "side": "sell", "quantity": 15}]"#
        let (_, result) = try run(bars, script: script, venue: "{ cash: 100000, commission: 0.001 }")
        let account = try #require(result.positions.first { $0.node == nil })
        let fees: Double = (1000.0 + 1100.0 + 1800.0) * 0.001
        #expect(account.quantity == 5 && account.averagePrice == 105 && account.lastPrice == 130)
        #expect(account.realizedProfit == 15 * 15)
        #expect(account.unrealizedProfit == 5 * 25)
        #expect(abs(account.commission - fees) < 1e-9)
        let cash: Double = 100_000.0 - 1000.0 - 1100.0 + 1800.0 - fees
        #expect(abs(result.finalCash - cash) < 1e-9)
        #expect(abs(result.finalEquity - (result.finalCash + 650.0)) < 1e-9, "equity is cash plus positions at their last price")
        #expect(abs(result.finalEquity - (100_350.0 - fees)) < 1e-9, "and starting cash plus profit less fees")
        let node = try #require(result.positions.first { $0.node == "s" })
        #expect(node.quantity == account.quantity && node.realizedProfit == account.realizedProfit)
        #expect(result.equityValues.count == bars.count, "equity on every bar")
    }

    @Test func aShortPositionFlipsToLongAtTheFillPrice() throws {
        let bars = [(100.0, 101.0, 99.0, 100.0), (100, 101, 99, 100), (90, 91, 89, 90), (95, 96, 94, 95)]
        let script = #"[{"bar": 0, "side": "sell", "quantity": 10}, {"bar": 1, "quantity": 15}]"#
        let (_, result) = try run(bars, script: script)
        let account = try #require(result.positions.first { $0.node == nil })
        #expect(account.quantity == 5 && account.averagePrice == 90, "the 5 bought beyond the short open a long at 90")
        #expect(account.realizedProfit == 100, "the short of 10 closed 10 lower")
        #expect(account.unrealizedProfit == 25)
        #expect(result.trades.count == 1 && result.openTrades.first?.quantity == 5)
    }

    @Test func positionsCanBeClosedAtTheLastClose() throws {
        let bars = [(100.0, 101.0, 99.0, 100.0), (100, 101, 99, 100), (102, 105, 101, 104)]
        let (_, keep) = try run(bars, script: #"[{"bar": 0, "quantity": 10}]"#)
        #expect(keep.openTrades.count == 1 && keep.trades.isEmpty)
        let (_, closed) = try run(bars, script: #"[{"bar": 0, "quantity": 10}]"#, venue: "{ cash: 100000, at_end: close-at-close }")
        #expect(closed.openTrades.isEmpty && closed.trades.first?.exitPrice == 104)
        let (_, atOpen) = try run(bars, script: #"[{"bar": 0, "quantity": 10}]"#, venue: "{ cash: 100000, at_end: close-at-open }")
        #expect(atOpen.trades.first?.exitPrice == 102)
        #expect(keep.finalEquity == closed.finalEquity, "marked at the last close either way")
    }

    @Test func cancelingAWaitingOrder() throws {
        let (log, _) = try run(flat, script: #"[{"bar": 0, "type": "limit", "limit": 90}, {"bar": 2, "cancel": 1}]"#)
        #expect(statuses(log, order: 1) == [TRELLIS_ORDER_ACCEPTED, TRELLIS_ORDER_CANCELED])
    }

    /// Runs `script` on a trades or quotes file (`rows` after its header).
    private func runTicks(kind: String, header: String, rows: [String], script: String) throws -> TestNodes.Log {
        let scenario = Scenario()
        let tag = "ticks-\(UUID())"
        scenario.write("ticks.csv", ([header] + rows).joined(separator: "\n") + "\n")
        _ = try scenario.run(
            """
            trellis: 1
            venue: { cash: 100000 }
            feeds: { ticks: { source: csv, path: ticks.csv, kind: \(kind), time_format: unix_ms, symbol: XYZ } }
            nodes:
              s: { use: test-orders, inputs: [ticks], params: { tag: \(tag), script: \(script) } }
            """)
        return TestNodes.log(tag, "s")
    }

    let trades = ["1704067200000,100,1", "1704067201000,100.5,3", "1704067202000,99.5,4", "1704067203000,101,5"]

    @Test func tradesFillOrdersPartiallyAgainstTheirSize() throws {
        let log = try runTicks(kind: "trades", header: "ts,price,quantity", rows: trades, script: #"[{"bar": 0, "quantity": 10}]"#)
        let fills = log.of(TRELLIS_EVENT_FILL)
        #expect(fills.map(\.quantity) == [3, 4, 3])
        #expect(fills.map(\.price) == [100.5, 99.5, 101])
        #expect(statuses(log, order: 1) == [TRELLIS_ORDER_ACCEPTED, TRELLIS_ORDER_PARTIALLY_FILLED, TRELLIS_ORDER_PARTIALLY_FILLED, TRELLIS_ORDER_FILLED])
        let last = try #require(log.of(TRELLIS_EVENT_ORDER_UPDATE).last)
        #expect(last.filled == 10 && abs(last.price - (3 * 100.5 + 4 * 99.5 + 3 * 101) / 10) < 1e-12)
    }

    @Test func immediateOrdersOnTradesTakeWhatIsThereOrNothing() throws {
        let ioc = try runTicks(kind: "trades", header: "ts,price,quantity", rows: trades, script: #"[{"bar": 0, "quantity": 10, "tif": "ioc"}]"#)
        #expect(ioc.of(TRELLIS_EVENT_FILL).map(\.quantity) == [3])
        #expect(statuses(ioc, order: 1) == [TRELLIS_ORDER_ACCEPTED, TRELLIS_ORDER_PARTIALLY_FILLED, TRELLIS_ORDER_EXPIRED])
        let fok = try runTicks(kind: "trades", header: "ts,price,quantity", rows: trades, script: #"[{"bar": 0, "quantity": 10, "tif": "fok"}]"#)
        #expect(fok.of(TRELLIS_EVENT_FILL).isEmpty)
        #expect(statuses(fok, order: 1) == [TRELLIS_ORDER_ACCEPTED, TRELLIS_ORDER_EXPIRED])
    }

    @Test func limitOrdersOnTradesFillAtTheirLimit() throws {
        let log = try runTicks(
            kind: "trades", header: "ts,price,quantity", rows: trades, script: #"[{"bar": 0, "type": "limit", "limit": 100, "quantity": 6}]"#)
        // 100.5 is above the limit; 99.5 prints through it (4 units at the limit); 101 is above again.
        #expect(log.of(TRELLIS_EVENT_FILL).map(\.quantity) == [4])
        #expect(log.of(TRELLIS_EVENT_FILL).map(\.price) == [100])
    }

    @Test func quotesFillBuysAtTheAskAndSellsAtTheBidUpToTheirSize() throws {
        let rows = ["1704067200000,99.9,100.1,5,4", "1704067201000,99.8,100.2,2,3", "1704067202000,99.7,100.3,9,9"]
        let log = try runTicks(
            kind: "quotes", header: "time,bid,ask,bid_size,ask_size", rows: rows,
            script: #"[{"bar": 0, "quantity": 5}, {"bar": 0, "side": "sell", "quantity": 4}]"#)
        let buys = log.of(TRELLIS_EVENT_FILL).filter { $0.orderID == 1 }, sells = log.of(TRELLIS_EVENT_FILL).filter { $0.orderID == 2 }
        #expect(buys.map(\.quantity) == [3, 2] && buys.map(\.price) == [100.2, 100.3])
        #expect(sells.map(\.quantity) == [2, 2] && sells.map(\.price) == [99.8, 99.7])
    }
}
