import Foundation
import GRDB
import Testing
import TrellisHost

/// The commands say what is wrong rather than pretending (issue: fail closed on every input):
/// `trellis kill` of nothing, report ids that are not patterns, stored runs that cannot break
/// `report`, a run whose figures cannot be stored, `trellis-bench --help`.
@Suite struct FailClosedCommandTests {
    /// A journal with one finished run of strategies.yaml's graph.
    private func journalWithARun() throws -> (journal: String, runID: String, scenario: Scenario) {
        let scenario = Scenario()
        let journal = scenario.directory + "/journal.sqlite"
        let run = try Hostile.trellis(
            ["run", "GRAPH", "--journal", journal],
            graph: """
                trellis: 1
                feeds: { goog: { source: csv, path: goog.csv, symbol: GOOG } }
                nodes: { trend: { use: sma-cross, inputs: [goog] } }
                """, scenario: scenario)
        try #require(run.status == 0, "\(run.stderr)")
        let line = try #require(run.stdout.split(separator: "\n").first { $0.hasPrefix("journal") })
        let id = try #require(line.split(separator: " ").dropFirst().first { $0.contains("-") })
        return (journal, String(id), scenario)
    }

    @Test func killOfNoRunSaysSoAndLeavesNothingBehind() throws {
        let (journal, runID, scenario) = try journalWithARun()
        let nope = try Shell.run([Repository.trellis, "kill", "nope", "--journal", journal])
        #expect(nope.status == 1, "\(nope.stdout)")
        #expect(nope.stderr.contains("no running run matches 'nope'; no run is going on with \(journal)"), "\(nope.stderr)")
        let ended = try Shell.run([Repository.trellis, "kill", runID, "--journal", journal])
        #expect(ended.status == 1 && ended.stderr.contains("run \(runID) has already ended; nothing to halt"), "\(ended.stderr)")
        let empty = try Shell.run([Repository.trellis, "kill", "", "--journal", journal])
        #expect(empty.status == 2 && empty.stderr.contains("'' is not a run id"), "\(empty.stderr)")
        #expect(!empty.stderr.contains("NSCocoaErrorDomain"))
        let requests = (try? FileManager.default.contentsOfDirectory(atPath: scenario.directory + "/kill")) ?? []
        #expect(requests.isEmpty, "no stale request: \(requests)")
    }

    @Test func reportIdsAreNotPatterns() throws {
        let (journal, runID, _) = try journalWithARun()
        for pattern in ["%", "_", "2%", "\(runID.prefix(4))_"] {
            let output = try Shell.run([Repository.trellis, "report", pattern, "--journal", journal])
            #expect(output.status == 1 && output.stderr.contains("no run \(pattern)"), "'\(pattern)': \(output.stderr)")
        }
        let prefix = try Shell.run([Repository.trellis, "report", String(runID.prefix(15)), "--journal", journal])
        #expect(prefix.status == 0, "the start of an id still names its run: \(prefix.stderr)")
    }

    /// Stored values that no run of this host writes (text where numbers belong, numbers past
    /// every bound, a hand-edited or damaged journal): `report`, `--list` and `--html` still work.
    @Test func noStoredRunCanMakeReportFail() throws {
        let (journal, runID, scenario) = try journalWithARun()
        let queue = try DatabaseQueue(path: journal)
        try queue.write { db in
            try db.execute(
                sql: "UPDATE runs SET final_equity = 'much', final_cash = 'lots', starting_cash = 1e308, started_at = -9223372036854775808 WHERE id = ?",
                arguments: [runID])
            try db.execute(sql: "UPDATE equity SET equity = 'x' WHERE run_id = ? AND step % 3 = 0", arguments: [runID])
            try db.execute(sql: "UPDATE equity SET equity = 1e300 WHERE run_id = ? AND step % 3 = 1", arguments: [runID])
            try db.execute(sql: "UPDATE trades SET entry_price = 'y', quantity = 'x', exit_time = 9223372036854775807 WHERE run_id = ?", arguments: [runID])
            try db.execute(
                sql: "UPDATE order_event_chunks SET data = substr(data, 1, 37), strings = 'not json', events = 1e9 WHERE run_id = ?", arguments: [runID])
        }
        for arguments in [
            ["report", "last"], ["report", "--list"], ["report", runID, "--html", scenario.directory + "/page.html"], ["report", "last", "--json"],
        ] {
            let output = try Shell.run([Repository.trellis] + arguments + ["--journal", journal], timeout: .seconds(60))
            #expect(output.status == 0 && !output.signaled, "\(arguments): \(output.shellStatus) \(output.stderr.prefix(400))")
        }
        // An equity curve one unit in the last place apart: the chart's ticks cannot step it.
        let (flat, flatID, _) = try journalWithARun()
        try DatabaseQueue(path: flat).write { db in
            try db.execute(
                sql: "UPDATE equity SET equity = CASE WHEN step % 2 = 0 THEN 1000000000000000.0 ELSE 1000000000000000.125 END WHERE run_id = ?",
                arguments: [flatID])
        }
        let page = try Shell.run([Repository.trellis, "report", "last", "--html", scenario.directory + "/flat.html", "--journal", flat], timeout: .seconds(60))
        #expect(page.status == 0 && !page.timedOut, "\(page.shellStatus) \(page.stderr.prefix(400))")
    }

    /// A run whose figures are not all finite is not stored, and says so.
    @Test func aRunWhoseFiguresCannotBeStoredSaysSo() throws {
        let (journal, _, scenario) = try journalWithARun()
        var run = try Journal(path: journal, create: false).load("last")
        run.runID += "-copy"
        run.finalEquity = .nan
        let other = try Journal(path: scenario.directory + "/other.sqlite")
        #expect {
            try other.save(run)
        } throws: { error in
            "\(error)".contains("its final equity is nan; the figures of a run must be finite numbers")
        }
        #expect(try other.runs().isEmpty, "nothing of it was stored")
    }

    @Test func benchHelpPrintsHelpAndRunsNothing() throws {
        let started = ContinuousClock.now
        let output = try Shell.run([Repository.buildDirectory + "/trellis-bench", "--help"], timeout: .seconds(30))
        #expect(output.status == 0 && output.stdout.contains("usage: trellis-bench"), "\(output.stdout)")
        #expect(ContinuousClock.now - started < .seconds(5))
        let bad = try Shell.run([Repository.buildDirectory + "/trellis-bench", "--bars", "-5"], timeout: .seconds(30))
        #expect(bad.status == 2 && bad.stderr.contains("--bars takes a positive whole number"), "\(bad.stderr)")
    }
}
