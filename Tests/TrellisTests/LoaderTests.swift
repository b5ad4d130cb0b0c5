import Foundation
import Testing
import TrellisHost

/// Every way a plugin library can be broken gives one clear line naming the file, the plugin and
/// the reason, and the host carries on.
@Suite struct LoaderTests {
    private func failure(loading path: String) -> PluginLoadError? {
        do {
            _ = try PluginLoader.load(path)
            return nil
        } catch {
            return error
        }
    }

    private func fixture(_ variant: String? = nil) throws -> String {
        try PluginBuilds.c("Tests/Fixtures/plugins/fixture_plugin.c", defines: variant.map { [$0] } ?? [])
    }

    @Test func aGoodPluginLoadsAndDescribesItself() throws {
        let plugin = try PluginLoader.load(try fixture())
        #expect(plugin.id == "fixture")
        #expect(plugin.abiMajor == 1 && plugin.abiMinor == 0)
        #expect(plugin.nodeTypes.map(\.name) == ["probe"])
        #expect(plugin.nodeTypes[0].kind == .strategy)
        #expect(plugin.sha256.count == 64)
    }

    @Test func missingFile() throws {
        let error = try #require(failure(loading: "/nonexistent/libnothing.so"))
        #expect(error.code == .fileMissing)
        #expect(error.description == "cannot load plugin library /nonexistent/libnothing.so: file not found; build the plugin or fix the path")
    }

    @Test func notASharedLibrary() throws {
        let path = Scenario().write("libtext.so", "this is not a library\n")
        let error = try #require(failure(loading: path))
        #expect(error.code == .notSharedLibrary)
        #expect(error.description.contains("libtext.so"))
        #expect(error.description.contains("not a shared library"))
    }

    @Test func elfThatIsNotLoadable() throws {
        let object = Scenario().directory + "/libobject.so"
        let compile = try Shell.run([
            "gcc", "-c", "-o", object, Repository.path("Tests/Fixtures/plugins/fixture_plugin.c"), "-I", Repository.path("SDK/CTrellis/include"),
        ])
        #expect(compile.status == 0)
        let error = try #require(failure(loading: object))
        #expect(error.code == .notSharedLibrary)
        #expect(error.description.contains("not a 64-bit little-endian shared library with a dynamic symbol table"), "\(error)")
    }

    @Test func noEntrySymbol() throws {
        let error = try #require(failure(loading: try fixture("FIXTURE_NO_ENTRY")))
        #expect(error.code == .noEntrySymbol)
        #expect(error.description.contains("no entry point 'trellis_plugin_entry' (it exports trellis_not_the_entry)"))
    }

    @Test func extraExportsAreNamedInAWarning() throws {
        let hidden = try PluginLoader.load(try fixture())
        #expect(hidden.otherExports.isEmpty && hidden.exportWarning == nil)
        let visible = try PluginLoader.load(try PluginBuilds.c("Tests/Fixtures/plugins/fixture_plugin.c", hidden: false))
        #expect(visible.otherExports.isEmpty, "only static functions besides the entry")
        let careless = try PluginLoader.load(try PluginBuilds.c("Tests/Fixtures/plugins/old_host_plugin.c", defines: ["OLD_HOST_EXPORT_HELPER"], hidden: false))
        #expect(careless.otherExports == ["send_order"])
        #expect(careless.exportWarning?.contains("exports 1 C symbol(s) besides its entry: send_order; build it with -fvisibility=hidden") == true)
    }

    @Test func pluginDeclines() throws {
        let error = try #require(failure(loading: try fixture("FIXTURE_DECLINE")))
        #expect(error.code == .declined)
        #expect(error.description.contains("declined this host (ABI 1.2)"))
    }

    @Test func abiMajorMismatch() throws {
        let error = try #require(failure(loading: try fixture("FIXTURE_ABI_MAJOR")))
        #expect(error.code == .abiMismatch)
        #expect(error.description.contains("it speaks ABI 2.0, this host speaks 1.2"))
    }

    @Test func descriptorTooSmall() throws {
        let error = try #require(failure(loading: try fixture("FIXTURE_SMALL_DESCRIPTOR")))
        #expect(error.code == .structTooSmall)
        #expect(error.description.contains("plugin descriptor (trellis_plugin) is 40 bytes; ABI 1.0 needs at least 72"))
    }

    @Test func methodsTableTooSmall() throws {
        let error = try #require(failure(loading: try fixture("FIXTURE_SMALL_METHODS")))
        #expect(error.code == .structTooSmall)
        #expect(error.plugin == "fixture")
        #expect(error.description.contains("methods table (trellis_node_methods) is 24 bytes; ABI 1.0 needs at least 40"))
    }

    @Test func nullFactory() throws {
        let error = try #require(failure(loading: try fixture("FIXTURE_NULL_FACTORY")))
        #expect(error.code == .nullFactory)
        #expect(error.description.hasPrefix("cannot load plugin 'fixture' ("))
        #expect(error.description.contains("get_factory(0) returned NULL"))
    }

    @Test func createFailureCarriesThePluginsMessage() throws {
        let scenario = Scenario()
        scenario.writeBars("bars.csv", closes: [1, 2, 3])
        let problems = scenario.problems(
            """
            trellis: 1
            plugins: { load: [\(try fixture())] }
            feeds: { bars: { source: csv, path: bars.csv } }
            nodes:
              broken: { use: probe, inputs: [bars], params: { fail: "no data for you" } }
            """)
        let problem = try #require(problems.first)
        #expect(problems.count == 1)
        #expect(problem.location?.line == 5)
        #expect(problem.message.contains("node 'broken' (probe from plugin 'fixture', "))
        #expect(problem.message.contains("create failed (status -100): asked to fail: no data for you"))
    }

    @Test func pinMismatchRefusesThePlugin() throws {
        let scenario = Scenario()
        scenario.writeBars("bars.csv", closes: [1, 2, 3])
        let wrong = "sha256:" + String(repeating: "0", count: 64)
        let problems = scenario.problems(
            """
            trellis: 1
            plugins:
              load: [\(try fixture())]
              pins: { fixture: "\(wrong)" }
            feeds: { bars: { source: csv, path: bars.csv } }
            nodes:
              probe: { use: probe, inputs: [bars] }
            """)
        let problem = try #require(problems.first)
        #expect(problem.location?.line == 4 && problem.location?.column == 20)
        #expect(problem.message.contains("plugin 'fixture'"))
        #expect(problem.message.contains("pin mismatch: no plugin library has the SHA-256 the graph pins"))
        #expect(problem.message.contains("(\(wrong))"))
        #expect(problem.message.contains("libfixture_plugin.so is sha256:"), "the message names what it found: \(problem.message)")
        #expect(problems.count == 1, "nothing else is reported when nothing was loaded: \(problems)")
    }

    @Test func matchingPinIsAccepted() throws {
        let scenario = Scenario()
        scenario.writeBars("bars.csv", closes: [1, 2, 3, 4, 5, 6, 7])
        let plugin = try PluginLoader.load(try fixture())
        let result = try scenario.run(
            """
            trellis: 1
            plugins:
              load: [\(plugin.path)]
              pins: { fixture: "sha256:\(plugin.sha256)" }
            feeds: { bars: { source: csv, path: bars.csv } }
            nodes:
              probe: { use: probe, inputs: [bars] }
            """, plugins: [])
        #expect(result.trades.count == 1)
    }

    @Test func loadingTheSameLibraryTwiceGivesTheSamePlugin() throws {
        let first = try PluginLoader.load(try fixture())
        let second = try PluginLoader.load(try fixture())
        #expect(first.descriptor == second.descriptor)
    }

    @Test func aBrokenLibraryInTheSearchPathIsSkippedAndNamed() throws {
        let directory = Repository.temporaryDirectory("trellis-search")
        try FileManager.default.copyItem(atPath: try fixture("FIXTURE_ABI_MAJOR"), toPath: directory + "/libbroken.so")
        try FileManager.default.copyItem(atPath: try fixture(), toPath: directory + "/libgood.so")
        let (catalog, _) = PluginCatalog.load(.init(directories: [directory], includeDefaults: false))
        #expect(catalog.plugins.map(\.id) == ["fixture"])
        #expect(catalog.skipped.map(\.code) == [.abiMismatch])
    }
}
