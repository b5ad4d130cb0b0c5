import CTrellis
import Foundation
import Testing
import TrellisHost

/// No number can trap the host or switch a limit off (issue: fail closed on every input): NaN,
/// infinity and values past the documented bounds are refused where they enter (graph, feed,
/// plugin event) with their place, every formatter is total, and a limit that cannot be
/// evaluated denies.
@Suite struct FailClosedNumberTests {
    private func validate(_ yaml: String, data: String? = nil) throws -> Shell.Output {
        let scenario = Scenario()
        if let data { scenario.write("data.csv", data) }
        return try Hostile.trellis(["validate", "GRAPH"], graph: yaml, scenario: scenario)
    }

    /// Each hard limit set to NaN or infinity is refused at its line and column; before, `.nan`
    /// validated and then switched the limit off.
    @Test(arguments: ["max_position", "max_order_notional", "price_band_percent", "max_daily_loss_percent", "max_daily_loss", "max_orders_per_second"])
    func aNonFiniteLimitIsRefusedAtItsPlace(limit: String) throws {
        for value in [".nan", ".inf", "-.inf", ".NaN"] {
            let output = try validate(
                """
                trellis: 1
                limits: { \(limit): \(value) }
                feeds: { goog: { source: csv, path: goog.csv } }
                nodes: { trend: { use: sma-cross, inputs: [goog] } }
                """)
            #expect(output.status == 1, "\(limit): \(value) must be refused")
            #expect(output.stderr.contains("graph.yaml:2:\(13 + limit.count):"), "\(output.stderr)")
            #expect(output.stderr.contains("NaN and infinity are refused"), "\(output.stderr)")
        }
    }

    @Test func graphNumbersBeyondTheirBoundsAreRefusedWithoutATrap() throws {
        let output = try validate(
            """
            trellis: 1
            venue: { cash: 1.7e308, fixed_commission: 1e300 }
            limits: { max_orders_per_second: 1e20, max_order_notional: 1e300 }
            feeds: { goog: { source: csv, path: goog.csv, period: 200000000d, lot_size: 1e100 } }
            nodes:
              trend: { use: sma-cross, inputs: [goog], params: { slow: 9223372036854775807, fast: 2e9 } }
            """)
        #expect(output.status == 1 && !output.signaled, "\(output.stderr)")
        for (line, text) in [
            (2, "venue.cash must be at most 1,000,000,000,000,000"), (3, "limits.max_orders_per_second must be an integer"),
            (3, "limits.max_order_notional must be at most"), (4, "period '200000000d' is longer than 366 days"),
            (6, "parameter 'slow' of node 'trend' must be at most 100,000"),
            (6, "parameter 'fast' of node 'trend' must be at most 100,000"),
        ] {
            #expect(output.stderr.contains("graph.yaml:\(line):") && output.stderr.contains(text), "\(text)\n\(output.stderr)")
        }
    }

    /// An integer parameter whose schema gives no maximum is still bounded (2^53 − 1).
    @Test func anIntegerParameterWithoutAMaximumHasTheHostsOne() throws {
        let problems = Scenario().problems(
            """
            trellis: 1
            feeds: {}
            nodes: { s: { use: test-strategy, params: { tag: x, timer_after_ns: 9223372036854775807 } } }
            """)
        #expect(problems.contains { $0.message.contains("must be at most 9,007,199,254,740,991 either way") }, "\(problems)")
    }

    /// An order sent before any price (from activate) cannot be judged against a notional
    /// limit: it is denied. Before, the limit was skipped and a million units filled.
    @Test func anOrderBeforeAnyPriceIsDeniedByANotionalLimit() throws {
        let output = try Hostile.trellis(
            ["run", "GRAPH"], graph: try Hostile.graph(params: "mode: activate-order, quantity: 1000000", extra: "limits: { max_order_notional: 1000 }"))
        #expect(output.status == 0, "\(output.stderr)")
        #expect(output.stdout.contains("1 updates, 0 fills"), "\(output.stdout.suffix(300))")
    }

    /// A limit that cannot be evaluated denies: no last price yet, or an equity that is NaN.
    @Test func aLimitThatCannotBeEvaluatedDenies() throws {
        var limits = GraphSpec.LimitSettings()
        limits.maxOrderNotional = 1000
        limits.maxPosition = 10
        var order = trellis_order()
        order.side = TRELLIS_SIDE_BUY
        order.quantity = 1
        let noPrice = HardLimitsProbe.check(limits, order, lastPrice: 0, equity: 10_000)
        #expect(noPrice?.contains("no last price yet") == true, "\(noPrice ?? "admitted")")
        order.size_mode = TRELLIS_SIZE_EQUITY
        let nanEquity = HardLimitsProbe.check(limits, order, lastPrice: 100, equity: .nan)
        #expect(nanEquity != nil, "a NaN equity cannot admit an equity-sized order")
        var daily = GraphSpec.LimitSettings()
        daily.maxDailyLoss = 100
        #expect(HardLimitsProbe.haltsOn(daily, equities: [10_000, .nan]) != nil, "a NaN equity halts a daily loss limit")
    }

    /// Orders of 1e17 units (or NaN, or a limit at infinity) from a plugin are refused at emit,
    /// named; before, 1e17 units killed the host with SIGILL while it worded "insufficient funds".
    @Test(arguments: ["mode: order, quantity: 1e17", "mode: nan-order", "mode: inf-price", "mode: nan-signal", "mode: order, quantity: 1, price: 1e300"])
    func hostileNumbersInPluginEventsAreRefused(params: String) throws {
        let output = try Hostile.trellis(["run", "GRAPH"], graph: try Hostile.graph(params: params))
        #expect(output.status == 0 && !output.signaled, "\(output.shellStatus): \(output.stderr.prefix(500))")
        #expect(output.stderr.contains("refused a"), "\(output.stderr.prefix(500))")
        #expect(output.stderr.contains("NaN and infinity are refused") || output.stderr.contains("the most the host accepts"), "\(output.stderr.prefix(500))")
        #expect(output.stdout.contains("0 fills"))
    }

    @Test func csvValuesAndTimesBeyondTheBoundsAreRefusedAtTheirLine() throws {
        for (row, text) in [
            ("2004-09-01,1e308,1e308,1e308,1e308,1", "open 1e+308 is larger than 1,000,000,000,000"),
            ("2004-09-01,1,1,1,1,1e300", "volume 1e+300 is larger than 1,000,000,000,000,000"),
            ("9999-01-01,1,1,1,1,1", "'9999-01-01' is outside the years 1970 to 2260"),
            ("1600-01-01,1,1,1,1,1", "'1600-01-01' is outside the years 1970 to 2260"),
        ] {
            let output = try validate(
                """
                trellis: 1
                feeds: { d: { source: csv, path: data.csv } }
                nodes: { trend: { use: sma-cross, inputs: [d] } }
                """, data: ",Open,High,Low,Close,Volume\n2004-08-30,1,1,1,1,1\n2004-08-31,1,1,1,1,1\n\(row)\n")
            #expect(output.status == 1 && !output.signaled, "\(row): \(output.shellStatus)")
            #expect(output.stderr.contains("data.csv:4:1: error: \(text)"), "\(output.stderr)")
        }
        for (format, time) in [("unix_s", "1e300"), ("unix_s", "9223372036854775807"), ("unix_ns", "9223372036854775807")] {
            let output = try validate(
                """
                trellis: 1
                feeds: { d: { source: csv, path: data.csv, time_format: \(format) } }
                nodes: { trend: { use: sma-cross, inputs: [d] } }
                """, data: "time,Open,High,Low,Close\n1000,1,1,1,1\n\(time),1,1,1,1\n")
            #expect(output.status == 1 && !output.signaled, "\(format) \(time): \(output.shellStatus) \(output.stderr)")
            #expect(output.stderr.contains("data.csv:3:1:"), "\(output.stderr)")
        }
    }

    /// Every number formatter is total: any Double gives text.
    @Test func formattersAreTotal() {
        let hostile: [Double] = [.nan, .infinity, -.infinity, 1e17, -1e17, 9.3e18, 1e300, -1e300, .greatestFiniteMagnitude, .leastNonzeroMagnitude, 0, -0.0]
        for value in hostile {
            #expect(!NumberFormat.grouped(value).isEmpty)
            #expect(!NumberFormat.price(value).isEmpty)
            #expect(!NumberFormat.quantity(value).isEmpty)
            #expect(!NumberFormat.percent(value).isEmpty)
            #expect(!NumberFormat.compact(value).isEmpty)
            #expect(!NumberFormat.grouped(value, decimals: 40).isEmpty)
            _ = Int64(clamping: value)
        }
        #expect(NumberFormat.grouped(1e17, decimals: 0) == "100,000,000,000,000,000")
        #expect(NumberFormat.quantity(1e17) == "100,000,000,000,000,000")
        #expect(!Timestamp.format(.min).isEmpty)
        #expect(!Timestamp.format(.max).isEmpty)
    }

    /// `validate` itself never traps, whatever the graph's numbers: the graph decoder reads only
    /// values that fit even after the schema found problems.
    @Test func validatingAHostileGraphNeverTraps() throws {
        var random = SeededRandom(seed: 16)
        let values = [".nan", ".inf", "-.inf", "1e308", "-1e308", "9223372036854775807", "-9223372036854775808", "1e20", "0", "-1", "0.5", "'x'", "[]", "{}"]
        for trial in 0..<40 {
            func pick() -> String { values[Int(random.unit() * Double(values.count))] }
            let output = try validate(
                """
                trellis: 1
                venue: { cash: \(pick()), commission: \(pick()), slippage_bps: \(pick()) }
                limits: { max_orders_per_second: \(pick()), max_position: \(pick()), max_callback_seconds: \(pick()), max_events_per_callback: \(pick()) }
                feeds: { goog: { source: csv, path: goog.csv, tick_size: \(pick()), lot_size: \(pick()) } }
                nodes: { trend: { use: sma-cross, inputs: [goog], params: { fast: \(pick()), slow: \(pick()), quantity: \(pick()) } } }
                """)
            #expect(!output.signaled && output.status <= 1, "trial \(trial): \(output.shellStatus) \(output.stderr.prefix(300))")
        }
    }
}

/// The host's hard limits, driven directly for the cases a graph cannot reach.
enum HardLimitsProbe {
    static func check(_ settings: GraphSpec.LimitSettings, _ order: trellis_order, lastPrice: Double, equity: Double) -> String? {
        var limits = HardLimits(settings)
        return limits.check(order, market: HardLimits.Market(lastPrice: lastPrice, position: 0, equity: equity), now: 1)
    }

    static func haltsOn(_ settings: GraphSpec.LimitSettings, equities: [Double]) -> String? {
        var limits = HardLimits(settings)
        var halt: String?
        for (step, equity) in equities.enumerated() { halt = halt ?? limits.observe(equity: equity, at: Int64(step) * 3_600_000_000_000) }
        return halt
    }
}
