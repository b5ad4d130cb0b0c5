import Foundation
import Testing
import TrellisHost

/// Validation reports every problem at once, each at its line and column, with what to do.
@Suite struct GraphValidationTests {
    /// The problems of `yaml`, as "line:column: message" strings.
    private func problems(_ yaml: String) -> [String] {
        let scenario = Scenario()
        scenario.writeBars("bars.csv", closes: [1, 2, 3])
        return scenario.problems(yaml).map { "\($0.location.map { "\($0.line):\($0.column)" } ?? "-"): \($0.message)" }
    }

    @Test func yamlSyntaxErrorIsReportedAtItsPosition() throws {
        let found = problems(
            """
            trellis: 1
            nodes:
              a: { use: test-model, inputs: [bars
            """)
        try #require(found.count == 1)
        #expect(found[0].hasPrefix("4:1: YAML syntax:"))
    }

    @Test func everyProblemIsReportedAtOnce() {
        let found = problems(
            """
            trellis: 1
            feeds:
              bars: { source: csv, path: bars.csv }
            nodes:
              model: { use: test-model, inputs: [bars], params: { tag: x, period: 0 } }
              trend: { use: test-strategi, inputs: [bars] }
              risky: { use: test-risk, inputs: [barz], params: { tag: x } }
              loop1: { use: test-model, inputs: [loop2], params: { tag: x } }
              loop2: { use: test-model, inputs: [loop1], params: { tag: x } }
              exec: { use: test-risk, inptus: [bars], params: { tag: x, colour: red } }
              strat: { use: test-strategy, inputs: [bars], params: { tag: x } }
              seer: { use: test-observer, inputs: [strat], when: { bars: on }, params: { tag: x } }
            venu: { cash: 100 }
            """)
        let expected = [
            "5:71: parameter 'period' of node 'model' must be at least 1, not 0",
            "6:17: unknown node type 'test-strategi' of node 'trend'; did you mean 'test-strategy'?",
            "7:37: unknown input 'barz' of node 'risky'; did you mean 'bars'?",
            "8:3: cycle: loop1 → loop2 → loop1",
            "10:27: unknown key 'inptus' in nodes.exec; did you mean 'inputs'?",
            "10:61: unknown parameter 'colour' of node 'exec' (test-risk)",
            "12:56: when of node 'seer' refers to feed 'bars'",
            "13:1: unknown key 'venu' in the graph; did you mean 'venue'?",
        ]
        #expect(found == expected)
    }

    @Test func kindMismatchesNameBothKinds() {
        let found = problems(
            """
            trellis: 1
            feeds:
              bars: { source: csv, path: bars.csv }
            nodes:
              model: { use: test-model, inputs: [bars], params: { tag: x } }
              strat: { use: test-strategy, inputs: [bars], params: { tag: x } }
              risk: { use: test-risk, inputs: [strat], params: { tag: x } }
              upstream: { use: test-model, inputs: [risk], params: { tag: x } }
            """)
        #expect(found == ["8:41: node 'upstream' (model) cannot take input from 'risk' (risk)"])
    }

    @Test func aRiskNodeThatNoOrdersReachIsAnError() {
        let found = problems(
            """
            trellis: 1
            feeds:
              bars: { source: csv, path: bars.csv }
            nodes:
              strat: { use: test-strategy, inputs: [bars], params: { tag: x } }
              guard: { use: test-risk, inputs: [bars], params: { tag: x } }
            """)
        #expect(found == ["6:3: risk node 'guard' receives no orders: none of its inputs is a strategy or risk node"])
    }

    @Test func typeErrorsInTheFormatAreReportedWhereTheyAre() {
        let found = problems(
            """
            trellis: 2
            venue: { cash: -5, commission: lots }
            feeds:
              bars: { source: parquet, path: bars.csv }
            nodes:
              model: { use: test-model, inputs: bars, params: { tag: x } }
            """)
        #expect(
            found == [
                "1:10: trellis must be 1, not 2",
                "2:16: venue.cash must be greater than 0, not -5",
                "2:32: venue.commission must be a number, not string 'lots'",
                "4:19: feeds.bars.source must be one of 'csv', 'binance', not 'parquet'",
                "6:37: nodes.model.inputs must be an array, not string 'bars'",
            ])
    }

    @Test func anOrderTakesOnePath() {
        let found = problems(
            """
            trellis: 1
            feeds:
              bars: { source: csv, path: bars.csv }
            nodes:
              strat: { use: test-strategy, inputs: [bars], params: { tag: x } }
              risk1: { use: test-risk, inputs: [strat], params: { tag: x } }
              risk2: { use: test-risk, inputs: [strat], params: { tag: x } }
            """)
        #expect(found == ["5:3: orders of node 'strat' would go to both 'risk1' and 'risk2'; an order takes one path"])
    }

    @Test func missingDataFile() throws {
        let found = problems(
            """
            trellis: 1
            feeds:
              bars: { source: csv, path: missing.csv }
            nodes:
              model: { use: test-model, inputs: [bars], params: { tag: x } }
            """)
        try #require(found.count == 1)
        #expect(found[0].hasPrefix("3:30: feed 'bars': data file /") && found[0].hasSuffix("/missing.csv not found"))
    }

    @Test func duplicateKeysAreReportedAtTheSecondOne() {
        let found = problems(
            """
            trellis: 1
            nodes:
              model: { use: test-model, params: { tag: x } }
              model: { use: test-model, params: { tag: y } }
            """)
        #expect(found == ["4:3: duplicate key 'model'"])
    }

    @Test func labelsLikeOnAndOffStayStrings() throws {
        let (root, problems) = YAMLReader.read("when: { regime: on }\nlist: [yes, no, off, 9:30, 0x1f, 1.5, true, null]", file: "x.yaml")
        #expect(problems.isEmpty)
        #expect(root?["when"]?["regime"]?.string == "on")
        let items = try #require(root?["list"]?.array)
        #expect(items.prefix(4).map(\.string) == ["yes", "no", "off", "9:30"])
        #expect(items[4].integer == 31 && items[5].number == 1.5 && items[6].bool == true)
        if case .null = items[7].kind {} else { Issue.record("null should read as null") }
    }

    @Test func hintsSayWhatToDo() throws {
        let scenario = Scenario()
        scenario.writeBars("bars.csv", closes: [1, 2, 3])
        let diagnostics = scenario.problems(
            """
            trellis: 1
            feeds: { bars: { source: csv, path: bars.csv } }
            nodes:
              m: { use: test-model, inputs: [bars], params: { tag: x, colour: red } }
            """)
        try #require(diagnostics.count == 1)
        #expect(
            diagnostics[0].description.hasSuffix(
                "graph.yaml:4:59: error: unknown parameter 'colour' of node 'm' (test-model); its parameters: tag, labels, period"))
    }

    @Test func theBundledExampleValidates() throws {
        let (spec, readProblems) = GraphReader.read(contentsOf: Repository.path("strategies.yaml"))
        #expect(readProblems.isEmpty)
        #expect(spec?.nodes.map(\.use.value) == ["sma-cross", "sim-broker"])
    }

    @Test func thePublishedSchemaChecksItsOwnExample() throws {
        let (root, problems) = YAMLReader.read(GraphSchema.text, file: "graph.schema.json")
        #expect(problems.isEmpty)
        #expect(root?["$schema"]?.string == "https://json-schema.org/draft/2020-12/schema")
        let (example, _) = YAMLReader.read(try String(contentsOfFile: Repository.path("strategies.yaml"), encoding: .utf8), file: "strategies.yaml")
        #expect(GraphSchema.schema.validate(try #require(example)).isEmpty)
    }
}
