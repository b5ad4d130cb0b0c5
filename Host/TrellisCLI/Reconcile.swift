import ArgumentParser
import Foundation
import TrellisHost

/// `trellis reconcile show|accept`: what a resumed run found at the venue that its journal
/// cannot explain, and the operator's acceptance of the venue's state.
struct Reconcile: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Shows the differences a resumed run found with the venue, and accepts the venue's state.",
        discussion: """
            'trellis run --resume' halts trading when the venue holds a position or an order that the journal's orders and fills cannot explain (docs/journal.md, "Recovery"). 'show' lists each difference; 'accept' takes the venue's state after a look: a running host books the differences as adjustments within a second and trades again; a stopped one does when it is resumed and finds the same differences.
            """,
        subcommands: [Show.self, Accept.self])

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Shows a paper or live run's state and its reconciliation's differences.")

        @Argument(help: "The run: 'last', its id, or the start of its id.")
        var reference: String = "last"

        @OptionGroup var journal: JournalOptions

        func run() throws {
            let state = try Reconcile.open(journal) { try $0.liveRunState(reference) }
            Reconcile.print(state)
        }
    }

    struct Accept: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Takes the venue's state for a run halted by differences.")

        @Argument(help: "The run: 'last', its id, or the start of its id.")
        var reference: String

        @OptionGroup var journal: JournalOptions

        func run() throws {
            let state = try Reconcile.open(journal) { try $0.acceptReconciliation(reference, at: Int64(Date().timeIntervalSince1970 * 1e9)) }
            Reconcile.print(state)
            Swift.print(
                "accepted       the venue's state; a running host books the differences within a second, a stopped one when 'trellis run --resume \(state.runID)' finds the same"
            )
        }
    }

    static func open<T>(_ journal: JournalOptions, _ body: (Journal) throws -> T) throws -> T {
        do {
            return try body(try journal.open(create: false))
        } catch {
            printError("error: \(error)")
            throw ExitCode(1)
        }
    }

    static func print(_ state: LiveRunState) {
        Swift.print("run            \(state.runID) (\(state.mode)): \(state.state)")
        if let halt = state.halt { Swift.print("halted         \(TerminalText.safe(halt, limit: 2000, singleLine: true))") }
        if state.differences.isEmpty {
            Swift.print("differences    none")
        } else {
            for (index, difference) in state.differences.enumerated() {
                Swift.print("\(index == 0 ? "differences    " : "               ")\(TerminalText.safe(difference, limit: 300, singleLine: true))")
            }
        }
        if let accepted = state.acceptedAt {
            Swift.print("accepted at    \(Date(timeIntervalSince1970: Double(accepted) / 1e9))")
        }
    }
}
