import CTrellis
import Foundation
import Testing
import TrellisHost

/// The risk-node plugins on crafted order sequences whose decisions are known: sizing by a
/// fixed fraction, a fixed amount and fractional Kelly; the circuit breaker's growing cooldown.
@Suite struct RiskNodeTests {
    static var library: String { Repository.buildDirectory + "/libTrellisRisk.so" }

    /// Runs `script` (TestOrders) through risk node `risk` on flat daily bars at `opens`.
    private func run(opens: [Double], script: String, risk: String) throws -> RunResult {
        let scenario = Scenario()
        scenario.writeOHLC("bars.csv", opens.map { ($0, $0, $0, $0) })
        return try scenario.run(
            """
            trellis: 1
            plugins: { load: [\(Self.library)] }
            venue: { cash: 100000 }
            feeds: { bars: { source: csv, path: bars.csv, symbol: XYZ } }
            nodes:
              s: { use: test-orders, inputs: [bars], params: { tag: risk-\(UUID()), script: \(script) } }
              r: { use: \(risk), inputs: [s] }
            """)
    }

    private func fills(_ result: RunResult) -> [(id: UInt64, side: Int32, quantity: Double, price: Double)] {
        result.orders.filter { $0.kind == .fill }.map { ($0.orderID, $0.side, $0.quantity, $0.price) }
    }

    @Test func fixedFractionAndFixedAmountSizeEntriesAndLeaveExits() throws {
        let script = #"[{"bar": 0, "quantity": 1}, {"bar": 1, "close": true, "side": "sell"}]"#
        let fraction = fills(try run(opens: [100, 100, 100], script: script, risk: "sizing, params: { fraction: 0.1 }"))
        #expect(fraction.map(\.quantity) == [100, 100], "10% of 100,000 at 100, then the whole position closed")
        let amount = fills(try run(opens: [100, 100, 100], script: script, risk: "sizing, params: { method: fixed-amount, amount: 5000 }"))
        #expect(amount.map(\.quantity) == [50, 50])
    }

    @Test func kellySizesFromTheNodesOwnTradesAfterEnough() throws {
        // Three round trips: +10%, +10%, −5%; then an entry sized by Kelly: p = 2/3, b = 2,
        // f* = 2/3 − (1/3) / 2 = 0.5; half Kelly = 0.25 of equity.
        let script = #"""
            [{"bar": 0, "quantity": 1}, {"bar": 1, "close": true, "side": "sell"},
             {"bar": 2, "quantity": 1}, {"bar": 3, "close": true, "side": "sell"},
             {"bar": 4, "quantity": 1}, {"bar": 5, "close": true, "side": "sell"},
             {"bar": 6, "quantity": 1}]
            """#
        let result = try run(
            opens: [100, 100, 110, 100, 110, 100, 95, 95, 95], script: script,
            risk: "sizing, params: { method: kelly, fraction: 0.05, kelly_scale: 0.5, max_fraction: 0.3, min_trades: 3 }")
        let all = fills(result)
        #expect(all.count == 7)
        #expect(all[0].quantity == 50, "5% of 100,000 at 100 while fewer than 3 trades have closed")
        let equity = 100_000 + all.prefix(6).reduce(0.0) { $0 - Double($1.side) * $1.quantity * $1.price }
        // The venue sizes a fraction of equity in whole units (docs/venue.md), rounding down.
        #expect(all[6].quantity == (0.25 * equity / 95).rounded(.down), "\(all[6].quantity) against \(0.25 * equity / 95)")

        let noEdge = try run(
            opens: [100, 100, 90, 90], script: #"[{"bar": 0, "quantity": 1}, {"bar": 1, "close": true, "side": "sell"}, {"bar": 2, "quantity": 1}]"#,
            risk: "sizing, params: { method: kelly, min_trades: 1 }")
        let denial = try #require(noEdge.orders.first { $0.status == TRELLIS_ORDER_DENIED })
        #expect(denial.reason == "Kelly sizing: no edge (p 0.00, no winning trade)" && denial.reporter == "r", "\(denial.reason)")
    }

    @Test func theCircuitBreakerBlocksEntriesForACooldownThatDoubles() throws {
        // Each round trip buys at 100 and sells at 99: a loss. Two in a row trip the breaker.
        let opens: [Double] = [100, 100, 99, 100, 99, 100, 100, 100, 99, 100, 99, 100, 100, 100, 100, 100]
        let script = #"""
            [{"bar": 0, "quantity": 1}, {"bar": 1, "close": true, "side": "sell"},
             {"bar": 2, "quantity": 1}, {"bar": 3, "close": true, "side": "sell"},
             {"bar": 4, "quantity": 1}, {"bar": 5, "quantity": 1},
             {"bar": 6, "quantity": 1}, {"bar": 7, "close": true, "side": "sell"},
             {"bar": 8, "quantity": 1}, {"bar": 9, "close": true, "side": "sell"},
             {"bar": 10, "quantity": 1}, {"bar": 13, "quantity": 1}, {"bar": 14, "quantity": 1}]
            """#
        let result = try run(opens: opens, script: script, risk: #"circuit-breaker, params: { losses: 2, cooldown: 2d, max_cooldown: 8d, reset_after: 20d }"#)
        let denied = result.orders.filter { $0.status == TRELLIS_ORDER_DENIED }
        #expect(denied.map(\.orderID) == [5, 6, 11, 12], "entries on bars 4–5 (2 days) and 10–13 (4 days) are refused: \(denied.map(\.orderID))")
        #expect(denied.first?.reason == "circuit breaker: 2 losing trades in a row; no new entries for 2d more (trip 1)", "\(denied.first?.reason ?? "")")
        #expect(denied.last?.reason == "circuit breaker: 2 losing trades in a row; no new entries for 1d more (trip 2)", "\(denied.last?.reason ?? "")")
        #expect(result.orders.contains { $0.orderID == 7 && $0.kind == .fill } && result.orders.contains { $0.orderID == 13 && $0.kind == .fill })
    }
}
