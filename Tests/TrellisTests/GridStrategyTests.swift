import CTrellis
import Foundation
import Testing
import TrellisHost

/// The grid strategy on deterministic prices: fills and profit equal to a hand computation;
/// reverse safety on a breakout and on a regime turning, leaving no grid order resting; and the
/// `when:` routing that switches it on and off.
@Suite struct GridStrategyTests {
    static var library: String { Repository.buildDirectory + "/libTrellisGrid.so" }

    private func run(_ scenario: Scenario, nodes: String, feedOptions: String = "") throws -> RunResult {
        try scenario.run(
            """
            trellis: 1
            plugins: { load: [\(Self.library)] }
            venue: { cash: 10000, commission: 0 }
            feeds: { s: { source: csv, path: s.csv, symbol: S\(feedOptions) } }
            nodes:
            \(nodes)
            """)
    }

    private func fills(_ result: RunResult, node: String = "grid") -> [(Int64, Int32, Double)] {
        result.orders.filter { $0.kind == .fill && $0.node == node }.map { ($0.time, $0.side, $0.price) }
    }

    /// The last status of each of the node's orders.
    private func finalStatuses(_ result: RunResult, node: String = "grid") -> [UInt64: Int32] {
        result.orders.filter { $0.node == node }.reduce(into: [:]) { $0[$1.orderID] = $1.status }
    }

    @Test func fillsAndProfitOnAnOscillationAreTheHandComputedOnes() throws {
        let scenario = Scenario()
        // Laid around 100 on the first bar: buys at 99 and 98, sells at 101 and 102.
        scenario.writeOHLC(
            "s.csv",
            [
                (100, 100, 100, 100),
                (100, 100, 98.5, 99),  // the buy at 99 fills; a sell goes to 100
                (99, 100.5, 99, 100),  // the sell at 100 fills (+1); a buy goes back to 99
                (100, 102.5, 100, 102),  // sells at 101 and 102 fill: short 2; buys go to 100 and 101
                (102, 102, 99.5, 100),  // buys at 101 and 100 fill: flat again (+1, +1)
            ])
        let result = try run(
            scenario, nodes: "  grid: { use: grid, inputs: [s], params: { levels: 2, spacing: 1, quantity: 1, breakout_atr: 0, recenter_levels: 0 } }")
        let day = Int64(86_400_000_000_000), start = Int64(1_704_067_200) * 1_000_000_000
        let got = fills(result).map { "\(($0.0 - start) / day) \($0.1 == 1 ? "buy" : "sell") \($0.2)" }.sorted()
        #expect(got == ["1 buy 99.0", "2 sell 100.0", "3 sell 101.0", "3 sell 102.0", "4 buy 100.0", "4 buy 101.0"], "\(got)")
        let position = try #require(result.positions.first { $0.node == "grid" }, "realised profit keeps the node in the positions")
        #expect(position.quantity == 0)
        #expect(position.realizedProfit == 3, "(100 − 99) + (101 − 100) + (102 − 101)")
        #expect(result.finalEquity == 10_003)
        // Left resting, expired when the data ends: the first buy at 98, the buy back at 99, and
        // the sells at 101 and 102 taking profit on the last two buys.
        #expect(finalStatuses(result).values.filter { $0 == TRELLIS_ORDER_EXPIRED }.count == 4)
    }

    @Test func geometricLevelsAreAFixedRatioApart() throws {
        let scenario = Scenario()
        scenario.writeOHLC("s.csv", [(100, 100, 100, 100), (100, 100, 97.9, 98), (98, 102.1, 98, 102)])
        let result = try run(
            scenario,
            nodes:
                "  grid: { use: grid, inputs: [s], params: { type: geometric, levels: 2, spacing: 1, quantity: 1, breakout_atr: 0, recenter_levels: 0 } }"
        )
        let prices = fills(result).map(\.2).sorted()
        // Buys at 100 / 1.01 and 100 / 1.01²; sells back one level up (100 and 100 / 1.01), then
        // the sells laid first at 100 × 1.01 and 100 × 1.01².
        let expected = [100 / 1.01 / 1.01, 100 / 1.01, 100 / 1.01, 100, 101, 100 * 1.01 * 1.01].sorted()
        #expect(prices.count == expected.count && zip(prices, expected).allSatisfy { abs($0 - $1) < 1e-9 }, "\(prices)")

        // With a tick and a lot size: levels round to the tick (buys down, sells up), the venue
        // rounds 1.5 to one lot, and the counter orders still follow for what filled.
        let rounded = try run(
            scenario,
            nodes:
                "  grid: { use: grid, inputs: [s], params: { type: geometric, levels: 2, spacing: 1, quantity: 1.5, breakout_atr: 0, recenter_levels: 0 } }",
            feedOptions: ", tick_size: 0.01, lot_size: 1")
        #expect(!rounded.orders.contains { $0.isRefusal }, "\(rounded.orders.filter(\.isRefusal).map(\.reason))")
        let onTick = fills(rounded).map(\.2).sorted()
        let wanted = [98.02, 99, 99.01, 100, 101, 102.01]
        #expect(onTick.count == wanted.count && zip(onTick, wanted).allSatisfy { abs($0 - $1) < 1e-9 }, "\(onTick)")
    }

    @Test func aBreakoutCancelsEveryGridOrderAndFlattens() throws {
        let scenario = Scenario()
        let quiet = (100.0, 100.4, 99.6, 100.0)
        scenario.writeOHLC(
            "s.csv", [(100, 100, 100, 100), quiet, quiet, quiet, quiet, (115, 116, 114.8, 115), (115, 115.5, 114.5, 115), (115, 115.5, 114.5, 115)])
        let result = try run(
            scenario,
            nodes:
                "  grid: { use: grid, inputs: [s], params: { levels: 2, spacing: 1, quantity: 1, breakout_atr: 2, atr_period: 3, recenter_levels: 0, cooldown: 100 } }"
        )
        let sold = fills(result).filter { $0.1 == -1 }
        #expect(sold.map(\.2) == [115, 115], "both sells gapped through at the open")
        let statuses = finalStatuses(result)
        #expect(statuses.values.filter { $0 == TRELLIS_ORDER_CANCELED }.count == 4, "the two buys laid first and the two taking profit: \(statuses)")
        #expect(statuses.values.allSatisfy { $0 == TRELLIS_ORDER_FILLED || $0 == TRELLIS_ORDER_CANCELED }, "no grid order is left resting: \(statuses)")
        #expect((result.positions.first { $0.node == "grid" }?.quantity ?? 0) == 0, "flattened at the next open")
        #expect(fills(result).last.map { ($0.1, $0.2) } ?? (0, 0) == (1, 115))
    }

    @Test func theRegimeSwitchesTheGridOffAndOnThroughWhen() throws {
        let scenario = Scenario()
        let closes: [Double] = (0..<24).map { [100, 99, 100, 101][$0 % 4] }
        scenario.writeOHLC(
            "s.csv",
            closes.enumerated().map { index, close in
                let open = index == 0 ? 100 : closes[index - 1]
                return (open, max(open, close) + 0.6, min(open, close) - 0.6, close)
            })
        let result = try run(
            scenario,
            nodes: """
                  regime: { use: test-model, inputs: [s], params: { tag: grid-regime, labels: [ranging, trending-up], period: 6 } }
                  grid:
                    use: grid
                    inputs: [s, regime]
                    when: { regime: ranging }
                    params: { levels: 2, spacing: 1, quantity: 1, breakout_atr: 0, recenter_levels: 0, cooldown: 2 }
                """)
        let day = Int64(86_400_000_000_000), start = Int64(1_704_067_200) * 1_000_000_000
        // Bars 0–5 ranging, 6–11 trending-up, 12–17 ranging, 18–23 trending-up; a bar's events
        // carry its end, so bar n's are stamped day n + 1.
        let placed = Dictionary(grouping: result.orders.filter { $0.node == "grid" && $0.kind == .update }, by: \.orderID)
            .compactMapValues { $0.first }.values
        let barOfPlacement = placed.map { Int(($0.time - start) / day) - 1 }
        #expect(barOfPlacement.contains(0) && barOfPlacement.contains(14), "laid on bar 0, and again after two bars of cooldown: \(barOfPlacement.sorted())")
        // On bars 6 and 18 the regime turns: that bar's fills still get their counter orders, then
        // the grid cancels them all and flattens.
        #expect(barOfPlacement.allSatisfy { !(7...13).contains($0) && $0 <= 18 }, "nothing while trending or cooling down: \(barOfPlacement.sorted())")
        let statuses = finalStatuses(result)
        #expect(statuses.values.allSatisfy { $0 == TRELLIS_ORDER_FILLED || $0 == TRELLIS_ORDER_CANCELED }, "stood aside at the end: \(statuses)")
        #expect((result.positions.first { $0.node == "grid" }?.quantity ?? 0) == 0)
        #expect(result.labels.map(\.label) == ["ranging", "trending-up", "ranging", "trending-up"], "the regime's changes are in the result for the report")
    }
}
