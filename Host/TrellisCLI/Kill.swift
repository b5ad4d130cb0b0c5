import ArgumentParser
import Foundation
import TrellisHost

struct Kill: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Halts a running host: every new order is denied from then on, with the reason.",
        discussion: """
            The manual kill switch (docs/limits.md). The host's watchdog looks for the request every 50 ms, so it halts \
            within a second, even while a plugin is busy; it keeps running (orders resting at the venue stay there, fills \
            still arrive) and says why each order is denied. A node that does not return within 2 s of the request ends \
            the run. The run id is printed when a run starts on a terminal; 'all' halts every run that uses this journal.
            """)

    @Argument(help: "The run id to halt (or the start of one), or 'all'.")
    var runID: String

    @Option(help: "Why, for the log and the denials.")
    var reason: String?

    @OptionGroup var journal: JournalOptions

    func run() throws {
        guard !runID.isEmpty, runID == "all" || runID.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }) else {
            printError("error: '\(TerminalText.safe(runID, limit: 80))' is not a run id (like 20261121-221548-e31455d0) or 'all'")
            throw ExitCode(2)
        }
        let running = RunRegistry.running(in: journal.directory)
        let target: String
        if runID == "all" {
            target = "all"
        } else {
            let matches = running.filter { $0.id.hasPrefix(runID) }
            guard matches.count == 1 else {
                printError("error: \(noMatch(matches.map(\.id), running: running.map(\.id)))")
                throw ExitCode(1)
            }
            target = matches[0].id
        }
        let stamp = Timestamp.format(Int64(Date().timeIntervalSince1970) * 1_000_000_000)
        let note = (reason.map { "\($0), " } ?? "") + "asked at \(stamp) UTC"
        let directory = journal.directory + "/kill"
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            try OutputFile.write(Data(note.utf8), to: directory + "/" + target)
        } catch let error as OutputFileError {
            printError("error: cannot leave the kill request: \(error)")
            throw ExitCode(1)
        } catch {
            printError("error: cannot leave the kill request in \(directory): \(error.localizedDescription)")
            throw ExitCode(1)
        }
        if target == "all" {
            let count = running.count == 1 ? "1 run going on now" : "\(running.count) runs going on now"
            print("asked every run using \(journal.path) to halt (\(count); runs started later are not halted): each denies every new order within a second")
        } else {
            print("asked run \(target) to halt: it denies every new order within a second")
        }
    }

    /// Why `runID` names no single running run, and what there is.
    private func noMatch(_ matches: [String], running: [String]) -> String {
        if matches.count > 1 { return "'\(runID)' names \(matches.count) running runs (\(matches.prefix(3).joined(separator: ", "))); give more of the id" }
        let finished = (try? journal.open(create: false))?.contains(runID: runID) == true
        let now = running.isEmpty ? "no run is going on with \(journal.path)" : "running now: \(running.joined(separator: ", "))"
        return finished ? "run \(runID) has already ended; nothing to halt (\(now))" : "no running run matches '\(runID)'; \(now)"
    }
}
