import ArgumentParser
import Foundation
import TrellisHost
import TrellisOperator

struct Run: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Runs a graph: a backtest on its feeds' data, or a paper or live session.",
        discussion: """
            Prints the trades, the statistics, the final equity and the run fingerprint, a SHA-256 over every order outcome and fill: two runs with the same fingerprint traded identically.

            --mode paper takes live data from the graph's feed and broker nodes and fills orders on the simulated venue; --mode live sends orders to the graph's broker nodes, on testnets unless both --real-money and the graph's live: { real_money: true } ask for real money (docs/live.md). Both run until Ctrl-C (or --duration), then stop gracefully; every input is recorded for 'trellis replay'.

            Each run is stored in the journal (see --journal), with the hashes of the graph, the plugins and the data; 'trellis report last' shows it again, '--html report.html' as a page.
            """
    )

    @OptionGroup var options: GraphOptions

    @Option(help: "Run mode: backtest, paper (live data, simulated fills) or live (orders to the graph's brokers).")
    var mode: RunMode = .backtest

    @Flag(help: "Live mode may trade real money; the graph must say live: { real_money: true } too.")
    var realMoney = false

    @Option(help: "Paper and live: a file of 'name = value' secrets for the nodes (mode 600). TRELLIS_SECRET_<NAME> variables come first.")
    var secrets: String?

    @Option(help: "Paper and live: stop after this long, e.g. 90s, 15m, 8h.")
    var duration: String?

    @Option(help: "Paper and live: serve /metrics, /health, /status and a status page at ADDRESS:PORT, e.g. 127.0.0.1:9464 (docs/operator.md).")
    var `operator`: String?

    @Option(help: "A file (mode 600) holding the bearer token the operator endpoint requires; needed off loopback. Or set TRELLIS_OPERATOR_TOKEN.")
    var operatorTokenFile: String?

    @Option(
        help:
            "Paper and live: continue run RUN ('last', its id or the start of it) of the journal: its ledger and open orders come back, the brokers reconcile, and trading starts once the venue's state is explained (docs/journal.md)."
    )
    var resume: String?

    @Option(help: "How many trades to list (a number, or 'all').")
    var trades: TradeLimit = .count(30)

    @Flag(help: "Print the result as JSON instead of a summary.")
    var json = false

    @OptionGroup var journal: JournalOptions

    @Flag(help: "Do not store the run in the journal.")
    var noJournal = false

    func run() throws {
        // A journal that cannot take the run is found before the run, not after it.
        var store: Journal?
        if !noJournal {
            do {
                let opened = try journal.open(create: true)
                try opened.checkWritable()
                store = opened
            } catch {
                printError("error: \(error)")
                printError("(or run with --no-journal to run without storing it)")
                throw ExitCode(1)
            }
        }
        let result: RunResult
        var backtestOptions = options.backtestOptions
        try configureLive(&backtestOptions, journal: store)
        let endpoint = try startOperatorEndpoint(&backtestOptions)
        defer { endpoint?.stop() }
        do {
            let progress = ProgressBar.onTerminal()
            defer { progress?.finish() }
            if let progress { backtestOptions.progress = { progress.show($0) } }
            backtestOptions.controlDirectory = journal.directory
            let backtest = try Backtest.prepare(graphAt: options.graph, options: backtestOptions)
            progress?.finish()
            if progress != nil || mode != .backtest { printError("run \(backtest.runID): 'trellis kill \(backtest.runID)' halts it") }
            printWarnings(backtest.warnings)
            let session = mode == .backtest ? nil : LiveSession(backtest)
            result = try backtest.run()
            session?.end()
        } catch {
            throw fail(error)
        }
        var storeError: JournalError?
        if let store {
            do { try store.save(result) } catch { storeError = error }
        }
        if json {
            print(String(decoding: try RunJSON.encode(result), as: UTF8.self))
        } else {
            print(TerminalText.safe(RunSummary(result: result, tradeLimit: trades.limit).text, limit: .max, singleLine: false))
            for challenger in result.shadow?.challengers ?? [] {
                let last = result.shadow?.verdicts.last { $0.challenger == challenger.name }
                let verdict =
                    last.map { "\(ShadowExplanation.title($0.verdict)) (guarded p \(NumberFormat.percent($0.pValue, decimals: 1, signed: false)))" }
                    ?? "no tester"
                print("shadow         \(challenger.name) vs \(challenger.replaces): \(verdict); 'trellis shadow report last' explains it")
            }
            if let live = result.live {
                print(
                    "stopped        \(live.stopReason); \(live.inputs) inputs taken\(live.inputsDropped > 0 ? ", \(live.inputsDropped) refused (inbox full)" : "")"
                )
            }
            if !noJournal, storeError == nil {
                print("journal        run \(result.runID) in \(journal.path); 'trellis report last --html report.html' draws it")
                if result.live != nil { print("replay         'trellis replay \(result.runID)' re-runs it offline from what it recorded") }
            }
        }
        if let storeError {
            printError("error: the run was not stored: \(storeError)")
            throw ExitCode(1)
        }
    }
}

extension RunMode: ExpressibleByArgument {}

extension Run {
    /// Paper and live options: the mode, the real-money switch, secrets, a time limit, recording.
    func configureLive(_ options: inout Backtest.Options, journal: Journal?) throws {
        options.mode = mode
        options.realMoney = realMoney
        options.secretsFile = secrets
        options.recordIn = mode == .backtest ? nil : journal
        options.resume = resume
        if let duration {
            guard let nanoseconds = DurationText.nanoseconds(duration) else {
                printError("error: --duration '\(duration)' is not a duration; write e.g. 90s, 15m or 8h")
                throw ExitCode(2)
            }
            options.stopAfter = .nanoseconds(nanoseconds)
        }
    }
}

extension Run {
    /// Starts the operator endpoint of `--operator ADDRESS:PORT`, publishing to a board the run
    /// fills; nil without the option.
    func startOperatorEndpoint(_ options: inout Backtest.Options) throws -> OperatorServer? {
        guard let `operator` else { return nil }
        guard mode != .backtest else {
            printError("error: --operator serves paper and live runs; a backtest ends before anyone could look")
            throw ExitCode(2)
        }
        guard let colon = `operator`.lastIndex(of: ":"), let port = Int(`operator`[`operator`.index(after: colon)...]) else {
            printError("error: --operator '\(`operator`)' is not ADDRESS:PORT, e.g. 127.0.0.1:9464")
            throw ExitCode(2)
        }
        let address = String(`operator`[..<colon]).trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
        var token = ProcessInfo.processInfo.environment["TRELLIS_OPERATOR_TOKEN"]
        if let operatorTokenFile {
            guard let attributes = try? FileManager.default.attributesOfItem(atPath: operatorTokenFile),
                let permissions = attributes[.posixPermissions] as? Int, let text = try? String(contentsOfFile: operatorTokenFile, encoding: .utf8)
            else {
                printError("error: cannot read the operator token file \(operatorTokenFile)")
                throw ExitCode(2)
            }
            guard permissions & 0o077 == 0 else {
                printError("error: the operator token file \(operatorTokenFile) may be read by its group or others; run chmod 600 \(operatorTokenFile)")
                throw ExitCode(2)
            }
            token = text
        }
        let board = OperatorBoard()
        options.operatorBoard = board
        do {
            let server = try OperatorServer(board: board, address: address, port: port, token: token, logger: options.logger)
            let bound = try server.start()
            printError("operator: http://\(address.contains(":") ? "[\(address)]" : address):\(bound)/ (status page), /metrics, /health, /status")
            return server
        } catch {
            printError("error: \(error)")
            throw ExitCode(1)
        }
    }
}

/// Where the journal is.
struct JournalOptions: ParsableArguments {
    @Option(name: .customLong("journal"), help: "The journal file (SQLite). Default: $TRELLIS_JOURNAL, else .trellis/journal.sqlite.")
    var journalPath: String?

    var path: String { journalPath ?? Journal.defaultPath }
    /// The journal's directory, where `trellis kill` leaves its requests too.
    var directory: String { URL(fileURLWithPath: path).deletingLastPathComponent().path }

    func open(create: Bool) throws(JournalError) -> Journal { try Journal(path: path, create: create) }
}

/// The JSON form of a run, the same from `run --json` and `report --json`.
enum RunJSON {
    static func encode(_ result: RunResult) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return try encoder.encode(result)
    }
}

enum TradeLimit: ExpressibleByArgument {
    case all
    case count(Int)

    init?(argument: String) {
        if argument == "all" {
            self = .all
        } else if let count = Int(argument), count >= 0 {
            self = .count(count)
        } else {
            return nil
        }
    }

    var limit: Int? {
        if case .count(let count) = self { return count }
        return nil
    }
}
