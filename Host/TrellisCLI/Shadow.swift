import ArgumentParser
import Foundation
import TrellisHost

struct Shadow: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Shadow A/B: how each challenger did against its champion.",
        subcommands: [ShadowReportCommand.self])
}

struct ShadowReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Prints each challenger's ledger and verdict, and writes an HTML page with both equity curves and the verdict history.",
        discussion: """
            Examples:
              trellis shadow report last
              trellis shadow report 20261122-0930 --html grid-shadow.html
            """
    )

    @Argument(help: "The run: 'last', a run id, or the start of one.")
    var runID = "last"

    @Option(help: "Where to write the HTML page.", completion: .file(extensions: ["html"]))
    var html = "shadow-report.html"

    @OptionGroup var journal: JournalOptions

    func run() throws {
        let result: RunResult
        do {
            result = try journal.open(create: false).load(runID)
        } catch {
            printError("error: \(error)")
            throw ExitCode(1)
        }
        print(TerminalText.safe(ShadowText.render(result), limit: .max, singleLine: false))
        guard result.shadow != nil else { throw ExitCode(1) }
        let size = try writePage(ShadowHTMLReport.render(result), to: html)
        print("\nwrote \(html) (\(size))")
    }
}
