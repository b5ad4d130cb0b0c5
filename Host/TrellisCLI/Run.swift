import ArgumentParser
import Foundation
import TrellisHost

struct Run: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Runs a graph: a backtest on its feeds' data, filled by the simulated venue.",
        discussion: """
            Prints the trades, the statistics, the final equity and the run fingerprint, a SHA-256 over every order outcome and fill: two runs with the same fingerprint traded identically.

            Each run is stored in the journal (see --journal), with the hashes of the graph, the plugins and the data; 'trellis report last' shows it again, '--html report.html' as a page.
            """
    )

    @OptionGroup var options: GraphOptions

    @Option(help: "Run mode. Only backtest exists so far; paper and live come with the live runtime.")
    var mode: Mode = .backtest

    @Option(help: "How many trades to list (a number, or 'all').")
    var trades: TradeLimit = .count(30)

    @Flag(help: "Print the result as JSON instead of a summary.")
    var json = false

    @OptionGroup var journal: JournalOptions

    @Flag(help: "Do not store the run in the journal.")
    var noJournal = false

    enum Mode: String, ExpressibleByArgument, CaseIterable {
        case backtest
    }

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
        do {
            let progress = ProgressBar.onTerminal()
            defer { progress?.finish() }
            var backtestOptions = options.backtestOptions
            if let progress { backtestOptions.progress = { progress.show($0) } }
            backtestOptions.controlDirectory = journal.directory
            let backtest = try Backtest.prepare(graphAt: options.graph, options: backtestOptions)
            progress?.finish()
            if progress != nil { printError("run \(backtest.runID): 'trellis kill \(backtest.runID)' halts it") }
            printWarnings(backtest.warnings)
            result = try backtest.run()
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
            if !noJournal, storeError == nil {
                print("journal        run \(result.runID) in \(journal.path); 'trellis report last --html report.html' draws it")
            }
        }
        if let storeError {
            printError("error: the run was not stored: \(storeError)")
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
