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
        let result = try scenario.run("""
            trellis: 1
            feeds: { a: { source: csv, path: a.csv } }
            nodes:
              rogue: { use: test-rogue, inputs: [a], params: { tag: \(tag) } }
              watcher: { use: test-observer, inputs: [rogue], params: { tag: \(tag) } }
            """)
        let statuses = TestNodes.statuses(tag, "rogue")
        #expect(statuses == [
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
        #expect(result.nodes.first { $0.name == "rogue" }?.failures == 2)
    }
}
