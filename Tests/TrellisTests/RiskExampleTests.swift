import Foundation
import Testing

/// examples/risk.yaml as a user runs it: an SMA crossover behind Kelly sizing, a circuit breaker,
/// a daily loss limit and the host's limits on hourly EURUSD; the report lists every denial with
/// who made it.
@Suite struct RiskExampleTests {
    @Test func theExampleRunsAndItsReportListsTheDenials() throws {
        let root = try Repository.exampleCopy("risk.yaml", data: ["EURUSD.csv"])
        let journal = root + "/journal.sqlite"
        let run = try Shell.run([Repository.trellis, "run", "examples/risk.yaml", "--journal", journal], in: root)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stderr.contains("circuit breaker trips (2): 3 losing trades in a row; no new entries for 4d"), "the cooldown doubles")
        #expect(run.stdout.contains("denied by breaker: circuit breaker: 3 losing trades in a row"), "\(run.stdout)")
        #expect(run.stderr.contains("daily loss 21.55 (0.22%) reached the limit 0.20%; no new entries until the next day starts at 00:00 UTC"))

        let report = try Shell.run([Repository.trellis, "report", "last", "--journal", journal, "--html", root + "/report.html"], in: root)
        #expect(report.status == 0, "\(report.stderr)")
        let page = try String(contentsOfFile: root + "/report.html", encoding: .utf8)
        #expect(page.contains("circuit breaker: 3 losing trades in a row"), "the page lists every denial")
        #expect(page.contains("Kelly sizing: no edge (p 0."), "after 20 mostly losing trades Kelly finds no edge")
        #expect(page.contains("denied by loss") && page.contains("daily loss 21.55 (0.22%) reached the limit 0.20%; entries resume after 04-25 00:00 UTC"))
    }
}
