import CTrellis
import Foundation
import Testing
import TrellisHost
import TrellisSDK

/// The `ffi` node against a plain C library the test compiles with gcc
/// (Tests/Fixtures/ffi/stats.c) and against the system's libm: values, int32 and float
/// conversions, constant arrays, return codes, and every load-time check at its file:line:column.
@Suite struct FFINodeTests {
    /// A scenario holding libstats.so (built from the fixture) and daily GOOG bars.
    private func scenario() throws -> Scenario {
        let scenario = Scenario()
        let compile = try Shell.run([
            "gcc", "-shared", "-fPIC", "-O2", "-o", scenario.directory + "/libstats.so", Repository.path("Tests/Fixtures/ffi/stats.c"), "-lm",
        ])
        try #require(compile.status == 0, "\(compile.stderr)")
        return scenario
    }

    private static let goog = Repository.path("data/GOOG.csv")
    private static let closes: [Double] = IndicatorParityTests.bars("GOOG").map(\.close)

    /// Runs ffi nodes (`nodes`, YAML at two spaces) on GOOG with an observer on each; returns
    /// each observer's feature vectors (names event excluded) and names, by node name.
    private func run(_ nodes: String, watch: [String], tag: String, in scenario: Scenario) throws -> [String: (rows: [TestNodes.Received], names: [String])] {
        let observers = watch.map { "  watch-\($0): { use: test-observer, inputs: [\($0)], params: { tag: \(tag) } }" }.joined(separator: "\n")
        _ = try scenario.run(
            """
            trellis: 1
            feeds: { goog: { source: csv, path: \(Self.goog), symbol: GOOG } }
            nodes:
            \(nodes)
            \(observers)
            """)
        var out: [String: (rows: [TestNodes.Received], names: [String])] = [:]
        for node in watch {
            let custom = TestNodes.log(tag, "watch-\(node)").of(TRELLIS_EVENT_CUSTOM)
            out[node] = (custom.filter { $0.featureNames.isEmpty }, custom.first?.featureNames ?? [])
        }
        return out
    }

    @Test func callsCFunctionsWithWindowsOutputsAndConstants() throws {
        let scenario = try scenario()
        let result = try run(
            """
              z:
                use: ffi
                inputs: [goog]
                params:
                  library: libstats.so
                  function: zscore
                  signature: int32 zscore(double[] x, int32 n, double[] out)
                  arguments: [ "close[20]", 20, "out[1]" ]
              band:
                use: ffi
                inputs: [goog]
                params:
                  library: ./libstats.so
                  function: range
                  signature: void (double[], int32, double[])
                  arguments:
                    - close[5]
                    - 5
                    - out[2]
                  outputs: [low_5, high_5]
              mix:
                use: ffi
                inputs: [goog]
                params:
                  library: libstats.so
                  function: weighted
                  signature: double (double[], double[], int32)
                  arguments: [ "close[3]", [0.5, 0.25, 0.25], 3 ]
              ups:
                use: ffi
                inputs: [goog]
                params: { library: libstats.so, function: rises, signature: "int64 (double[], int32, int32[])", arguments: ["close[10]", 10, "out[1]"] }
              half:
                use: ffi
                inputs: [goog]
                params: { library: libstats.so, function: scaled, signature: "float (float, float)", arguments: [close, 0.5] }
              ln:
                use: ffi
                inputs: [goog]
                params: { library: libm.so.6, function: log, signature: "double (double)", arguments: [close], outputs: [log_close] }
            """, watch: ["z", "band", "mix", "ups", "half", "ln"], tag: "ffi-values", in: scenario)
        let closes = Self.closes

        let z = try #require(result["z"])
        #expect(z.names == ["zscore"])
        #expect(z.rows.count == closes.count)
        #expect(z.rows.prefix(19).allSatisfy { $0.features[0].isNaN && $0.featureFlags == TRELLIS_FEATURES_INCOMPLETE })
        for bar in 19..<closes.count {
            let window = closes[(bar - 19)...bar]
            let mean = window.reduce(0, +) / 20
            let deviation = (window.map { $0 * $0 }.reduce(0, +) / 20 - mean * mean).squareRoot()
            let want = (closes[bar] - mean) / deviation
            guard abs(z.rows[bar].features[0] - want) <= 1e-9 * max(1, abs(want)) else {
                Issue.record("zscore at bar \(bar): \(z.rows[bar].features[0]), expected \(want)")
                break
            }
        }

        let band = try #require(result["band"])
        #expect(band.names == ["low_5", "high_5"])
        #expect(band.rows[4].features == [closes[0...4].min()!, closes[0...4].max()!])
        #expect(band.rows.last!.features == [closes.suffix(5).min()!, closes.suffix(5).max()!])

        let mix = try #require(result["mix"])
        #expect(mix.names == ["weighted"])
        #expect(mix.rows[2].features[0] == closes[0] * 0.5 + closes[1] * 0.25 + closes[2] * 0.25)

        let ups = try #require(result["ups"])
        #expect(ups.names == ["rises"], "an int32 out array yields doubles")
        for bar in [9, 500, closes.count - 1] {
            let rises = (bar - 8...bar).filter { closes[$0] > closes[$0 - 1] }.count
            #expect(ups.rows[bar].features == [Double(rises)])
        }

        let half = try #require(result["half"])
        #expect(half.rows[0].features == [Double(Float(closes[0]) * 0.5)], "a float in and out, rounded as C rounds it")

        let ln = try #require(result["ln"])
        #expect(ln.names == ["log_close"])
        #expect(ln.rows.map { $0.features[0] } == closes.map { Foundation.log($0) })
    }

    @Test func aNonZeroReturnCodeGivesNaNForThatBar() throws {
        let scenario = try scenario()
        let result = try run(
            """
              thu:
                use: ffi
                inputs: [goog]
                params: { library: libstats.so, function: thursdays_only, signature: "int32 (int64, double, double[])", arguments: [time, close, "out[1]"] }
            """, watch: ["thu"], tag: "ffi-codes", in: scenario)
        let rows = try #require(result["thu"]).rows
        let closes = Self.closes
        var thursdays = 0
        for (bar, row) in rows.enumerated() {
            // The time passed is the bar's open: its stamp less one day, for daily bars.
            let day = (row.time - 86_400_000_000_000) / 86_400_000_000_000
            if day % 7 == 0 {
                thursdays += 1
                #expect(row.features == [closes[bar]] && row.featureFlags == 0)
            } else {
                #expect(row.features[0].isNaN && row.featureFlags == TRELLIS_FEATURES_INCOMPLETE)
            }
        }
        #expect(thursdays > 400 && thursdays < 450, "\(thursdays) Thursdays in 2,148 trading days")
    }

    @Test func everyProblemIsFoundWhenTheGraphLoads() throws {
        let scenario = try scenario()
        let problems = scenario.problems(
            """
            trellis: 1
            feeds: { goog: { source: csv, path: \(Self.goog) } }
            nodes:
              a:
                use: ffi
                inputs: [goog]
                params: { library: libnope.so, function: log, signature: "double (double)", arguments: [close] }
              b:
                use: ffi
                inputs: [goog]
                params:
                  library: libstats.so
                  function: zscor
                  signature: "int32 (dubble[] x, int32 n, double[] out)"
                  arguments: [ "close[20]", 20, "out" ]
              c:
                use: ffi
                inputs: [goog]
                params: { library: libstats.so, function: range, signature: "void (double[], int32, double[])", arguments: ["closes[5]", 5, "out[2]"] }
              d:
                use: ffi
                inputs: [goog]
                params: { library: libm.so.6, function: log, signature: "double (double)", arguments: [close, 2] }
              e:
                use: ffi
                inputs: [goog]
                params: { library: libstats.so, function: zscore, signature: "int32 (double[], int32, double[])", arguments: [close, 20.5, "out[1]"] }
              f:
                use: ffi
                inputs: [goog]
                params: { library: libstats.so, function: range, signature: "void range(double[], int32, double[])", arguments: ["close[5]", 5, "out[2]"], outputs: [low] }
              g:
                use: ffi
                inputs: [goog]
                params: { library: libstats.so, function: range, signature: "void rang(double[], int32)", arguments: ["close[5]", 5] }
              h:
                use: ffi
                inputs: [goog]
                params: { library: libstats.so, function: range, signature: "void (double[], int32, double[]", arguments: ["close[5]", 5, "out[2]"] }
              i:
                use: ffi
                inputs: [goog]
                params: { library: libstats.so, function: zscore, signature: "int32 (double[], int32, double[])", arguments: ["[0.5, 0.25]", 20.5, "out"] }
              j:
                use: ffi
                inputs: [goog]
                params: { library: libm.so.6, function: sqrtt, signature: "double (double)", arguments: [close] }
            """)
        let lines = problems.map(\.description)
        let expected = [
            "graph.yaml:7:24: error: node 'a': cannot open the library: libnope.so",
            "graph.yaml:13:17: error: node 'b': the library has no function 'zscor'; did you mean 'zscore'?",
            "graph.yaml:14:26: error: node 'b': signature: unknown parameter type 'dubble'; did you mean 'double'?",
            "graph.yaml:15:37: error: node 'b': argument 3: an output needs its size: out[1], out[3]",
            "graph.yaml:19:113: error: node 'c': argument 1: unknown argument 'closes[5]'; did you mean 'close'?",
            "graph.yaml:23:91: error: node 'd': 2 arguments for 1 parameter (double); give one argument per parameter, in order",
            "graph.yaml:27:115: error: node 'e': argument 1: close is a double; the parameter is double[]",
            "graph.yaml:27:122: error: node 'e': argument 2: 20.5 is not an int32",
            "graph.yaml:31:153: error: node 'f': 1 output name for 2 values",
            "graph.yaml:35:65: error: node 'g': the function gives the graph no value; return a double, or fill an out[N] argument",
            "graph.yaml:35:71: error: node 'g': the signature names 'rang' but function is 'range'",
            "graph.yaml:39:97: error: node 'h': signature: expected ',' or ')' after a parameter",
            "graph.yaml:43:115: error: node 'i': argument 1: a constant array is a list, not a string: write [0.5, 0.25] without quotes",
            "graph.yaml:43:130: error: node 'i': argument 2: 20.5 is not an int32",
            "graph.yaml:43:136: error: node 'i': argument 3: an output needs its size",
            "graph.yaml:47:45: error: node 'j': the library has no function 'sqrtt'; did you mean 'sqrt'? (/",
        ]
        for want in expected {
            #expect(lines.contains { $0.contains("/" + want) }, "missing: \(want)\n\(lines.joined(separator: "\n"))")
        }
        #expect(lines.count == expected.count, "\(lines.joined(separator: "\n"))")
    }

    @Test func signaturesParseAsCWritesThem() throws {
        let zscore = try FFISignature.parse("int32 zscore(double[] x, int32 n, double[] out)")
        #expect(zscore.result == .int32 && zscore.name == "zscore")
        #expect(zscore.parameters == [.array(.double), .scalar(.int32), .array(.double)])
        #expect(zscore.parameterNames == ["x", "n", "out"])
        let log = try FFISignature.parse("  double(double)  ")
        #expect(log.result == .double && log.name == nil && log.parameters == [.scalar(.double)])
        #expect(try FFISignature.parse("void tick()").parameters.isEmpty)
        #expect(try FFISignature.parse("int64 f(int64 t, float x, int32[] out)").parameters == [.scalar(.int64), .scalar(.float), .array(.int32)])

        let failures: [(String, String, Int)] = [
            ("int f(double)", "unknown return type 'int'; did you mean 'int32'?", 0),
            ("double[] f(double)", "a function cannot return an array", 6),
            ("double f(long x)", "unknown parameter type 'long'; did you mean 'int64'?", 9),
            ("double f(float[] x)", "arrays are double[] or int32[], not float[]", 9),
            ("double f(double[20] x)", "expected ']': array sizes come from the arguments", 16),
            ("double f(void)", "void is only a return type", 9),
            ("double f double", "expected '(' before the parameter types", 9),
            ("double f(double) x", "unexpected text after ')'", 17),
            ("", "expected a return type", 0),
            ("double pow(const double *x, int32 n)", "drop 'const': a const double * is written double[]", 11),
            ("double f(double *x)", "a pointer is written as an array: double[] for double *", 16),
            ("double f(double x[], int32 n)", "write the brackets after the type: double[] x", 17),
        ]
        for (text, message, offset) in failures {
            do {
                _ = try FFISignature.parse(text)
                Issue.record("'\(text)' parsed")
            } catch {
                #expect(error.message.hasPrefix(message), "'\(text)': \(error.message)")
                #expect(error.offset == offset, "'\(text)': at \(error.offset), expected \(offset)")
            }
        }
    }
}
