import CTrellis
import Foundation
import Testing
import TrellisHost

/// Events follow inputs; order updates and fills go back to the order's origin and the risk
/// nodes on its path, and nowhere else; `when` gates a node on another node's latest label.
@Suite struct RoutingTests {
    let fill = Int32(TRELLIS_EVENT_FILL)
    let update = Int32(TRELLIS_EVENT_ORDER_UPDATE)

    @Test func twoFeedsAndFourNodesRouteFillsBackToTheRightNode() throws {
        let scenario = Scenario()
        let tag = "routing-\(UUID())"
        scenario.writeBars("a.csv", closes: (1...30).map { 100 + Double($0) })
        scenario.writeBars("b.csv", closes: (1...30).map { 50 + Double($0 % 7) })
        let result = try scenario.run(
            """
            trellis: 1
            venue: { cash: 100000 }
            feeds:
              a: { source: csv, path: a.csv, symbol: AAA }
              b: { source: csv, path: b.csv, symbol: BBB }
            nodes:
              model: { use: test-model, inputs: [a], params: { tag: \(tag) } }
              s1: { use: test-strategy, inputs: [a, model], params: { tag: \(tag), every: 2 } }
              s2: { use: test-strategy, inputs: [b], params: { tag: \(tag), every: 3 } }
              risk: { use: test-risk, inputs: [s1], params: { tag: \(tag), deny_every: 3 } }
            """)
        let model = TestNodes.log(tag, "model"), s1 = TestNodes.log(tag, "s1"), s2 = TestNodes.log(tag, "s2"), risk = TestNodes.log(tag, "risk")

        // Market data and signals follow the inputs.
        #expect(model.of(TRELLIS_EVENT_BAR).count == 30)
        #expect(s1.of(TRELLIS_EVENT_BAR).count == 30 && s1.of(TRELLIS_EVENT_SIGNAL).count == 30)
        #expect(s2.of(TRELLIS_EVENT_BAR).count == 30 && s2.of(TRELLIS_EVENT_SIGNAL).isEmpty)
        #expect(s1.of(TRELLIS_EVENT_BAR).allSatisfy { $0.source == 1 } && s2.of(TRELLIS_EVENT_BAR).allSatisfy { $0.source == 2 })

        // Each strategy gets the fills of its own orders only; the model gets none.
        #expect(!s1.of(fill).isEmpty && !s2.of(fill).isEmpty)
        #expect(s1.of(fill).allSatisfy { $0.origin == s1.nodeID })
        #expect(s2.of(fill).allSatisfy { $0.origin == s2.nodeID })
        #expect(model.of(fill).isEmpty && model.of(update).isEmpty)

        // The risk node sees s1's orders (never s2's) and the outcomes of those it passed on.
        #expect(risk.of(TRELLIS_EVENT_ORDER).count == 15)
        #expect(risk.of(TRELLIS_EVENT_ORDER).allSatisfy { $0.origin == s1.nodeID && $0.source == s1.nodeID })
        #expect(risk.of(fill).map(\.orderID) == s1.of(fill).map(\.orderID))
        #expect(risk.of(fill).allSatisfy { $0.origin == s1.nodeID })

        // Denials reach the origin, stamped with the risk node that denied them, and not the risk node itself.
        let denials = s1.of(update).filter { $0.status == TRELLIS_ORDER_DENIED }
        #expect(denials.count == 5)
        #expect(denials.allSatisfy { $0.reporter == risk.nodeID })
        #expect(risk.of(update).allSatisfy { $0.status != TRELLIS_ORDER_DENIED })
        #expect(result.fills == s1.of(fill).count + s2.of(fill).count)
    }

    @Test func whenGatesANodeOnTheLatestLabel() throws {
        let scenario = Scenario()
        let tag = "gate-\(UUID())"
        scenario.writeBars("a.csv", closes: (1...12).map { Double($0) })
        _ = try scenario.run(
            """
            trellis: 1
            feeds: { a: { source: csv, path: a.csv } }
            nodes:
              regime: { use: test-model, inputs: [a], params: { tag: \(tag), labels: [on, off], period: 3 } }
              gated: { use: test-observer, inputs: [a, regime], when: { regime: on }, params: { tag: \(tag) } }
              either: { use: test-observer, inputs: [a], when: { regime: [on, off] }, params: { tag: \(tag) } }
            """)
        let gated = TestNodes.log(tag, "gated"), either = TestNodes.log(tag, "either")
        let barTimes = TestNodes.log(tag, "regime").of(TRELLIS_EVENT_BAR).map(\.time)
        // Labels by bar: on on on off off off on on on off off off.
        let expected = [0, 1, 2, 6, 7, 8].map { barTimes[$0] }
        #expect(gated.of(TRELLIS_EVENT_BAR).map(\.time) == expected)
        // A gated-off node still hears its gate node's signals, so it knows it was switched off.
        #expect(gated.of(TRELLIS_EVENT_SIGNAL).map(\.label) == Array(repeating: ["on", "on", "on", "off", "off", "off"], count: 2).flatMap { $0 })
        #expect(either.of(TRELLIS_EVENT_BAR).count == 12)
    }

    @Test func timersFireInEngineTimeBetweenBars() throws {
        let scenario = Scenario()
        let tag = "timer-\(UUID())"
        scenario.writeBars("a.csv", closes: [1, 2, 3, 4])
        let hour: Int64 = 3_600_000_000_000
        _ = try scenario.run(
            """
            trellis: 1
            feeds: { a: { source: csv, path: a.csv } }
            nodes:
              s: { use: test-strategy, inputs: [a], params: { tag: \(tag), every: 100, timer_after_ns: \(30 * hour) } }
            """)
        let events = TestNodes.log(tag, "s").events.filter { $0.type == UInt16(TRELLIS_EVENT_BAR) || $0.type == UInt16(TRELLIS_EVENT_TIMER) }
        #expect(events.map(\.type) == [1, 1, 10, 1, 1].map(UInt16.init))
        let timer = try #require(events.first { $0.type == UInt16(TRELLIS_EVENT_TIMER) })
        #expect(timer.time == events[0].time + 30 * hour && timer.scheduled == timer.time)
    }
}
