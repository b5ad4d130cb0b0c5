import Foundation
import Synchronization
import Testing
import TrellisHost

/// Plugins that misbehave cannot stop, fool or hang the host (issue: fail closed on every input):
/// each run is the hostile C plugin doing one thing wrong, through the `trellis` command, and the
/// run ends with a clear message, a non-zero status, and a status of 128 or more only where the
/// plugin itself crashed, with a banner naming it.
@Suite struct FailClosedPluginTests {
    /// The banner's naming of the hostile node.
    static let named = "node 'bad' (plugin 'hostile', "

    @Test func aPluginThatCallsExitEndsTheRunNonZeroNamingTheNode() throws {
        let output = try Hostile.trellis(["run", "GRAPH"], graph: try Hostile.graph(params: "mode: exit"))
        #expect(output.shellStatus == 70, "\(output.stderr)")
        #expect(output.stderr.contains(Self.named) && output.stderr.contains("called exit() while handling an event"), "\(output.stderr)")
        #expect(!output.stdout.contains("fingerprint"), "no summary of a run that did not finish")
    }

    /// A library whose entry point calls exit() while it is loaded: status 70, named.
    @Test func aLibraryThatExitsWhileLoadingIsNamed() throws {
        let library = try PluginBuilds.c("Tests/Fixtures/plugins/fixture_plugin.c", defines: ["FIXTURE_EXIT_IN_ENTRY"])
        let output = try Shell.run([Repository.trellis, "plugins", "inspect", library], timeout: .seconds(60))
        #expect(output.status == 70, "\(output.status) \(output.stderr)")
        #expect(output.stderr.contains("the plugin library \(library) called exit() while being loaded"), "\(output.stderr)")
    }

    @Test func emitFromAThreadOfThePluginsOwnIsRefusedAndRunsStayDeterministic() throws {
        var fingerprints: Set<String> = []
        for _ in 0..<3 {
            let output = try Hostile.trellis(["run", "GRAPH", "--no-journal"], graph: try Hostile.graph(params: "mode: thread-emit"), bars: 2148)
            #expect(output.status == 0, "\(output.stderr)")
            #expect(output.stderr.contains("refused an emit from a thread that is not the engine's"), "\(output.stderr)")
            #expect(!output.stderr.contains("the host accepted an emit from another thread"), "\(output.stderr)")
            if let line = output.stdout.split(separator: "\n").first(where: { $0.hasPrefix("fingerprint") }) { fingerprints.insert(String(line)) }
        }
        #expect(fingerprints.count == 1, "three runs, one fingerprint: \(fingerprints)")
    }

    @Test func aHungPluginIsEndedByTheWatchdogNamingTheNodeAndPhase() throws {
        let started = ContinuousClock.now
        let output = try Hostile.trellis(
            ["run", "GRAPH"], graph: try Hostile.graph(params: "mode: hang", extra: "limits: { max_callback_seconds: 1 }"), timeout: .seconds(30))
        let elapsed = ContinuousClock.now - started
        #expect(!output.timedOut && output.shellStatus == 70, "\(output.status) \(output.stderr)")
        #expect(output.stderr.contains(Self.named) && output.stderr.contains("has been handling an event for"), "\(output.stderr)")
        #expect(output.stderr.contains("limits.max_callback_seconds: 1"), "\(output.stderr)")
        #expect(elapsed < .seconds(10), "the budget is a second: \(elapsed)")
    }

    @Test func trellisKillStopsARunWhosePluginHangs() throws {
        let scenario = Scenario()
        try Hostile.writeGOOG(scenario)
        let graph = scenario.write("graph.yaml", try Hostile.graph(params: "mode: hang"))
        let journal = scenario.directory + "/journal.sqlite"
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Repository.trellis)
        process.arguments = ["run", graph, "--journal", journal]
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = Pipe()
        try process.run()
        defer { if process.isRunning { process.terminate() } }
        let started = ContinuousClock.now
        // The run is listed while it goes on; then it hangs on its third bar.
        while RunRegistry.running(in: scenario.directory).isEmpty, ContinuousClock.now - started < .seconds(20) { usleep(20_000) }
        let running = RunRegistry.running(in: scenario.directory)
        try #require(running.count == 1, "the run is listed: \(running)")
        usleep(300_000)
        let kill = try Shell.run([Repository.trellis, "kill", running[0].id, "--journal", journal], timeout: .seconds(20))
        #expect(kill.status == 0, "\(kill.stderr)")
        while process.isRunning, ContinuousClock.now - started < .seconds(20) { usleep(20_000) }
        #expect(!process.isRunning, "the hung run ends after the kill, well before the 30 s budget")
        let text = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(process.terminationStatus == 70, "\(text)")
        #expect(text.contains(Self.named) && text.contains("did not return when 'trellis kill' asked the run to halt"), "\(text)")
    }

    @Test func aFatalSignalInActivateEndsTheRunBySignalWithTheBanner() throws {
        let output = try Hostile.trellis(["run", "GRAPH"], graph: try Hostile.graph(params: "mode: segv-activate"))
        #expect(output.signaled && output.status == SIGSEGV, "status \(output.shellStatus): \(output.stderr.prefix(600))")
        #expect(output.stderr.contains("the process crashed (segmentation fault) while " + Self.named), "\(output.stderr.prefix(600))")
        #expect(output.stderr.contains("was being activated"))
    }

    @Test func aStackOverflowInAPluginIsNamedToo() throws {
        let output = try Hostile.trellis(["run", "GRAPH"], graph: try Hostile.graph(params: "mode: stack-overflow"))
        #expect(output.signaled && output.status == SIGSEGV, "status \(output.shellStatus)")
        #expect(
            output.stderr.contains(Self.named) && output.stderr.contains("was handling an event; the fault is in that plugin's code"),
            "\(output.stderr.prefix(600))")
    }

    /// Emission is linear: ten times the orders from one callback take about ten times as long
    /// (they took 86 times as long with the quadratic venue), and the per-callback cap refuses
    /// the excess with a logged problem.
    @Test func emissionPerCallbackIsLinearAndCapped() throws {
        func seconds(_ count: Int) throws -> Double {
            let started = ContinuousClock.now
            let output = try Hostile.trellis(
                ["run", "GRAPH", "--no-journal"],
                graph: try Hostile.graph(
                    params: "mode: flood, count: \(count), quantity: 1", extra: "limits: { max_events_per_callback: 1000000 }\nvenue: { cash: 1000000000 }"),
                timeout: .seconds(120))
            #expect(output.status == 0, "\(output.stderr)")
            #expect(
                output.stdout.contains("\(NumberFormat.grouped(Double(count), decimals: 0)) fills") || output.stdout.contains("\(count) fills"),
                "\(output.stdout.suffix(300))")
            let elapsed = ContinuousClock.now - started
            return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        }
        let small = try seconds(20_000), large = try seconds(200_000)
        print("flood: 20,000 orders from one callback in \(small) s, 200,000 in \(large) s")
        #expect(large < 10, "200,000 orders in \(large) s")
        #expect(large < max(small, 0.05) * 30, "10x the orders took \(large / small)x as long")
        let capped = try Hostile.trellis(
            ["run", "GRAPH", "--no-journal"], graph: try Hostile.graph(params: "mode: flood, count: 20000, quantity: 1", extra: "venue: { cash: 1000000000 }"))
        #expect(capped.status == 0, "\(capped.stderr)")
        #expect(capped.stderr.contains("emitted more than 10000 events in one callback; the rest of them are refused (limits.max_events_per_callback)"))
        #expect(capped.stdout.contains("10000 fills"), "\(capped.stdout.suffix(300))")
    }

    @Test func aPluginThatWritesPastItsErrorBufferIsRefusedOrNamed() throws {
        let refused = try Hostile.trellis(["run", "GRAPH"], graph: try Hostile.graph(params: "mode: overrun, count: 10000"))
        #expect(refused.status == 1, "\(refused.stderr)")
        #expect(refused.stderr.contains("create wrote past the end of its 512-byte error buffer; the plugin is refused"), "\(refused.stderr)")
        // Far past the canary: the page after it faults at once, inside the plugin's create.
        let crashed = try Hostile.trellis(["run", "GRAPH"], graph: try Hostile.graph(params: "mode: overrun, count: 1000000"))
        #expect(crashed.signaled, "status \(crashed.shellStatus)")
        #expect(crashed.stderr.contains(Self.named) && crashed.stderr.contains("was being created"), "\(crashed.stderr.prefix(600))")
    }

    @Test func whatPluginsLogReachesTheTerminalEscapedAndCut() throws {
        let output = try Hostile.trellis(["run", "GRAPH", "--no-journal"], graph: try Hostile.graph(params: "mode: noisy-log, count: 50000"))
        #expect(output.status == 0, "\(output.stderr)")
        #expect(!output.stderr.unicodeScalars.contains { $0 == "\u{1B}" || $0 == "\u{7}" || $0 == "\r" }, "no raw control characters")
        let line = try #require(output.stderr.split(separator: "\n").first { $0.contains("red") })
        #expect(line.contains("\\u{1B}[2J") && line.contains("more characters)"), "\(line.prefix(200))")
        #expect(line.count < 2_200)
    }

    /// Two graphs in one process, on two threads: a crash in the first is reported with its own
    /// node, not the node of the engine created last. The crash happens in a child test process.
    @Test func theCrashReporterNamesTheNodeOfTheEngineThatCrashed() throws {
        let output = try Shell.run(
            [CommandLine.arguments[0], "--testing-library", "swift-testing", "--filter", "twoEnginesCrashChild"],
            environment: ["TRELLIS_CRASH_CHILD": "1", "SWIFT_BACKTRACE": "enable=no"], timeout: .seconds(120))
        #expect(output.signaled, "status \(output.shellStatus): \(output.stdout.suffix(400)) \(output.stderr.suffix(400))")
        #expect(output.stderr.contains("while node 'first' (plugin 'hostile', "), "\(output.stderr.suffix(800))")
        #expect(!output.stderr.contains("node 'second'"))
    }

    /// The child of the test above: it does nothing unless TRELLIS_CRASH_CHILD is set.
    @Test func twoEnginesCrashChild() throws {
        guard ProcessInfo.processInfo.environment["TRELLIS_CRASH_CHILD"] == "1" else { return }
        let scenario = Scenario()
        try Hostile.writeGOOG(scenario)
        let library = try Hostile.library()
        func prepare(_ name: String, _ mode: String) throws -> Backtest {
            let path = scenario.write(
                "\(name).yaml",
                """
                trellis: 1
                plugins: { load: [\(library)] }
                feeds: { goog: { source: csv, path: goog.csv, symbol: GOOG } }
                nodes:
                  \(name): { use: hostile, inputs: [goog], params: { mode: \(mode) } }
                """)
            return try Backtest.prepare(graphAt: path, options: .init(includeDefaultPluginPaths: false))
        }
        nonisolated(unsafe) let first = try prepare("first", "stack-overflow")
        nonisolated(unsafe) let second = try prepare("second", "order")
        let done = Mutex(false)
        let thread = Thread {
            _ = try? second.run()
            done.withLock { $0 = true }
        }
        thread.start()
        let started = ContinuousClock.now
        while !done.withLock({ $0 }), ContinuousClock.now - started < .seconds(20) { usleep(1_000) }
        _ = try first.run()
        Issue.record("the first run should have crashed")
    }
}
