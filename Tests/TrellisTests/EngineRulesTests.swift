import CTrellis
import Foundation
import Testing
import TrellisHost

/// The host enforces what each kind of node may emit and refuses malformed events.
@Suite struct EngineRulesTests {
    @Test func emitRulesAreEnforced() throws {
        let scenario = Scenario()
        let tag = "rogue-\(UUID())"
        scenario.writeBars("a.csv", closes: [1, 2, 3])
        let result = try scenario.run(
            """
            trellis: 1
            feeds: { a: { source: csv, path: a.csv } }
            nodes:
              rogue: { use: test-rogue, inputs: [a], params: { tag: \(tag) } }
              watcher: { use: test-observer, inputs: [rogue], params: { tag: \(tag) } }
            """)
        let statuses = TestNodes.statuses(tag, "rogue")
        #expect(
            statuses == [
                "signal during create": TRELLIS_ERR_STATE,
                "order from a model": TRELLIS_ERR_DENIED,
                "fill from a model": TRELLIS_ERR_DENIED,
                "timer": TRELLIS_ERR_DENIED,
                "truncated signal": TRELLIS_ERR_INVALID,
                "unknown type": TRELLIS_ERR_INVALID,
                "signal": TRELLIS_OK,
                "custom": TRELLIS_OK,
            ])
        let watched = TestNodes.log(tag, "watcher")
        #expect(watched.of(TRELLIS_EVENT_SIGNAL).map(\.label) == ["fine"])
        #expect(watched.of(TRELLIS_EVENT_CUSTOM).count == 1)
        #expect(watched.of(TRELLIS_EVENT_ORDER).isEmpty)
        #expect(result.fills == 0)
        #expect(result.nodes.first { $0.name == "rogue" }?.failures == 5, "two malformed events and three refused types")
    }
}

/// Order intents the host cannot honour in full are refused, never half-honoured.
@Suite struct OrderRulesTests {
    @Test func malformedAndRepeatedOrdersAreRefused() throws {
        let scenario = Scenario()
        let tag = "orders-\(UUID())"
        scenario.writeBars("a.csv", closes: [10, 11, 12])
        _ = try scenario.run(
            """
            trellis: 1
            feeds: { a: { source: csv, path: a.csv } }
            nodes:
              bad: { use: test-bad-orders, inputs: [a], params: { tag: \(tag) } }
            """)
        #expect(
            TestNodes.statuses(tag, "bad") == [
                "unknown flag": TRELLIS_ERR_UNSUPPORTED, "reserved": TRELLIS_ERR_UNSUPPORTED, "unknown type": TRELLIS_ERR_UNSUPPORTED,
                "no side": TRELLIS_ERR_UNSUPPORTED, "good": TRELLIS_OK, "repeated id": TRELLIS_OK, "smaller id": TRELLIS_OK,
                "host id": TRELLIS_OK, "reduce only": TRELLIS_OK, "reduce only up": TRELLIS_OK,
            ])
        let updates = TestNodes.log(tag, "bad").of(TRELLIS_EVENT_ORDER_UPDATE)
        let refused = updates.filter { $0.reasonCode == TRELLIS_REASON_DUPLICATE_ID }
        #expect(refused.map(\.orderID) == [20, 5])
        #expect(refused.allSatisfy { $0.status == TRELLIS_ORDER_REJECTED })
        let hostAssigned = updates.filter { $0.orderID & (1 << 63) != 0 }
        #expect(hostAssigned.map(\.status) == [TRELLIS_ORDER_ACCEPTED, TRELLIS_ORDER_FILLED])
        // At the next open the two buys fill first; the reduce-only sell of 5 then closes only the 2
        // units held, and the reduce-only buy, which would add to them, is canceled.
        let fills = TestNodes.log(tag, "bad").of(TRELLIS_EVENT_FILL)
        #expect(fills.first { $0.orderID == 21 }?.quantity == 2)
        let reduceUp = updates.filter { $0.orderID == 22 }
        #expect(reduceUp.map(\.status) == [TRELLIS_ORDER_ACCEPTED, TRELLIS_ORDER_CANCELED])
        #expect(reduceUp.last?.reasonCode == TRELLIS_REASON_NO_POSITION)
    }

    @Test func riskVerdictsResizeOrDenyAndAnswerOncePerOrder() throws {
        let scenario = Scenario()
        let tag = "verdicts-\(UUID())"
        scenario.writeBars("a.csv", closes: (1...12).map { 100 + Double($0) })
        _ = try scenario.run(
            """
            trellis: 1
            venue: { cash: 100000 }
            feeds: { a: { source: csv, path: a.csv } }
            nodes:
              s: { use: test-strategy, inputs: [a], params: { tag: \(tag), every: 2 } }
              r: { use: test-risk, inputs: [s], params: { tag: \(tag), deny_every: 3, scale: 3 } }
            """)
        let strategy = TestNodes.log(tag, "s"), statuses = TestNodes.statuses(tag, "r")
        #expect(statuses["approve 1"] == TRELLIS_OK && statuses["deny 3"] == TRELLIS_OK)
        #expect(statuses.filter { $0.key.hasPrefix("second verdict") }.values.allSatisfy { $0 == TRELLIS_ERR_NOT_FOUND })
        #expect(strategy.of(TRELLIS_EVENT_FILL).first?.quantity == 3, "approved three times the size")
        let denials = strategy.of(TRELLIS_EVENT_ORDER_UPDATE).filter { $0.status == TRELLIS_ORDER_DENIED }
        #expect(denials.count == 2)
        #expect(denials.allSatisfy { $0.reasonCode == TRELLIS_REASON_RISK && $0.reporter == TestNodes.log(tag, "r").nodeID })
    }
}
