import ArgumentParser
import Foundation
import TrellisHost

struct ReplayCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay",
        abstract: "Runs a recorded paper or live session again, offline, and checks it made the same decisions.",
        discussion: """
            The graph (as the journal stored it) takes every recorded input (posted events, network answers, the loop's passes) at its recorded time; nothing is sent anywhere. The replay's fingerprint and the digest of what its nodes sent out must equal the run's; otherwise this says so and exits with status 1. Plugins and data files are found as for 'trellis run'.
            """
    )

    @Argument(help: "The run: 'last', its id, or the start of its id.")
    var reference: String = "last"

    @OptionGroup var journal: JournalOptions

    func run() throws {
        let outcome: Replay.Outcome
        do {
            outcome = try Replay.run(reference, journal: try journal.open(create: false), options: Backtest.Options())
        } catch let error as DiagnosticsError {
            throw fail(error)
        } catch {
            printError("error: \(error)")
            throw ExitCode(1)
        }
        let original = outcome.original, replayed = outcome.replayed
        print("replay of run \(original.runID) (\(original.mode)), \(outcome.inputs) recorded inputs")
        print("fingerprint    \(replayed.fingerprint) \(outcome.fingerprintMatches ? "= the run's" : "≠ the run's \(original.fingerprint)")")
        let outputs = replayed.live?.outputsSHA256 ?? ""
        print(
            "sent           \(replayed.live?.outputs ?? 0) requests and messages, \(outputs.prefix(16))… \(outcome.outputsMatch ? "= the run's" : "≠ the run's")"
        )
        print("orders         \(replayed.orderUpdates) updates, \(replayed.fills) fills (the run: \(original.orderUpdates), \(original.fills))")
        guard outcome.fingerprintMatches, outcome.outputsMatch else {
            printError(
                "error: the replay differs from the run: a node is not deterministic (it reads the wall clock or its own threads' timing), or a plugin or data file changed since"
            )
            throw ExitCode(1)
        }
    }
}
