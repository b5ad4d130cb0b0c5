import CTrellis
import Foundation
import Testing
import TrellisHost

/// A challenger replaces one node of the champion's path: it sees the champion's events in the
/// same order, trades on its own simulated ledger, and never touches the champion's orders.
@Suite struct ShadowBranchTests {
    let bars = (1...60).map { 100 + 8 * sin(Double($0) / 4) }

    @Test func aChallengerSeesEveryEventItsChampionSeesInTheSameOrder() throws {
        let scenario = Scenario()
        let tag = "shadow-\(UUID())"
        scenario.writeBars("a.csv", closes: bars)
        let result = try scenario.run(
            """
            trellis: 1
            feeds: { a: { source: csv, path: a.csv } }
            nodes:
              model: { use: test-model, inputs: [a], params: { tag: \(tag) } }
              trend: { use: test-strategy, inputs: [a, model], params: { tag: \(tag), every: 2 } }
            shadow:
              slow: { replaces: trend, params: { every: 5 } }
            """)
        let champion = TestNodes.log(tag, "trend"), challenger = TestNodes.log(tag, "slow")
        let market = { (log: TestNodes.Log) in
            log.events.filter { [UInt16(TRELLIS_EVENT_BAR), UInt16(TRELLIS_EVENT_SIGNAL)].contains($0.type) }.map { "\($0.type) \($0.source) \($0.time)" }
        }
        #expect(market(champion).count == 120)
        #expect(market(challenger) == market(champion))
        // Each side gets the fills of its own orders, from its own ledger.
        let fills = Int32(TRELLIS_EVENT_FILL)
        #expect(challenger.of(fills).count > 0 && challenger.of(fills).allSatisfy { $0.origin == challenger.nodeID })
        #expect(champion.of(fills).allSatisfy { $0.origin == champion.nodeID })
        let shadow = try #require(result.shadow)
        #expect(shadow.challengers.map(\.name) == ["slow"])
        #expect(shadow.challengers[0].challenger.trades.allSatisfy { $0.node == "slow" })
        #expect(shadow.challengers[0].champion.trades.map(\.node).allSatisfy { $0 == "trend" })
        #expect(shadow.challengers[0].champion.trades.count > shadow.challengers[0].challenger.trades.count)
        #expect(result.trades.allSatisfy { $0.node == "trend" })
        // The journal keeps both ledgers.
        let journal = try Journal(path: scenario.directory + "/journal.sqlite")
        try journal.save(result)
        let stored = try #require(try journal.load("last").shadow)
        #expect(stored.challengers[0].challenger.trades == shadow.challengers[0].challenger.trades)
        #expect(stored.challengers[0].champion.equity.last == shadow.challengers[0].champion.equity.last)
        #expect(stored.challengers[0].challengerNodes == ["slow"])
    }

    @Test func theChampionRunsAsIfThereWereNoShadow() throws {
        let scenario = Scenario()
        scenario.writeBars("a.csv", closes: bars)
        let graph = """
            trellis: 1
            venue: { cash: 5000, commission: 0.001 }
            feeds: { a: { source: csv, path: a.csv } }
            nodes:
              trend: { use: test-strategy, inputs: [a], params: { tag: t, every: 3 } }
              risk: { use: test-risk, inputs: [trend], params: { tag: t, deny_every: 4 } }
            """
        let alone = try scenario.run(graph)
        let shadowed = try scenario.run(graph + "\nshadow:\n  quick: { replaces: trend, params: { every: 2 } }\n")
        #expect(alone.fingerprint == shadowed.fingerprint)
        #expect(alone.trades == shadowed.trades && alone.equityValues == shadowed.equityValues && alone.orders == shadowed.orders)
        // The risk node downstream of the replaced one is copied into the challenger's branch.
        let challenger = try #require(shadowed.shadow?.challengers.first)
        #expect(challenger.challengerNodes == ["quick", "quick/risk"])
        #expect(challenger.championNodes == ["trend", "risk"])
        #expect(shadowed.nodes.map(\.name) == ["trend", "risk", "quick", "quick/risk"])
        #expect(shadowed.nodes[3].eventsDelivered > 0)
        // The equity each side reports is the venue's cash plus its own profit.
        #expect(abs(challenger.champion.finalEquity - alone.finalEquity) < 1e-6)
        #expect(challenger.challenger.trades.count > challenger.champion.trades.count)
    }

    @Test func noChallengerOrderReachesTheBroker() throws {
        let scenario = Scenario()
        scenario.writeBars("a.csv", closes: bars)
        let broker = try PluginBuilds.c("Tests/Fixtures/plugins/counting_broker.c")
        func run(shadow: Bool) throws -> (RunResult, [String]) {
            let report = scenario.directory + "/requests-\(shadow).txt"
            var graph = """
                trellis: 1
                plugins: { load: [\(broker)] }
                feeds: { a: { source: csv, path: a.csv } }
                nodes:
                  coin: { use: test-coin, inputs: [a], params: { seed: 7 } }
                  exec: { use: counting-broker, inputs: [coin], params: { report: \(report), price: 100 } }
                """
            if shadow {
                graph += "\nshadow:\n  other: { replaces: coin, params: { seed: 8 } }\n  tight: { replaces: coin, params: { seed: 9, quantity: 3 } }\n"
            }
            let path = scenario.write("broker-\(shadow).yaml", graph)
            var options = Backtest.Options(includeDefaultPluginPaths: false, plugins: [TestNodes.plugin])
            options.routesOrdersToBrokers = true
            let result = try Backtest.prepare(graphAt: path, options: options).run()
            let lines = try String(contentsOfFile: report, encoding: .utf8).split(separator: "\n").map(String.init)
            return (result, lines)
        }
        let (alone, aloneRequests) = try run(shadow: false)
        let (shadowed, requests) = try run(shadow: true)
        let coinID = 2  // feed a is 1, coin the first node
        #expect(requests.count > 10)
        #expect(requests.allSatisfy { $0.hasPrefix("new \(coinID) ") })
        #expect(requests == aloneRequests)
        // The broker's fills are the account's; the challengers traded on their own ledgers.
        #expect(alone.fingerprint == shadowed.fingerprint && !shadowed.trades.isEmpty)
        #expect(shadowed.trades.allSatisfy { $0.entryPrice == 100 })
        let challengers = try #require(shadowed.shadow?.challengers)
        #expect(challengers.map(\.name) == ["other", "tight"])
        #expect(challengers.allSatisfy { !$0.challenger.trades.isEmpty && $0.challenger.trades.allSatisfy { $0.entryPrice != 100 } })
    }

    @Test func theShadowSectionIsCheckedLikeTheRest() {
        let scenario = Scenario()
        scenario.writeBars("a.csv", closes: bars)
        let head = """
            trellis: 1
            feeds: { a: { source: csv, path: a.csv } }
            nodes:
              trend: { use: test-strategy, inputs: [a], params: { tag: t } }
              watch: { use: test-observer, inputs: [trend], params: { tag: t } }
            shadow:

            """
        func messages(_ shadow: String) -> [String] { scenario.problems(head + shadow).map(\.description) }
        #expect(messages("  fast: { replaces: trnd }").contains { $0.contains("challenger 'fast' replaces unknown node 'trnd'; did you mean 'trend'?") })
        #expect(messages("  fast: { replaces: watch }").contains { $0.contains("challenger 'fast' replaces 'watch', an observer node") })
        #expect(
            messages("  fast: { replaces: trend, params: { every: 0 } }").contains {
                $0.contains("parameter 'every' of node 'fast'") && $0.contains("graph.yaml:7:")
            })
        #expect(messages("  judge: { use: test-observer, params: { tag: t } }").contains { $0.contains("shadow tester 'judge' has no challenger to judge") })
        #expect(
            messages("  fast: { replaces: trend }\n  judge: { use: test-strategy, params: { tag: t } }").contains { $0.contains("a tester is an observer") })
        #expect(messages("  trend: { replaces: trend }").contains { $0.contains("'trend' names both a node") })
        #expect(messages("  fast: { params: { every: 2 } }").contains { $0.contains("neither replaces nor use") })
        #expect(messages("  fast: { replaces: trend, params: { every: 3 } }").isEmpty)
    }
}
