import Foundation
import Testing

/// The `trellis` command as a user runs it.
@Suite struct CLITests {
    private func trellis(_ arguments: String...) throws -> Shell.Output {
        try Shell.run([Repository.trellis] + arguments, in: Repository.root)
    }

    @Test func everyCommandHasHelp() throws {
        for command in [
            [], ["run"], ["report"], ["shadow", "report"], ["kill"], ["validate"], ["plugins"], ["plugins", "list"], ["plugins", "inspect"], ["graph"],
            ["schema"],
        ] {
            let output = try Shell.run([Repository.trellis] + command + ["--help"])
            #expect(output.status == 0, "\(command)")
            #expect(output.stdout.contains("USAGE: trellis"), "\(command)")
        }
    }

    @Test func runPrintsASummaryWithAFingerprint() throws {
        let output = try trellis("run", "strategies.yaml")
        #expect(output.status == 0, "\(output.stderr)")
        #expect(output.stdout.contains("node    trend: sma-cross 1.0.0 from sma-cross-swift"))
        #expect(output.stdout.contains("final equity"))
        let fingerprint = try #require(output.stdout.split(separator: "\n").first { $0.hasPrefix("fingerprint") })
        #expect(fingerprint.split(separator: " ").last?.count == 64)
    }

    @Test func runPrintsTheStatisticsAndStoresTheRun() throws {
        let journal = Repository.temporaryDirectory() + "/journal.sqlite"
        let output = try trellis("run", "strategies.yaml", "--journal", journal)
        #expect(output.status == 0, "\(output.stderr)")
        for label in ["Sharpe ratio", "Max drawdown", "Win rate", "Profit factor", "SQN", "Exposure time"] {
            #expect(output.stdout.contains(label), "\(label)")
        }
        let line = try #require(output.stdout.split(separator: "\n").first { $0.hasPrefix("journal") })
        #expect(line.contains(journal))
        #expect(FileManager.default.fileExists(atPath: journal))
        #expect(output.stderr.isEmpty, "no progress bar when the output is piped: \(output.stderr)")
    }

    @Test func reportShowsTheLastRunAsTextHTMLAndJSON() throws {
        let journal = Repository.temporaryDirectory() + "/journal.sqlite"
        let run = try trellis("run", "strategies.yaml", "--journal", journal, "--json")
        let ran = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        let runID = try #require(ran["runID"] as? String)

        let text = try trellis("report", "last", "--journal", journal)
        #expect(text.status == 0, "\(text.stderr)")
        #expect(text.stdout.contains("run \(runID)"))
        #expect(text.stdout.contains("fingerprint    \(ran["fingerprint"] as? String ?? "?")"))

        let json = try trellis("report", String(runID.prefix(15)), "--journal", journal, "--json")
        let reported = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        #expect(reported["fingerprint"] as? String == ran["fingerprint"] as? String)
        #expect((reported["trades"] as? [Any])?.count == (ran["trades"] as? [Any])?.count)

        let page = Repository.temporaryDirectory() + "/report.html"
        let html = try trellis("report", "last", "--journal", journal, "--html", page)
        #expect(html.status == 0, "\(html.stderr)")
        #expect(html.stdout.hasPrefix("wrote \(page) ("))
        #expect(try String(contentsOfFile: page, encoding: .utf8).contains("<svg"))

        let list = try trellis("report", "--list", "--journal", journal)
        #expect(list.stdout.hasPrefix("RUN"))
        #expect(list.stdout.contains(runID))
    }

    @Test func reportErrorsSayWhatToDo() throws {
        let directory = Repository.temporaryDirectory()
        let missing = try trellis("report", "--journal", directory + "/none.sqlite")
        #expect(missing.status == 1)
        #expect(missing.stderr.hasPrefix("error: no journal at \(directory)/none.sqlite yet: 'trellis run <graph>' writes one"))
        _ = try trellis("run", "strategies.yaml", "--journal", directory + "/journal.sqlite")
        let unknown = try trellis("report", "19990101", "--journal", directory + "/journal.sqlite")
        #expect(unknown.status == 1)
        #expect(unknown.stderr.contains("no run 19990101 in"))
        let both = try trellis("report", "--json", "--html", "x.html", "--journal", directory + "/journal.sqlite")
        #expect(both.status != 0)
        #expect(both.stderr.contains("choose one of --html and --json"))
    }

    @Test func noJournalMeansNoFile() throws {
        let journal = Repository.temporaryDirectory() + "/journal.sqlite"
        let output = try trellis("run", "strategies.yaml", "--journal", journal, "--no-journal")
        #expect(output.status == 0)
        #expect(!FileManager.default.fileExists(atPath: journal))
        #expect(!output.stdout.contains("journal "))
    }

    @Test func runAsJSONIsMachineReadable() throws {
        let output = try trellis("run", "strategies.yaml", "--json")
        #expect(output.status == 0)
        let object = try JSONSerialization.jsonObject(with: Data(output.stdout.utf8)) as? [String: Any]
        #expect((object?["fingerprint"] as? String)?.count == 64)
        #expect((object?["trades"] as? [Any])?.isEmpty == false)
    }

    @Test func validationErrorsGoToStandardErrorWithPositionsAndExitNonZero() throws {
        let scenario = Scenario()
        let graph = scenario.write(
            "broken.yaml",
            """
            trellis: 1
            feeds: { goog: { source: csv, path: \(Repository.path("data/GOOG.csv")) } }
            nodes:
              trend: { use: sma-cross, inputs: [gog], params: { fast: 0 } }
            """)
        let output = try trellis("validate", graph)
        #expect(output.status == 1)
        #expect(output.stdout.isEmpty)
        let lines = output.stderr.split(separator: "\n").map(String.init)
        #expect(lines.contains { $0.hasSuffix("broken.yaml:4:37: error: unknown input 'gog' of node 'trend'; did you mean 'goog'?") })
        #expect(lines.contains { $0.contains("broken.yaml:4:59: error: parameter 'fast' of node 'trend' must be at least 1, not 0") })
        #expect(lines.last == "2 errors")
    }

    @Test func validateSaysOkForAGoodGraph() throws {
        let output = try trellis("validate", "strategies.yaml")
        #expect(output.status == 0)
        #expect(output.stdout == "strategies.yaml: ok: 1 feeds, 2 nodes, 2148 market events\n")
    }

    @Test func aMissingGraphFileIsOneClearLine() throws {
        let output = try trellis("run", "no-such-graph.yaml")
        #expect(output.status == 1)
        #expect(output.stderr == "no-such-graph.yaml: error: cannot read the graph file; check the path\n")
    }

    @Test func pluginsInspectShowsTypesSchemaAndDigest() throws {
        let library = try PluginBuilds.cSMACross()
        let output = try trellis("plugins", "inspect", library)
        #expect(output.status == 0)
        #expect(output.stdout.contains("plugin       sma-cross-c 1.0.0"))
        #expect(output.stdout.contains("ABI          1.2 (this host speaks 1.2)"))
        #expect(output.stdout.contains("node type    sma-cross 1.0.0 (strategy)"))
        #expect(output.stdout.contains("fast       integer  10"))
        let digest = try #require(output.stdout.split(separator: "\n").first { $0.hasPrefix("sha256") })
        #expect(digest.hasSuffix(FileDigestForTests.sha256(library)))
    }

    @Test func pluginsInspectOfABrokenLibraryFailsWithOneLine() throws {
        let library = try PluginBuilds.c("Tests/Fixtures/plugins/fixture_plugin.c", defines: ["FIXTURE_ABI_MAJOR"])
        let output = try trellis("plugins", "inspect", library)
        #expect(output.status == 1)
        #expect(
            output.stderr
                == "error: cannot load plugin library \(library): it speaks ABI 2.0, this host speaks 1.2; rebuild the plugin against CTrellis.h 1.x\n")
    }

    @Test(arguments: [("FIXTURE_CRASH_IN_CREATE", "being created"), ("FIXTURE_CRASH_ON_EVENT", "handling an event")])
    func aCrashingPluginIsNamed(variant: String, phase: String) throws {
        let library = try PluginBuilds.c("Tests/Fixtures/plugins/fixture_plugin.c", defines: [variant])
        let scenario = Scenario()
        scenario.writeBars("bars.csv", closes: [1, 2, 3, 4, 5])
        let graph = scenario.write(
            "graph.yaml",
            """
            trellis: 1
            plugins: { load: [\(library)] }
            feeds: { bars: { source: csv, path: bars.csv } }
            nodes:
              crasher: { use: probe, inputs: [bars] }
            """)
        let output = try Shell.run([Repository.trellis, "run", graph, "--no-default-plugin-paths"], environment: ["SWIFT_BACKTRACE": "enable=no"])
        #expect(output.status != 0)
        #expect(
            output.stderr.contains(
                "trellis: the process crashed (segmentation fault) while node 'crasher' (plugin 'fixture', \(library)) was \(phase); the fault is in that plugin's code"
            ), "\(output.stderr)")
    }

    @Test func pluginsListFindsTheBuiltPlugins() throws {
        let output = try trellis("plugins", "list")
        #expect(output.status == 0)
        #expect(output.stdout.contains("sma-cross-swift"))
        #expect(output.stdout.contains("sma-cross (strategy)"))
    }

    @Test func graphDrawsDotAndMermaid() throws {
        let dot = try trellis("graph", "strategies.yaml")
        #expect(dot.stdout.hasPrefix("digraph trellis {"))
        #expect(dot.stdout.contains("\"goog\" -> \"trend\";"))
        let mermaid = try trellis("graph", "strategies.yaml", "--format", "mermaid")
        #expect(mermaid.stdout.hasPrefix("flowchart LR"))
        #expect(mermaid.stdout.contains("n_goog --> n_trend"))
    }

    @Test func schemaPrintsThePublishedFile() throws {
        let output = try trellis("schema")
        #expect(output.stdout == (try String(contentsOfFile: Repository.path("Host/TrellisHost/Graph/graph.schema.json"), encoding: .utf8)))
    }

    @Test func theBenchmarkHarnessRuns() throws {
        // Timings are the harness's business (docs/performance.md); this keeps it working.
        let output = try Shell.run([Repository.buildDirectory + "/trellis-bench", "ffi", "--calls", "1000"])
        #expect(output.status == 0, "\(output.stderr)")
        #expect(output.stdout.contains("scaled(float, float)") && output.stdout.contains("zscore(double[20], ...)"), "\(output.stdout)")
        let features = try Shell.run([Repository.buildDirectory + "/trellis-bench", "features", "--bars", "3000"])
        #expect(features.status == 0, "\(features.stderr)")
        #expect(
            features.stdout.contains("features: every indicator (43 values)") && features.stdout.contains("ffi: zscore(close[20]) from C"), "\(features.stdout)"
        )
        let json = Repository.temporaryDirectory("trellis-bench") + "/figures.json"
        let small = try Shell.run([Repository.buildDirectory + "/trellis-bench", "csv", "routing", "sma", "--bars", "3000", "--json", json])
        #expect(small.status == 0, "\(small.stderr)")
        for line in ["sma-cross in Rust", "regime + sma-cross + 2 risk nodes", "overhead per node", "M rows/s"] {
            #expect(small.stdout.contains(line), "\(small.stdout)")
        }
        let figures = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: json))) as? [[String: Any]]
        #expect(figures?.contains { $0["name"] as? String == "sma-cross in C" && $0["target"] as? Double == 10 } == true)
        let unknown = try Shell.run([Repository.buildDirectory + "/trellis-bench", "nope"])
        #expect(unknown.status == 2 && unknown.stderr.contains("no benchmark 'nope'; there is: csv, features, ffi, journal, memory, routing, sma, startup"))
    }

    /// The README's shadow example: a run, then its report in the terminal and as a page, read
    /// back from the journal.
    @Test func theShadowGridExampleRunsAndItsReportSaysWhatTheVerdictMeans() throws {
        let root = try Repository.exampleCopy("shadow-grid.yaml", data: ["EURUSD.csv"])
        let journal = root + "/journal.sqlite"
        let run = try Shell.run([Repository.trellis, "run", "examples/shadow-grid.yaml", "--journal", journal], in: root)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("shadow         grid-wide vs grid: "))
        let report = try Shell.run([Repository.trellis, "shadow", "report", "last", "--journal", journal, "--html", root + "/shadow.html"], in: root)
        #expect(report.status == 0, "\(report.stderr)")
        #expect(report.stdout.contains("grid-wide   champion    grid (levels 10)"))
        #expect(report.stdout.contains("challenger  grid-wide (levels 20)"))
        let meaning = try #require(report.stdout.split(separator: "\n").first { $0.hasPrefix("  what it means: ") })
        #expect(meaning.contains("grid-wide") && meaning.contains("grid") && meaning.hasSuffix("."))
        let page = try String(contentsOfFile: root + "/shadow.html", encoding: .utf8)
        for part in ["Equity of both sides", "challenger-line", "p-value at each look", "Verdict history", "How to read this", "What it meant"] {
            #expect(page.contains(part), "\(part)")
        }
        // A run without challengers says so, and fails.
        let plain = try Shell.run([Repository.trellis, "run", Repository.path("strategies.yaml"), "--journal", journal], in: root)
        #expect(plain.status == 0, "\(plain.stderr)")
        let none = try Shell.run([Repository.trellis, "shadow", "report", "last", "--journal", journal], in: root)
        #expect(none.status != 0 && none.stdout.contains("has no shadow challengers"))
    }
}

/// SHA-256 of a file by the system's sha256sum, independent of the host's own hashing.
enum FileDigestForTests {
    static func sha256(_ path: String) -> String {
        (try? Shell.run(["sha256sum", path]).stdout.split(separator: " ").first.map(String.init)) ?? "?"
    }

}
