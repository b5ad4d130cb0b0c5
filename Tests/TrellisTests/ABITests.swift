import Foundation
import Testing
import TrellisHost

/// The header is strict C11 and C++17; libraries export one symbol; the frozen 1.0 header keeps
/// working; structs grow both ways.
@Suite struct ABITests {
    @Test(arguments: [
        ["gcc", "-std=c11", "-x", "c"], ["clang", "-std=c11", "-x", "c"],
        ["g++", "-std=c++17", "-x", "c++", "-Wold-style-cast", "-Wzero-as-null-pointer-constant"],
    ])
    func headerCompilesStrictly(compiler: [String]) throws {
        for include in ["SDK/CTrellis/include", "Tests/Fixtures/abi/v1.0"] {
            let result = try Shell.run(
                compiler + [
                    "-Wall", "-Wextra", "-Werror", "-pedantic", "-I", Repository.path(include), "-fsyntax-only",
                    Repository.path("Tests/Fixtures/header_check.c"),
                ])
            #expect(result.status == 0, "\(compiler[0]) with \(include): \(result.stderr)")
        }
    }

    @Test func theFrozenHeaderIsStillTheCurrentOnesPrefix() throws {
        // 1.0 is the only release so far: the frozen copy must equal the header. When 1.1 adds
        // fields, this test changes to "plugins built against the frozen copy still load".
        let current = try String(contentsOfFile: Repository.path("SDK/CTrellis/include/CTrellis.h"), encoding: .utf8)
        let frozen = try String(contentsOfFile: Repository.path("Tests/Fixtures/abi/v1.0/CTrellis.h"), encoding: .utf8)
        #expect(current == frozen)
    }

    @Test func aPluginBuiltAgainstTheFrozenHeaderLoadsAndRuns() throws {
        let library = try PluginBuilds.c("Plugins/sma-cross-c/sma_cross.c", includeDirectory: "Tests/Fixtures/abi/v1.0")
        let plugin = try PluginLoader.load(library)
        #expect(plugin.abiMajor == 1 && plugin.abiMinor == 0)
        let result = try NeutralityTests.runSMACross(library: library, type: "sma-cross-c/sma-cross")
        #expect(result.trades.count > 10)
    }

    /// Exported, defined symbols that are not Swift's (mangled `$s…`) or the linker's own.
    static func exportedCSymbols(_ library: String) throws -> [String] {
        let output = try Shell.run(["nm", "-D", "--defined-only", library])
        #expect(output.status == 0, "\(output.stderr)")
        let linker: Set<String> = ["__bss_start", "_edata", "_end", "_init", "_fini"]
        return output.stdout.split(separator: "\n").compactMap { $0.split(separator: " ").last.map(String.init) }
            .filter { !$0.hasPrefix("$s") && !linker.contains($0) }
    }

    @Test func eachPluginExportsExactlyItsEntry() throws {
        for library in [try PluginBuilds.cSMACross(), try PluginBuilds.rustSMACross(), Repository.swiftSMACross] {
            #expect(try Self.exportedCSymbols(library) == ["trellis_plugin_entry"], "\(library)")
        }
    }

    @Test func aPluginThatKnowsAShorterHostTableWorks() throws {
        let scenario = Scenario()
        scenario.writeBars("bars.csv", closes: [10, 11, 12, 13, 14])
        let result = try scenario.run(
            """
            trellis: 1
            plugins: { load: [\(try PluginBuilds.c("Tests/Fixtures/plugins/old_host_plugin.c"))] }
            feeds: { bars: { source: csv, path: bars.csv } }
            nodes:
              old: { use: old-host, inputs: [bars] }
            """, plugins: [])
        #expect(result.trades.count == 1)
        #expect(result.trades.first?.entryPrice == 10)  // bought at the second bar's open (the first close)
    }

    @Test func theHostReadsANodeTableShorterThanItKnows() throws {
        let library = try PluginBuilds.c("Tests/Fixtures/plugins/fixture_plugin.c", defines: ["FIXTURE_SHORT_METHODS"])
        let scenario = Scenario()
        scenario.writeBars("bars.csv", closes: [10, 11, 12, 13, 14, 15, 16, 17])
        // get_extension lies beyond the table's struct_size and aborts if called.
        let result = try scenario.run(
            """
            trellis: 1
            plugins: { load: [\(library)] }
            feeds: { bars: { source: csv, path: bars.csv } }
            nodes:
              probe: { use: probe, inputs: [bars], params: { buy_at: 1, sell_at: 3 } }
            """, plugins: [])
        #expect(result.trades.count == 1)
        #expect(result.nodes.first?.warmupBars == nil)
    }

    @Test func extensionsAreFoundByIdAndUnknownIdsGiveNull() throws {
        // Node side: the host finds each plugin's warm-up extension by its id.
        for (library, type) in [
            (try PluginBuilds.cSMACross(), "sma-cross-c/sma-cross"), (Repository.swiftSMACross, "sma-cross-swift/sma-cross"),
            (try PluginBuilds.rustSMACross(), "sma-cross-rust/sma-cross"),
        ] {
            let result = try NeutralityTests.runSMACross(library: library, type: type)
            #expect(result.nodes.first?.warmupBars == 21, "\(type)")
        }
        // Host side, seen from a C plugin: known ids give the extension, unknown ones NULL.
        let scenario = Scenario()
        scenario.writeBars("bars.csv", closes: [1, 2, 3])
        let result = try scenario.run(
            """
            trellis: 1
            plugins: { load: [\(try PluginBuilds.c("Tests/Fixtures/plugins/fixture_plugin.c"))] }
            feeds: { bars: { source: csv, path: bars.csv } }
            nodes:
              probe: { use: probe, inputs: [bars], params: { check_extensions: true } }
            """, plugins: [])
        #expect(result.nodes.first?.eventsDelivered ?? 0 >= 3)
    }
}
