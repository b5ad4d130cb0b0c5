import ArgumentParser
import Foundation
import TrellisHost

struct Report: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Shows a run from the journal: a summary, an HTML page, or JSON.",
        discussion: """
            The HTML report is one self-contained file (no network needed to view it): key figures, equity and drawdown curves with trade markers, each trade's return, the statistics, the trade list, refused orders and what the run was made of.

            Examples:
              trellis report last
              trellis report last --html report.html
              trellis report 20261121-2215 --json
              trellis report --list
            """
    )

    @Argument(help: "The run: 'last', a run id, or the start of one.")
    var runID = "last"

    @Option(help: "Write the report as a self-contained HTML page to this file.", completion: .file(extensions: ["html"]))
    var html: String?

    @Flag(help: "Print the run as JSON.")
    var json = false

    @Flag(help: "List the runs in the journal, newest first.")
    var list = false

    @Option(help: "How many trades to list in the summary (a number, or 'all').")
    var trades: TradeLimit = .count(30)

    @OptionGroup var journal: JournalOptions

    func validate() throws {
        if json && html != nil { throw ValidationError("choose one of --html and --json") }
    }

    func run() throws {
        do {
            let journal = try journal.open(create: false)
            if list { return print(try runList(journal)) }
            let result = try journal.load(runID)
            if let html {
                let size = try writePage(HTMLReport.render(result), to: html)
                print("wrote \(html) (\(size)): run \(result.runID) of \(result.graphFile)")
            } else if json {
                print(String(decoding: try RunJSON.encode(result), as: UTF8.self))
            } else {
                print(TerminalText.safe(RunSummary(result: result, tradeLimit: trades.limit).text, limit: .max, singleLine: false))
            }
        } catch let error as JournalError {
            printError("error: \(error)")
            throw ExitCode(1)
        }
    }

    private func runList(_ journal: Journal) throws(JournalError) -> String {
        let runs = try journal.runs()
        guard !runs.isEmpty else { return "the journal \(journal.path) holds no run yet" }
        var table = TextTable(columns: ["RUN", "STARTED (UTC)", "GRAPH", "FINAL EQUITY", "RETURN"], rightAligned: [3, 4])
        for run in runs {
            let started = Timestamp.format(run.startedAt / 1_000_000_000 * 1_000_000_000)
            table.add([run.id, started, run.graphFile, NumberFormat.grouped(run.finalEquity), NumberFormat.percent(run.totalReturn)])
        }
        return table.text
    }
}

/// Writes an HTML page atomically and returns its size ("85 KB"); a failure says which file and
/// why. Only a regular file or a new path is written (`OutputFile`).
func writePage(_ page: String, to path: String) throws -> String {
    do {
        try OutputFile.write(Data(page.utf8), to: path)
    } catch {
        printError("error: \(error)")
        throw ExitCode(1)
    }
    return "\(page.utf8.count / 1024) KB"
}
