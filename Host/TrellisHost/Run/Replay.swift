import Foundation

/// `trellis replay`: runs a recorded paper or live session again, offline. The same graph (as the
/// journal stored it) takes the recorded inputs at their recorded times; nothing is sent anywhere.
/// Deterministic nodes make the same decisions, so the fingerprint and the digest of what the
/// nodes sent out must come out the same.
public enum Replay {
    /// A replay next to the run it replays.
    public struct Outcome: Sendable {
        public var original: RunResult
        public var replayed: RunResult
        public var inputs: Int

        public var fingerprintMatches: Bool { original.fingerprint == replayed.fingerprint }
        public var outputsMatch: Bool { original.live?.outputsSHA256 == replayed.live?.outputsSHA256 }
    }

    /// Replays run `reference` ("last", an id or the start of one) of `journal`.
    public static func run(_ reference: String, journal: Journal, options base: Backtest.Options) throws -> Outcome {
        let original = try journal.load(reference)
        guard let mode = RunMode(rawValue: original.mode), mode != .backtest else {
            throw JournalError("run \(original.runID) is a \(original.mode); only paper and live runs are recorded: run the graph again to repeat a backtest")
        }
        let inputs = try journal.liveInputs(runID: original.runID)
        guard !inputs.isEmpty else { throw JournalError("run \(original.runID) recorded no inputs; it cannot be replayed") }
        var options = base
        options.mode = mode
        options.replay = inputs
        options.clientOrderIDBase = original.live?.clientOrderIDBase
        options.restored = try journal.restored(runID: original.runID)
        options.transport = SilentTransport()
        options.recordIn = nil
        options.stopAfter = nil
        let (spec, _) = GraphReader.read(original.graphText, file: original.graphFile)
        options.realMoney = mode == .live && (spec?.live.realMoney ?? false)
        let run = try Backtest.prepare(text: original.graphText, file: original.graphFile, options: options)
        let replayed = try run.run()
        return Outcome(original: original, replayed: replayed, inputs: inputs.count)
    }
}
