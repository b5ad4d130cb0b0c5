import Foundation
import GRDB
import Testing
import TrellisHost

/// The run journal: what goes in comes back, the tables say what docs/journal.md says, and a
/// wrong run name gets a clear answer.
@Suite struct JournalTests {
    /// GOOG SMA(10, 20) with the Swift plugin, as strategies.yaml runs it.
    static func googRun() throws -> RunResult {
        try ParityTests.run(library: Repository.swiftSMACross, type: "sma-cross-swift/sma-cross", short: true, atEnd: "keep")
    }

    private func json(_ result: RunResult) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: try encoder.encode(result), as: UTF8.self)
    }

    @Test func aRunComesBackExactlyAsItWasStored() throws {
        let result = try Self.googRun()
        #expect(!result.orders.isEmpty && !result.openTrades.isEmpty && !result.prices.isEmpty)
        let journal = try Journal(path: Repository.temporaryDirectory() + "/journal.sqlite")
        try journal.save(result)
        let loaded = try journal.load("last")
        #expect(try json(loaded) == json(result))
        #expect(try json(journal.load(String(result.runID.prefix(12)))) == json(result), "an unambiguous start of the id names the run")
    }

    @Test func theTablesHoldHashesParametersAndEveryOrderEvent() throws {
        let result = try Self.googRun()
        let path = Repository.temporaryDirectory() + "/journal.sqlite"
        try Journal(path: path).save(result)
        let database = try DatabaseQueue(path: path)
        try database.read { db in
            let run = try #require(try Row.fetchOne(db, sql: "SELECT * FROM runs"))
            #expect(run["fingerprint"] == result.fingerprint)
            #expect((run["graph_sha256"] as String?)?.count == 64)
            #expect((run["graph_text"] as String?)?.contains("sma-cross") == true)
            let plugin = try #require(try Row.fetchOne(db, sql: "SELECT * FROM run_plugins"))
            #expect(plugin["plugin"] == "sma-cross-swift")
            #expect(plugin["sha256"] == FileDigestForTests.sha256(Repository.swiftSMACross))
            let feed = try #require(try Row.fetchOne(db, sql: "SELECT * FROM run_feeds"))
            #expect(feed["sha256"] == FileDigestForTests.sha256(Repository.path("data/GOOG.csv")))
            #expect(try String.fetchOne(db, sql: "SELECT parameters FROM run_nodes")?.contains(#""fast":10"#) == true)
            #expect(try Int.fetchOne(db, sql: "SELECT count(*) FROM trades") == result.trades.count + result.openTrades.count)
            #expect(try Int.fetchOne(db, sql: "SELECT count(*) FROM equity") == result.equityValues.count)
            #expect(try Int.fetchOne(db, sql: "SELECT sum(events) FROM order_event_chunks") == result.orderUpdates + result.fills)
            #expect(try Int.fetchOne(db, sql: "SELECT count(*) FROM order_events") == 0, "order events are packed, not a row each")
            let metrics = try #require(try String.fetchOne(db, sql: "SELECT metrics FROM runs"))
            #expect(metrics.contains("\"sharpe\""))
        }
    }

    @Test func aLongEquityCurveIsThinnedKeepingItsPeaksAndTroughs() throws {
        let scenario = Scenario()
        let closes = (0..<50_000).map { (index: Int) -> Double in 100 + 20 * sin(Double(index) / 900) + Double(index % 7) }
        let format = ISO8601DateFormatter()
        var lines = [",Open,High,Low,Close,Volume"]
        for (index, close) in closes.enumerated() {
            let time = format.string(from: Date(timeIntervalSince1970: 1_704_067_200 + Double(index) * 60))
            lines.append("\(time),\(close),\(close + 1),\(close - 1),\(close),10")
        }
        scenario.write("bars.csv", lines.joined(separator: "\n") + "\n")
        let result = try scenario.run(
            """
            trellis: 1
            venue: { cash: 100000 }
            feeds: { bars: { source: csv, path: bars.csv, symbol: XYZ } }
            nodes:
              s: { use: sma-cross, inputs: [bars], params: { fast: 5, slow: 40, quantity: 100 } }
            """, plugins: [try PluginLoader.load(Repository.swiftSMACross)])
        #expect(result.equityValues.count == 50_000)
        let journal = try Journal(path: Repository.temporaryDirectory() + "/journal.sqlite")
        try journal.save(result)
        let loaded = try journal.load("last")
        #expect(loaded.equityValues.count <= Journal.equityPoints)
        #expect(loaded.equityValues.max() == result.equityValues.max())
        #expect(loaded.equityValues.min() == result.equityValues.min())
        #expect(loaded.equityValues.first == result.equityValues.first && loaded.equityValues.last == result.equityValues.last)
        #expect(try json(loaded).count < json(result).count)
        #expect(loaded.metrics == result.metrics, "the statistics are those of the whole curve")
    }

    @Test func wrongRunNamesSayWhatToDo() throws {
        let directory = Repository.temporaryDirectory()
        #expect(throws: JournalError.self) { try Journal(path: directory + "/missing.sqlite", create: false) }
        do {
            _ = try Journal(path: directory + "/missing.sqlite", create: false)
        } catch {
            #expect(error.message.contains("trellis run"))
        }
        let journal = try Journal(path: directory + "/journal.sqlite")
        #expect(message { try journal.load("last") }?.contains("holds no run yet") == true)
        var first = try Self.googRun()
        first.runID = "20260101-000000-aaaaaaaa"
        var second = first
        second.runID = "20260101-000000-aaaabbbb"
        try journal.save(first)
        try journal.save(second)
        #expect(message { try journal.load("20260101-000000-aaaa") }?.contains("names 2 runs") == true)
        #expect(message { try journal.load("2025") }?.contains("trellis report --list") == true)
        #expect(try journal.load("20260101-000000-aaaab").runID == second.runID)
        #expect(message { try journal.save(first) }?.contains("cannot write run 20260101-000000-aaaaaaaa") == true, "a run id is stored once")
        #expect(try journal.runs().map(\.id) == [second.runID, first.runID])
    }

    private func message(_ body: () throws -> some Any) -> String? {
        do {
            _ = try body()
            return nil
        } catch {
            return (error as? JournalError)?.message ?? "\(error)"
        }
    }
}
