import Foundation
import Testing

/// examples/regime-switch.yaml as a user runs it: the classifier gates the grid and the SMA
/// crossover on hourly EURUSD, and the HTML report shows the regime under the equity curve.
@Suite struct RegimeSwitchExampleTests {
    @Test func theExampleRunsAndItsReportShowsTheRegime() throws {
        let root = try Repository.exampleCopy("regime-switch.yaml", data: ["EURUSD.csv"])
        let journal = root + "/journal.sqlite"

        let run = try Shell.run([Repository.trellis, "run", "examples/regime-switch.yaml", "--journal", journal, "--trades", "all"], in: root)
        #expect(run.status == 0, "\(run.stderr)")
        for node in ["regime: regime-classifier 1.0.0 from regime", "grid: grid 1.0.0 from grid", "trend: sma-cross 1.0.0"] {
            #expect(run.stdout.contains("node    \(node)"), "\(node)")
        }
        #expect(!run.stdout.contains("refused orders"), "the example's sizes fit its cash")
        #expect(run.stderr.contains("grid stands aside: the regime turned"), "reverse safety fires on the way")
        let trades = run.stdout.split(separator: "\n").filter { $0.contains(" grid ") || $0.contains(" trend ") }
        #expect(trades.contains { $0.contains(" grid ") } && trades.contains { $0.contains(" trend ") }, "both strategies trade")

        let report = try Shell.run([Repository.trellis, "report", "last", "--journal", journal, "--html", root + "/report.html"], in: root)
        #expect(report.status == 0, "\(report.stderr)")
        let page = try String(contentsOfFile: root + "/report.html", encoding: .utf8)
        #expect(page.contains("<h2>Regime</h2>"), "a regime panel")
        for label in ["trending-up", "trending-down", "ranging"] {
            #expect(page.contains(#"class="regime""#) && page.contains("<title>\(label): "), "a band for \(label)")
        }
        let equity = try #require(page.range(of: ">Equity<")), regime = try #require(page.range(of: ">Regime<"))
        let drawdown = try #require(page.range(of: ">Drawdown<"))
        #expect(equity.lowerBound < regime.lowerBound && regime.lowerBound < drawdown.lowerBound, "right under the equity curve")
    }
}
