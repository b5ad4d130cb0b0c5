import CoreFoundation
import Foundation
import GRDB
import Testing
import TrellisHost

/// YAML, files and plugin libraries that would fool or stop the host are refused with a message
/// that says where and what to do (issue: fail closed on every input).
@Suite struct FailClosedInputTests {
    private static let smaGraph = """
        trellis: 1
        feeds: { goog: { source: csv, path: goog.csv, symbol: GOOG } }
        nodes: { trend: { use: sma-cross, inputs: [goog] } }
        """

    /// A billion laughs: refused at the first anchor, at once; before, it ran for 30 s and 6 GB.
    @Test func anchorsAndAliasesAreRefusedBeforeAnythingIsExpanded() throws {
        var lines = ["trellis: 1", "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]"]
        let names = ["a", "b", "c", "d", "e", "f", "g", "h", "i", "j"]
        for (previous, name) in zip(names, names.dropFirst()) {
            lines.append("\(name): &\(name) [" + Array(repeating: "*\(previous)", count: 9).joined(separator: ",") + "]")
        }
        lines.append("nodes: { x: { use: sma-cross, params: { fast: *j } } }")
        let started = ContinuousClock.now
        let output = try Hostile.trellis(["validate", "GRAPH"], graph: lines.joined(separator: "\n"), timeout: .seconds(20))
        #expect(ContinuousClock.now - started < .seconds(5))
        #expect(output.status == 1 && !output.timedOut, "\(output.stderr)")
        #expect(output.stderr.contains("graph.yaml:2:4: error: YAML anchors (&name) and aliases (*name) are not supported"), "\(output.stderr)")
        // An alias that made two feeds the same is refused the same way.
        let twins = try Hostile.trellis(
            ["validate", "GRAPH"],
            graph: """
                trellis: 1
                feeds:
                  a: &feed { source: csv, path: goog.csv, symbol: GOOG }
                  b: *feed
                nodes: { trend: { use: sma-cross, inputs: [a, b] } }
                """)
        #expect(twins.status == 1 && twins.stderr.contains("graph.yaml:3:6: error: YAML anchors"), "\(twins.stderr)")
    }

    /// Two feeds of one symbol on one venue would interleave two price streams of one instrument
    /// (and fill on the other file's prices).
    @Test func twoFeedsOfOneSymbolAreRefused() throws {
        let output = try Hostile.trellis(
            ["validate", "GRAPH"],
            graph: """
                trellis: 1
                feeds:
                  a: { source: csv, path: goog.csv, symbol: GOOG }
                  b: { source: csv, path: goog.csv, symbol: GOOG }
                nodes: { trend: { use: sma-cross, inputs: [a] } }
                """)
        #expect(output.status == 1)
        #expect(output.stderr.contains("graph.yaml:4:3: error: feeds 'a' (line 3) and 'b' both carry symbol 'GOOG'"), "\(output.stderr)")
    }

    /// `--html` (and every file the tool writes) goes only to a regular file or a new path: a
    /// device, a FIFO or a link is refused and left as it was.
    @Test func reportsAreWrittenOnlyToRegularFilesOrNewPaths() throws {
        let scenario = Scenario()
        let journal = scenario.directory + "/journal.sqlite"
        let run = try Hostile.trellis(["run", "GRAPH", "--journal", journal], graph: Self.smaGraph, scenario: scenario)
        try #require(run.status == 0, "\(run.stderr)")
        let target = scenario.write("precious.txt", "keep me")
        let link = scenario.directory + "/link.html"
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: target)
        let fifo = scenario.directory + "/fifo.html"
        #expect(mkfifo(fifo, 0o644) == 0)
        for (path, what) in [(link, "a symbolic link"), (fifo, "a FIFO"), ("/dev/null", "a character device"), (scenario.directory, "a directory")] {
            for command in [["report", "last", "--html", path], ["shadow", "report", "last", "--html", path]] {
                let output = try Shell.run([Repository.trellis] + command + ["--journal", journal], timeout: .seconds(30))
                #expect(output.status == 1 && !output.timedOut, "\(command)")
                if command[0] == "report" { #expect(output.stderr.contains("\(path) is \(what), not a regular file"), "\(output.stderr)") }
            }
        }
        #expect(try String(contentsOfFile: target, encoding: .utf8) == "keep me")
        var info = stat()
        #expect(lstat("/dev/null", &info) == 0 && info.st_mode & S_IFMT == S_IFCHR, "/dev/null is still a device")
        let fresh = scenario.directory + "/fresh.html"
        let written = try Shell.run([Repository.trellis, "report", "last", "--html", fresh, "--journal", journal])
        #expect(written.status == 0 && FileManager.default.fileExists(atPath: fresh), "\(written.stderr)")
        // A feature CSV node writes through the same rule.
        let csv = Scenario()
        try Hostile.writeGOOG(csv)
        let csvProblems = csv.problems(
            """
            trellis: 1
            feeds: { goog: { source: csv, path: goog.csv } }
            nodes: { out: { use: feature-csv, inputs: [goog], params: { path: /dev/null } } }
            """)
        #expect(csvProblems.contains { $0.message.contains("/dev/null is a character device, not a regular file") }, "\(csvProblems)")
    }

    /// A feed file truncated while it is read: a message and status 1, not a bus error.
    @Test func aFeedFileTruncatedWhileItIsReadIsSaidSo() throws {
        let scenario = Scenario()
        let path = scenario.directory + "/big.csv"
        let tile = try Shell.run([Repository.buildDirectory + "/trellis-bench", "tile", "3000000", path], timeout: .seconds(120))
        try #require(tile.status == 0, "\(tile.stderr)")
        let graph = scenario.write(
            "graph.yaml",
            """
            trellis: 1
            feeds: { b: { source: csv, path: big.csv, symbol: B } }
            nodes: { t: { use: sma-cross, inputs: [b] } }
            """)
        var outcome: Shell.Output?
        for delay in [60_000, 20_000, 120_000, 5_000] as [UInt32] {
            let copy = scenario.directory + "/victim.csv"
            try? FileManager.default.removeItem(atPath: copy)
            try FileManager.default.copyItem(atPath: path, toPath: copy)
            try scenario.write("graph.yaml", String(contentsOfFile: graph, encoding: .utf8).replacingOccurrences(of: "big.csv", with: "victim.csv"))
            let process = Process()
            process.executableURL = URL(fileURLWithPath: Repository.trellis)
            process.arguments = ["run", graph, "--no-journal"]
            process.environment = ["SWIFT_BACKTRACE": "enable=no", "PATH": "/usr/bin:/bin"]
            let errors = Pipe()
            process.standardError = errors
            process.standardOutput = FileHandle.nullDevice
            try process.run()
            usleep(delay)
            truncate(copy, 100)
            let text = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            process.waitUntilExit()
            let output = Shell.Output(
                status: process.terminationStatus, stdout: "", stderr: text, signaled: process.terminationReason == .uncaughtSignal)
            #expect(!output.signaled, "never a bus error: \(output.shellStatus) \(text.suffix(300))")
            if output.stderr.contains("changed while it was being read") {
                outcome = output
                break
            }
        }
        let output = try #require(outcome, "one of the tries truncated the file while it was read")
        #expect(output.status == 1)
        #expect(output.stderr.contains("victim.csv changed while it was being read (it was truncated or rewritten); run again once it is complete"))
    }

    /// A journal that cannot take the run is found before the run, with what to do; a damaged one
    /// is named with the way out.
    @Test func aReadOnlyOrDamagedJournalIsFoundBeforeTheRun() throws {
        let scenario = Scenario()
        let journal = scenario.directory + "/journal.sqlite"
        _ = try Hostile.trellis(["run", "GRAPH", "--journal", journal], graph: Self.smaGraph, scenario: scenario)
        let graph = scenario.directory + "/graph.yaml"
        // Read-only for the user running trellis (root writes anyway, so run as nobody then).
        chmod(journal, 0o444)
        chmod(scenario.directory, 0o755)
        // A copy of the command, so the repository's folders need not be open to that user.
        let trellis = scenario.directory + "/trellis"
        try FileManager.default.copyItem(atPath: Repository.trellis, toPath: trellis)
        for plugin in ["libTrellisSMACross.so"] {
            try FileManager.default.copyItem(atPath: Repository.buildDirectory + "/" + plugin, toPath: scenario.directory + "/" + plugin)
        }
        let asUser = getuid() == 0 ? ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"] : []
        let readOnly = try Shell.run(asUser + [trellis, "run", graph, "--journal", journal], in: "/", timeout: .seconds(60))
        #expect(readOnly.status == 1, "\(readOnly.stderr)")
        #expect(readOnly.stderr.contains("the journal is read-only") || readOnly.stderr.contains("cannot be opened"), "\(readOnly.stderr)")
        #expect(readOnly.stdout.isEmpty, "nothing ran: \(readOnly.stdout)")
        #expect(!readOnly.stderr.contains("GRDB"), "\(readOnly.stderr)")
        let damaged = scenario.write("damaged.sqlite", String(repeating: "not a database ", count: 200))
        let output = try Shell.run([Repository.trellis, "run", graph, "--journal", damaged], timeout: .seconds(60))
        #expect(output.status == 1)
        #expect(
            output.stderr.contains("cannot open the journal \(damaged): the file is not a Trellis journal or is damaged: move it aside (mv "),
            "\(output.stderr)")
        let report = try Shell.run([Repository.trellis, "report", "--list", "--journal", damaged], timeout: .seconds(60))
        #expect(report.status == 1 && report.stderr.contains("move it aside"), "\(report.stderr)")
    }

    /// A search path with the system's libraries: only `lib*.so` files that export the entry
    /// point are opened, so none of the system's start-up code runs.
    @Test func aSystemFolderOnTheSearchPathOpensNoLibrary() throws {
        // A library that is not a plugin, whose start-up code would leave a marker if it ran.
        let directory = Repository.temporaryDirectory("trellis-not-plugins")
        let marker = directory + "/constructor-ran"
        let library = try PluginBuilds.c("Tests/Fixtures/plugins/fixture_plugin.c", defines: ["FIXTURE_NO_ENTRY", "FIXTURE_CONSTRUCTOR_MARKER"])
        try FileManager.default.copyItem(atPath: library, toPath: directory + "/libnotaplugin.so")
        let listed = try Shell.run([Repository.trellis, "plugins", "list", "--path", directory], environment: ["TRELLIS_FIXTURE_MARKER": marker])
        let ignoredByDefault = try Self.ignoredByDefault()
        #expect(listed.status == 0 && Self.ignored(listed.stdout) == ignoredByDefault + 1, "\(listed.stdout)")
        #expect(!FileManager.default.fileExists(atPath: marker), "the library's start-up code never ran")
        // The system's own folder: nothing in it is a plugin, and nothing is loaded or breaks.
        let system = ["/usr/lib/x86_64-linux-gnu", "/usr/lib/aarch64-linux-gnu", "/usr/lib64", "/usr/lib"].first {
            FileManager.default.fileExists(atPath: $0 + "/libc.so.6")
        }
        let output = try Shell.run([Repository.trellis, "plugins", "list", "--path", try #require(system)], timeout: .seconds(60))
        #expect(output.status == 0 && !output.signaled, "\(output.shellStatus) \(output.stderr.prefix(300))")
        #expect(output.stdout.contains("ignored:") && !output.stdout.contains("skipped:"), "\(output.stdout.suffix(300))")
    }

    /// A malformed library named like a plugin (section offsets past its end) and a FIFO named
    /// like one neither trap nor hold the host: they are skipped.
    @Test func malformedLibrariesOnTheSearchPathAreSkipped() throws {
        let directory = Repository.temporaryDirectory("trellis-malformed")
        var header = [UInt8](repeating: 0, count: 128)
        header.replaceSubrange(0..<6, with: [0x7f, 0x45, 0x4c, 0x46, 2, 1])
        // The section table at Int64.max: adding an offset to it overflows.
        for offset in 0x28..<0x2f { header[offset] = 0xff }
        for (offset, byte) in [(0x2f, 0x7f), (0x3a, 0x40), (0x3c, 0xff), (0x3d, 0xff)] { header[offset] = UInt8(byte) }
        _ = FileManager.default.createFile(atPath: directory + "/libmalformed.so", contents: Data(header))
        #expect(mkfifo(directory + "/libfifo.so", 0o644) == 0)
        let output = try Shell.run([Repository.trellis, "plugins", "list", "--path", directory], timeout: .seconds(60))
        #expect(output.status == 0 && !output.signaled && !output.timedOut, "\(output.shellStatus) \(output.stderr)")
        let ignoredByDefault = try Self.ignoredByDefault()
        #expect(Self.ignored(output.stdout) == ignoredByDefault + 2, "\(output.stdout)")
    }

    /// The count in `plugins list`'s "ignored: N shared libraries" line (0 without one).
    static func ignored(_ listing: String) -> Int {
        guard let line = listing.split(separator: "\n").first(where: { $0.hasPrefix("ignored: ") }) else { return 0 }
        return Int(line.dropFirst("ignored: ".count).prefix { $0.isNumber }) ?? 0
    }

    /// Libraries that are not plugins on the default search path (next to the executable, where
    /// the build may leave a dependency's dynamic library).
    static func ignoredByDefault() throws -> Int {
        ignored(try Shell.run([Repository.trellis, "plugins", "list"]).stdout)
    }

    /// A pinned plugin is checked before any of its code runs: a library whose hash is not the
    /// pin is never opened by the dynamic loader (its constructor would leave a file).
    @Test func aPinnedLibraryIsVerifiedBeforeAnyOfItsCodeRuns() throws {
        let scenario = Scenario()
        let marker = scenario.directory + "/constructor-ran"
        let library = try PluginBuilds.c("Tests/Fixtures/plugins/fixture_plugin.c", defines: ["FIXTURE_CONSTRUCTOR_MARKER"])
        try Hostile.writeGOOG(scenario)
        // Validates a graph that loads the library with `pin`, with the marker's path set.
        func validate(pin: String) throws -> Shell.Output {
            let graph = scenario.write(
                "graph.yaml",
                """
                trellis: 1
                plugins: { load: [\(library)], pins: { fixture: "\(pin)" } }
                feeds: { goog: { source: csv, path: goog.csv } }
                nodes: { probe: { use: probe, inputs: [goog] } }
                """)
            return try Shell.run([Repository.trellis, "validate", graph], environment: ["TRELLIS_FIXTURE_MARKER": marker])
        }
        let output = try validate(pin: "sha256:" + String(repeating: "1", count: 64))
        #expect(output.status == 1)
        #expect(output.stderr.contains("graph.yaml:2:") && output.stderr.contains("error: pin mismatch"), "\(output.stderr)")
        #expect(!FileManager.default.fileExists(atPath: marker), "the library's constructor never ran")
        // With the right pin it loads (and its constructor runs, as a loaded library's does).
        let good = try validate(pin: "sha256:" + (try PluginFile.open(library).sha256))
        #expect(good.status == 0, "\(good.stderr)")
        #expect(FileManager.default.fileExists(atPath: marker))
    }

    /// A library rebuilt at the path a process already loaded is not silently the old one.
    @Test func aLibraryThatChangedSinceItWasLoadedIsSaidSo() throws {
        let directory = Repository.temporaryDirectory("trellis-rebuilt")
        let path = directory + "/librebuilt.so"
        try FileManager.default.copyItem(atPath: try PluginBuilds.c("Tests/Fixtures/plugins/fixture_plugin.c"), toPath: path)
        let first = try PluginLoader.load(path)
        #expect(first.changeWarning == nil)
        try FileManager.default.removeItem(atPath: path)
        try FileManager.default.copyItem(
            atPath: try PluginBuilds.c("Tests/Fixtures/plugins/fixture_plugin.c", defines: ["FIXTURE_CONSTRUCTOR_MARKER"]), toPath: path)
        let second = try PluginLoader.load(path)
        let warning = try #require(second.changeWarning)
        #expect(warning.contains("changed on disk since this process loaded it") && warning.contains("start a new process"), "\(warning)")
    }
}
