import Foundation
import Testing
import TrellisHost

/// The HTML report: one self-contained page with the charts, the statistics, every trade and every
/// refused order, and nothing a viewer would have to fetch.
@Suite struct ReportTests {
    @Test func aPageNeedsNothingFromTheNetwork() throws {
        let page = HTMLReport.render(try JournalTests.googRun())
        #expect(page.hasPrefix("<!doctype html>"))
        for fetch in ["http:", "https:", "<script", "<link", "src=", "url(", "@import"] {
            #expect(!page.contains(fetch), "\(fetch)")
        }
        #expect(page.components(separatedBy: "<svg").count - 1 == 4, "equity, drawdown, price with trades, trade returns")
    }

    @Test func itShowsTheStatisticsAndEveryTrade() throws {
        let run = try JournalTests.googRun()
        let page = HTMLReport.render(run)
        for group in run.metricGroups {
            for row in group.rows { #expect(page.contains("<tr><th>\(row.label)</th><td>\(row.value)</td></tr>"), "\(row.label)") }
        }
        let rows = page.components(separatedBy: "<td>long</td>").count + page.components(separatedBy: "<td>short</td>").count - 2
        #expect(rows == run.trades.count + run.openTrades.count)
        #expect(page.contains(run.fingerprint))
        #expect(page.contains("<h2>GOOG price and trades</h2>"))
        let markers = page.components(separatedBy: #"<polygon class="entry "#).count - 1
        #expect(markers == run.trades.count + run.openTrades.count, "one entry marker per trade")
    }

    @Test func refusedOrdersAreListedWithTheirReason() throws {
        let scenario = Scenario()
        scenario.writeOHLC("bars.csv", [(100, 101, 99, 100), (100, 101, 99, 100), (100, 101, 99, 100)])
        let result = try scenario.run(
            """
            trellis: 1
            venue: { cash: 1000 }
            feeds: { bars: { source: csv, path: bars.csv, symbol: XYZ } }
            nodes:
              s: { use: test-orders, inputs: [bars], params: { tag: report, script: [{ "bar": 0, "quantity": 50 }] } }
            """)
        #expect(result.refusals.count == 1)
        let page = HTMLReport.render(result)
        #expect(page.contains("<h2>Refused orders</h2>"))
        #expect(page.contains("<td class=\"down\">rejected</td><td>insufficient funds: needs"))
    }

    @Test func textFromTheGraphIsEscaped() throws {
        let scenario = Scenario()
        scenario.writeBars("bars.csv", closes: [1, 2, 3])
        let result = try scenario.run(
            """
            trellis: 1
            description: <script>alert("x")</script> & co
            feeds: { bars: { source: csv, path: bars.csv } }
            nodes:
              s: { use: test-orders, inputs: [bars], params: { tag: escape } }
            """)
        let page = HTMLReport.render(result)
        #expect(!page.contains("<script"))
        #expect(page.contains("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; co"))
        #expect(page.contains("No trades."))
    }
}
