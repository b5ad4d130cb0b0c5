import Foundation
import Testing
import TrellisHost

/// The first plugins the README walks through, in C, Swift and Rust, build, load, trade and
/// agree; and the README shows exactly the code in the repository.
@Suite struct TemplateTests {
    private func runStreak(_ library: String, type: String) throws -> RunResult {
        try Scenario().run(
            """
            trellis: 1
            plugins: { load: [\(library)] }
            feeds: { goog: { source: csv, path: \(Repository.path("data/GOOG.csv")), symbol: GOOG, lot_size: 1 } }
            nodes:
              mine: { use: \(type), inputs: [goog], params: { streak: 4 } }
            """, plugins: [])
    }

    @Test func theFirstPluginGivesTheSameRunInCSwiftAndRust() throws {
        let c = try runStreak(try PluginBuilds.c("SDK/Templates/c/streak.c"), type: "streak-c/streak")
        let swift = try runStreak(try PluginBuilds.swift("SDK/Templates/swift", library: "libStreak.so"), type: "streak-swift/streak")
        let rust = try runStreak(try PluginBuilds.rust("SDK/Templates/rust", library: "libstreak.so"), type: "streak-rust/streak")
        #expect(c.trades.count > 20)
        #expect(c.trades.allSatisfy { $0.quantity == 10 })
        #expect(c.fingerprint == swift.fingerprint && c.fingerprint == rust.fingerprint)
    }

    @Test func theReadmeShowsTheTemplatesAsTheyAre() throws {
        let readme = try String(contentsOfFile: Repository.path("README.md"), encoding: .utf8)
        for file in ["SDK/Templates/c/streak.c", "SDK/Templates/swift/Sources/Streak/Streak.swift", "SDK/Templates/swift/Package.swift"] {
            let code = try String(contentsOfFile: Repository.path(file), encoding: .utf8)
            #expect(readme.contains(code), "README.md must show \(file) exactly as it is")
        }
    }
}
