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

    @Test func theCurrentHeaderOnlyAppendsToTheFrozenOne() throws {
        // 1.1 appended functions to trellis_risk_ext: every struct of 1.0 must still start with
        // its 1.0 fields, in order, and every constant keep its value (the minor version aside).
        let current = try Self.declarations(in: "SDK/CTrellis/include/CTrellis.h")
        let frozen = try Self.declarations(in: "Tests/Fixtures/abi/v1.0/CTrellis.h")
        for (name, fields) in frozen.structs {
            let now = try #require(current.structs[name], "struct \(name) is gone")
            #expect(Array(now.prefix(fields.count)) == fields, "struct \(name) changed its 1.0 fields")
        }
        for (name, value) in frozen.constants where name != "TRELLIS_ABI_MINOR" {
            #expect(current.constants[name] == value, "\(name) changed")
        }
        #expect(current.structs["trellis_risk_ext"]?.count == 6 && frozen.structs["trellis_risk_ext"]?.count == 4)
    }

    /// The field lines of each `typedef struct` and the value of each `#define` in a header.
    static func declarations(in path: String) throws -> (structs: [String: [String]], constants: [String: String]) {
        let text = try String(contentsOfFile: Repository.path(path), encoding: .utf8)
        var structs: [String: [String]] = [:], constants: [String: String] = [:]
        var open: (name: String, fields: [String], depth: Int)?
        for raw in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.hasPrefix("#define "), case let parts = line.split(separator: " ", maxSplits: 2), parts.count == 3 {
                constants[String(parts[1])] = String(parts[2].split(separator: "/")[0]).trimmingCharacters(in: .whitespaces)
            }
            if line.hasPrefix("typedef struct "), line.hasSuffix("{") {
                open = (String(line.split(separator: " ")[2]), [], 0)
                continue
            }
            guard var current = open else { continue }
            if line.hasPrefix("}") && current.depth == 0 {
                structs[current.name] = current.fields
                open = nil
                continue
            }
            guard !line.hasPrefix("*") else { continue }
            let code = (line.components(separatedBy: "/*").first ?? "").trimmingCharacters(in: .whitespaces)
            if code.hasSuffix(";") || code.hasSuffix("{") || code.hasPrefix("}") {
                if code.hasSuffix("{") { current.depth += 1 }
                if code.hasPrefix("}") { current.depth -= 1 }
                current.fields.append(code)
            }
            open = current
        }
        return (structs, constants)
    }

    @Test func aPluginBuiltAgainstTheFrozenHeaderLoadsAndRuns() throws {
        let library = try PluginBuilds.c("Plugins/sma-cross-c/sma_cross.c", includeDirectory: "Tests/Fixtures/abi/v1.0")
        let plugin = try PluginLoader.load(library)
        #expect(plugin.abiMajor == 1 && plugin.abiMinor == 0, "built against the frozen 1.0 header")
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
