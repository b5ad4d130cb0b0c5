import CTrellis
import Foundation
import Testing
import TrellisHost

/// The example graph (examples/features.yaml: a features node, an ffi node, feature-csv nodes)
/// run as a user runs it, and what the files it writes hold.
@Suite struct FeatureCSVTests {
    private func rows(_ path: String) throws -> [[String]] {
        try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map {
            $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        }
    }

    @Test func theExampleGraphWritesIndicatorsAndCFunctionValues() throws {
        let root = try Repository.exampleCopy("features.yaml", data: ["GOOG.csv"])
        let output = try Shell.run([Repository.trellis, "run", "examples/features.yaml"], in: root)
        #expect(output.status == 0, "\(output.stderr)")
        #expect(output.stdout.contains("node    indicators: features 1.0.0 from features"))

        let features = try rows(root + "/examples/features.csv")
        let header = try #require(features.first)
        #expect(header.prefix(5) == ["time", "symbol", "log_return_1", "rsi_14", "macd_12_26_9.macd"])
        #expect(features.count == 2149, "a header and a row per bar")
        let googDates = try String(contentsOfFile: Repository.path("data/GOOG.csv"), encoding: .utf8).split(separator: "\n").dropFirst()
            .map { String($0.prefix(10)) }
        #expect(features.dropFirst().map { String($0[0].prefix(10)) } == googDates, "rows are labelled by the bar's open, as the data file labels them")
        #expect(features[1][0] == "2004-08-19" && features[1][1] == "GOOG")
        #expect(features[1][3].isEmpty, "RSI is still warming up on the first bar")

        // RSI(14) in the file is TA-Lib's, to the last digit the file keeps.
        let rsi = try #require(IndicatorParityTests.fixture.series["RSI_14"]).values
        for bar in [14, 100, 2147] {
            let written = try #require(Double(features[bar + 1][3]))
            let want = try #require(rsi[bar])
            #expect(abs(written - want) <= 1e-9 * abs(want), "bar \(bar): \(written) against \(want)")
        }

        let logs = try rows(root + "/examples/c-functions.csv")
        #expect(logs.first == ["time", "symbol", "log_close"])
        let closes = IndicatorParityTests.bars("GOOG").map(\.close)
        #expect(logs.dropFirst().map { Double($0[2])! } == closes.map { Foundation.log($0) })
    }

    @Test func oneFileTakesOneInput() throws {
        let scenario = Scenario()
        let problems = scenario.problems(
            """
            trellis: 1
            feeds: { goog: { source: csv, path: \(Repository.path("data/GOOG.csv")) } }
            nodes:
              a: { use: ffi, inputs: [goog], params: { library: libm.so.6, function: log, signature: "double (double)", arguments: [close] } }
              b: { use: ffi, inputs: [goog], params: { library: libm.so.6, function: exp, signature: "double (double)", arguments: [close] } }
              out: { use: feature-csv, inputs: [a, b], params: { path: both.csv } }
            """, plugins: [])
        let text = problems.map(\.description).joined(separator: "\n")
        #expect(problems.count == 1 && text.contains("graph.yaml:6:40: error: node 'out' (feature-csv) writes the vectors of one input, not 2"), "\(text)")
    }
}
