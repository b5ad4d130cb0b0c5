import Synchronization

/// Decides, from the seed, which faults strike: one generator for REST requests (drawn in the
/// order requests arrive) and one per WebSocket connection (drawn in message order).
final class FaultInjector: Sendable {
    /// The faults that strike one REST request.
    struct RESTDraw: Sendable {
        var delayMs = 0
        var timeout = false
        var lostResponse = false
        var reject = false
    }

    private struct State {
        var settings: FakeVenueFaults
        var generator: SeededGenerator
    }

    private let state: Mutex<State>
    private let seed: UInt64

    init(settings: FakeVenueFaults, seed: UInt64) {
        self.seed = seed
        state = Mutex(State(settings: settings, generator: SeededGenerator(seed: seed, stream: 1)))
    }

    /// The settings now in force.
    var settings: FakeVenueFaults {
        get { state.withLock { $0.settings } }
        set { state.withLock { $0.settings = newValue } }
    }

    /// Draws the faults of one REST request; every request draws the same number of values,
    /// so which fault strikes which request does not depend on the probabilities.
    func drawREST() -> RESTDraw {
        state.withLock { state in
            let settings = state.settings
            var draw = RESTDraw(delayMs: settings.delayMs)
            draw.timeout = state.generator.chance(settings.timeout)
            draw.reject = state.generator.chance(settings.reject)
            draw.lostResponse = state.generator.chance(settings.lostResponse)
            return draw
        }
    }

    /// The generator of WebSocket connection number `id`.
    func connectionGenerator(_ id: Int) -> SeededGenerator { SeededGenerator(seed: seed, stream: 1_000 + UInt64(id)) }
}
