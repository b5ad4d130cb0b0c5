import ArgumentParser
import Foundation
import TrellisHost

struct Kill: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Halts a running host: every new order is denied from then on, with the reason.",
        discussion: """
            The manual kill switch (docs/limits.md). The host looks for the request every 100 ms, so it halts within a \
            second; it keeps running (orders resting at the venue stay there, fills still arrive) and says why each order \
            is denied. The run id is printed when a run starts on a terminal; 'all' halts every run that uses this journal.
            """)

    @Argument(help: "The run id to halt, or 'all'.")
    var runID: String

    @Option(help: "Why, for the log and the denials.")
    var reason: String?

    @OptionGroup var journal: JournalOptions

    func run() throws {
        guard runID == "all" || runID.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" }) else {
            printError("error: '\(runID)' is not a run id (20261121-221548-e31455d0) or 'all'")
            throw ExitCode(2)
        }
        let directory = journal.directory + "/kill"
        let stamp = Timestamp.format(Int64(Date().timeIntervalSince1970) * 1_000_000_000)
        let note = (reason.map { "\($0), " } ?? "") + "asked at \(stamp) UTC"
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            try Data(note.utf8).write(to: URL(fileURLWithPath: directory + "/" + runID))
        } catch {
            printError("error: cannot leave the kill request in \(directory): \(error.localizedDescription)")
            throw ExitCode(1)
        }
        print("asked \(runID == "all" ? "every run using \(journal.path)" : "run \(runID)") to halt: it denies every new order within a second")
    }
}
