import CTrellis
import Foundation
import Synchronization
import Testing
import TrellisHost

/// The host's hard limits (`limits:`, docs/limits.md): each rule on a crafted sequence of
/// orders, and random streams from a hostile strategy that never get past them.
@Suite struct HardLimitsTests {
    /// Runs `script` (see TestOrders) on daily `bars` under `limits`.
    private func run(
        _ bars: [(Double, Double, Double, Double)], limits: String, script: String, venue: String = "{ cash: 100000 }"
    ) throws -> (
        TestNodes.Log, RunResult
    ) {
        let scenario = Scenario()
        let tag = "limits-\(UUID())"
        scenario.writeOHLC("bars.csv", bars)
        let result = try scenario.run(
            """
            trellis: 1
            venue: \(venue)
            limits: \(limits)
            feeds: { bars: { source: csv, path: bars.csv, symbol: XYZ } }
            nodes:
              s: { use: test-orders, inputs: [bars], params: { tag: \(tag), script: \(script) } }
            """)
        return (TestNodes.log(tag, "s"), result)
    }

    /// The last update of each order: its status and reason.
    private func outcomes(_ result: RunResult) -> [UInt64: (Int32, String)] {
        result.orders.filter { $0.kind == .update }.reduce(into: [:]) { $0[$1.orderID] = ($1.status, $1.reason) }
    }

    let flat = [(Double, Double, Double, Double)](repeating: (100, 101, 99, 100), count: 6)

    @Test func anOrderAboveTheNotionalLimitIsDenied() throws {
        let (_, result) = try run(
            flat, limits: "{ max_order_notional: 5000 }",
            script: #"[{"bar": 0, "quantity": 10}, {"bar": 0, "quantity": 60}, {"bar": 1, "type": "limit", "limit": 40, "quantity": 100}]"#)
        let outcome = outcomes(result)
        #expect(outcome[1]?.0 == TRELLIS_ORDER_FILLED)
        #expect(outcome[2]?.0 == TRELLIS_ORDER_DENIED && outcome[2]?.1 == "order notional 6,000.00 exceeds the limit of 5,000.00", "\(outcome)")
        #expect(outcome[3]?.0 == TRELLIS_ORDER_EXPIRED, "100 at a limit of 40 is 4,000: within the limit")
        let denial = try #require(result.orders.first { $0.orderID == 2 && $0.status == TRELLIS_ORDER_DENIED })
        #expect(denial.reasonCode == TRELLIS_REASON_LIMIT && denial.reporter == nil && denial.isRefusal, "the host denied it, and the report lists it")
    }

    @Test func thePositionLimitCountsRestingOrders() throws {
        let (_, result) = try run(
            flat, limits: "{ max_position: 15 }",
            script: #"""
                [{"bar": 0, "quantity": 10}, {"bar": 1, "type": "limit", "limit": 90, "quantity": 5},
                 {"bar": 1, "type": "limit", "limit": 80, "quantity": 1}, {"bar": 1, "side": "sell", "quantity": 30},
                 {"bar": 1, "side": "sell", "quantity": 25}, {"bar": 2, "close": true, "side": "buy"}]
                """#)
        let outcome = outcomes(result)
        #expect(outcome[1]?.0 == TRELLIS_ORDER_FILLED)
        #expect(outcome[2]?.0 == TRELLIS_ORDER_CANCELED || outcome[2]?.0 == TRELLIS_ORDER_EXPIRED, "10 held + 5 resting = 15: allowed")
        #expect(outcome[3]?.0 == TRELLIS_ORDER_DENIED && outcome[3]!.1.hasPrefix("the position could reach 16"), "\(outcome[3] as Any)")
        #expect(outcome[4]?.0 == TRELLIS_ORDER_DENIED && outcome[4]!.1.hasPrefix("the position could reach -20"), "\(outcome[4] as Any)")
        #expect(outcome[5]?.0 == TRELLIS_ORDER_FILLED, "10 − 25 = −15: allowed")
        #expect(outcome[6]?.0 == TRELLIS_ORDER_FILLED, "closing is never limited by size")
    }

    @Test func limitAndStopPricesMustBeInTheBand() throws {
        let (_, result) = try run(
            flat, limits: "{ price_band_percent: 5 }",
            script: #"""
                [{"bar": 0, "type": "limit", "limit": 90, "quantity": 1}, {"bar": 0, "type": "limit", "limit": 97, "quantity": 1},
                 {"bar": 0, "side": "sell", "type": "stop", "stop": 80, "quantity": 1}, {"bar": 0, "quantity": 1}]
                """#)
        let outcome = outcomes(result)
        #expect(
            outcome[1]?.0 == TRELLIS_ORDER_DENIED && outcome[1]?.1 == "limit price 90.0 is 10.00% from the last price 100.0; the band is 5.00%", "\(outcome)")
        #expect(outcome[2]?.0 != TRELLIS_ORDER_DENIED)
        #expect(outcome[3]?.0 == TRELLIS_ORDER_DENIED && outcome[3]!.1.hasPrefix("stop price 80.0 is 20.00%"))
        #expect(outcome[4]?.0 == TRELLIS_ORDER_FILLED, "a market order has no price to judge")
    }

    @Test func theOrderRateIsLimitedPerSecond() throws {
        let orders = (0..<4).map { _ in #"{"bar": 0, "quantity": 1}"# } + [#"{"bar": 1, "quantity": 1}"#]
        let (_, result) = try run(flat, limits: "{ max_orders_per_second: 3 }", script: "[\(orders.joined(separator: ", "))]")
        let outcome = outcomes(result)
        #expect((1...3).allSatisfy { outcome[UInt64($0)]?.0 == TRELLIS_ORDER_FILLED })
        #expect(outcome[4]?.0 == TRELLIS_ORDER_DENIED && outcome[4]?.1 == "3 orders in the last second already; the limit is 3 a second")
        #expect(outcome[5]?.0 == TRELLIS_ORDER_FILLED, "a new second, a new allowance")
    }

    @Test func aDailyLossHaltsTheHostAndEveryNewOrderIsDenied() throws {
        let falling: [(Double, Double, Double, Double)] = [(100, 101, 99, 100), (100, 101, 99, 100), (100, 100, 90, 91), (91, 92, 90, 91), (91, 92, 90, 91)]
        let (_, result) = try run(
            falling, limits: "{ max_daily_loss_percent: 5 }",
            script: #"[{"bar": 0, "quantity": 600}, {"bar": 3, "quantity": 1}, {"bar": 4, "close": true, "side": "sell"}]"#)
        let outcome = outcomes(result)
        #expect(outcome[1]?.0 == TRELLIS_ORDER_FILLED)
        // Bar 2 closes 9 lower with 600 held: −5,400, 5.4% of the equity the day began with.
        #expect(outcome[2]?.0 == TRELLIS_ORDER_DENIED && outcome[2]!.1.hasPrefix("the host is halted: the day's loss"), "\(outcome)")
        #expect(outcome[3]?.0 == TRELLIS_ORDER_DENIED, "a halted host denies every new order, closing ones too")
    }

    /// Random intents from a hostile strategy (sizes up to 1e300, NaN and infinities among sizes
    /// and prices), on random prices, under every limit at once: no fill takes the position past
    /// the limit, no order that reached the venue was too large, not finite, out of the band or
    /// over the rate, and nothing reaches the venue once the host has halted.
    @Test(arguments: [1, 2, 3, 4, 5, 6, 7, 8] as [UInt64])
    func randomIntentsNeverBreachTheLimits(seed: UInt64) throws {
        let scenario = Scenario()
        var random = SeededRandom(seed: seed)
        var closes = [100.0]
        for _ in 1..<240 { closes.append(closes.last! * (1 + (random.unit() - 0.5) * 0.04)) }
        let path = RegimeClassifierTests.write(RegimeClassifierTests.bars(closes: closes, wick: 0.5), to: scenario)
        let tag = "hostile-\(seed)"
        let (maxNotional, maxPosition, rate, band) = (3000.0, 40.0, 3, 2.0)
        let result = try scenario.run(
            """
            trellis: 1
            venue: { cash: 100000, commission: 0.001 }
            limits: { max_order_notional: \(maxNotional), max_position: \(maxPosition), max_orders_per_second: \(rate), price_band_percent: \(band), max_daily_loss: 150 }
            feeds: { s: { source: csv, path: \(path), time_format: unix_s, symbol: XYZ } }
            nodes:
              bad: { use: test-hostile, inputs: [s], params: { tag: \(tag), seed: \(seed), per_bar: 6 } }
            """)
        let notes = TestNodes.orderNotes(tag, "bad")
        let events = result.orders.filter { $0.node == "bad" }
        var position = 0.0
        for fill in events where fill.kind == .fill {
            position += Double(fill.side) * fill.quantity
            #expect(abs(position) <= maxPosition + 1e-9, "seed \(seed): position \(position) after order \(fill.orderID)")
        }
        let accepted = events.filter { $0.kind == .update && $0.status == TRELLIS_ORDER_ACCEPTED }
        for order in accepted {
            guard let note = notes[order.orderID] else { continue }  // closes
            #expect(note.size.isFinite && note.size > 0 && note.price.isFinite && note.price > 0, "seed \(seed): a hostile number reached the venue: \(note)")
            #expect(note.size * note.price <= maxNotional * (1 + 1e-9), "seed \(seed): order \(order.orderID)")
        }
        for (time, group) in Dictionary(grouping: accepted, by: \.time) { #expect(group.count <= rate, "seed \(seed): \(group.count) at \(time)") }
        let halted = events.first { $0.reason.hasPrefix("the host is halted") }
        if let halted { #expect(!accepted.contains { $0.time > halted.time }, "seed \(seed): accepted after the halt") }
        #expect(events.contains { $0.status == TRELLIS_ORDER_DENIED && $0.reasonCode == TRELLIS_REASON_LIMIT }, "the stream does try")
        #expect(accepted.count > 10, "and some orders do get through: \(accepted.count)")
        // The band: every limit or stop that reached the venue was within 2% of the close it was judged by.
        for order in accepted {
            guard let price = notes[order.orderID]?.price else { continue }
            let bar = closes[Int((order.time / 1_000_000_000 - 1_704_067_200) / 3600) - 1]
            #expect(abs(price - bar) / bar * 100 <= band + 0.01, "seed \(seed): order \(order.orderID) at \(price), close \(bar)")
        }
    }

    /// A run that trades on each of 600,000 bars, halted from outside with `trellis kill`: it
    /// notices within a second and denies every order after, saying why.
    @Test func theManualKillSwitchHaltsARunningHostWithinASecond() throws {
        let scenario = Scenario()
        var csv = "time,Open,High,Low,Close,Volume\n"
        csv.reserveCapacity(600_000 * 40)
        for index in 0..<600_000 { csv += "\(1_704_067_200 + 3600 * index),100,101,99,100,1000\n" }
        scenario.write("bars.csv", csv)
        let graph = scenario.write(
            "graph.yaml",
            """
            trellis: 1
            feeds: { bars: { source: csv, path: bars.csv, time_format: unix_s, symbol: XYZ } }
            nodes:
              s: { use: test-strategy, inputs: [bars], params: { tag: kill-switch, every: 1 } }
            """)
        let control = scenario.directory + "/control"
        var options = Backtest.Options(includeDefaultPluginPaths: false, plugins: [TestNodes.plugin])
        options.controlDirectory = control
        nonisolated(unsafe) let backtest = try Backtest.prepare(graphAt: graph, options: options)
        let outcome = Mutex<Result<RunResult, DiagnosticsError>?>(nil)
        let thread = Thread { outcome.withLock { $0 = Result { () throws(DiagnosticsError) in try backtest.run() } } }
        thread.start()
        let started = ContinuousClock.now
        while TestNodes.log("kill-switch", "s").events.count < 5_000, ContinuousClock.now - started < .seconds(30) { usleep(10_000) }
        let kill = try Shell.run([Repository.trellis, "kill", backtest.runID, "--journal", control + "/journal.sqlite", "--reason", "test"])
        #expect(kill.status == 0, "\(kill.stderr)")
        while outcome.withLock({ $0 == nil }), ContinuousClock.now - started < .seconds(120) { usleep(20_000) }
        // A run that failed says why here, rather than showing as a time-out.
        let result = try #require(outcome.withLock { $0 }, "the run ends").get()
        let denials = result.orders.filter { $0.status == TRELLIS_ORDER_DENIED }
        let requests = (try? FileManager.default.contentsOfDirectory(atPath: control + "/kill")) ?? []
        let first = try #require(denials.first, "orders after the kill are denied; the loop took \(result.loopSeconds) s; requests \(requests); \(kill.stdout)")
        #expect(first.reason.hasPrefix("the host is halted: killed by trellis kill (test, asked at "), "\(first.reason)")
        let delay = first.reason.split(separator: "noticed ").last.flatMap { Double($0.split(separator: " ")[0]) }
        #expect((delay ?? 9) < 1, "noticed within a second: \(first.reason)")
        #expect(result.orders.contains { $0.kind == .fill && $0.time < first.time }, "it traded before")
        #expect(!result.orders.contains { $0.status == TRELLIS_ORDER_ACCEPTED && $0.time > first.time }, "and nothing after")
    }
}
