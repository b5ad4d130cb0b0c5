import CTrellis
import Foundation
import Synchronization

/// What other threads hand the engine thread: inputs in arrival order, and a wake-up. Posting
/// copies, never blocks on the engine and is refused when the inbox holds `capacity` bytes, so a
/// producer faster than the engine cannot take the host's memory.
final class Inbox: Sendable {
    private struct State {
        var inputs: [LiveInput] = []
        var bytes = 0
        var dropped = 0
        var stopReason: String?
        /// 0: closed; 1: everything; 2: everything but market data (a stop was asked).
        var intake = 0
    }

    private let state = Mutex(State())
    private let signal = Signal()
    let capacity: Int

    init(capacity: Int = 64 << 20) { self.capacity = capacity }

    /// Adds an input; false when the inbox is full (it is counted). A network answer is never
    /// lost that way: one that does not fit goes in without its payload, failed, so the node's
    /// callback still runs (and learns the answer is gone) and a closed socket is still closed.
    @discardableResult
    func put(_ input: LiveInput) -> Bool {
        let size = input.payload.count + input.text.utf8.count + 64
        let accepted = state.withLock { state -> Bool in
            guard state.bytes + size <= capacity else {
                state.dropped += 1
                guard input.kind != .posted else { return false }
                var trimmed = input
                trimmed.payload = []
                trimmed.headers = []
                if trimmed.kind == .http || trimmed.event == TRELLIS_NET_EVENT_MESSAGE {
                    trimmed.outcome = TRELLIS_NET_CANCELED
                    trimmed.text = "dropped: the engine's inbox was full (\(capacity >> 20) MiB)"
                }
                state.inputs.append(trimmed)
                return true
            }
            state.inputs.append(input)
            state.bytes += size
            return true
        }
        if accepted { signal.wake() }
        return accepted
    }

    /// Opens the inbox to posts (a node's `activate` may post) or closes it.
    func setIntake(open: Bool) { state.withLock { $0.intake = open ? 1 : 0 } }

    /// Whether a post of market data (or of anything else) is taken now.
    func accepts(market: Bool) -> Bool {
        state.withLock { state in state.intake == 1 || (state.intake == 2 && !market) }
    }

    /// Asks the engine thread to stop (a signal, `trellis kill`, a test): the loop ends after the inputs already taken.
    func requestStop(_ reason: String) {
        state.withLock { state in
            if state.stopReason == nil { state.stopReason = reason }
            if state.intake == 1 { state.intake = 2 }
        }
        signal.wake()
    }

    var stopReason: String? { state.withLock { $0.stopReason } }
    /// Inputs refused because the inbox was full.
    var dropped: Int { state.withLock { $0.dropped } }
    var depth: Int { state.withLock { $0.inputs.count } }

    /// Takes every input waiting, waiting until `deadline` (wall ns) for the first when there is
    /// none; a stop asked for ends the wait at once, unless `ignoringStop` (the stop's own window).
    func take(waitingUntil deadline: Int64, ignoringStop: Bool = false) -> [LiveInput] {
        while true {
            let taken = state.withLock { state -> [LiveInput]? in
                guard !state.inputs.isEmpty || (state.stopReason != nil && !ignoringStop) else { return nil }
                defer {
                    state.inputs.removeAll(keepingCapacity: true)
                    state.bytes = 0
                }
                return state.inputs
            }
            if let taken { return taken }
            guard signal.wait(until: deadline) else { return [] }
        }
    }
}

/// A wake-up flag with a timed wait.
private final class Signal: @unchecked Sendable {
    private let condition = NSCondition()
    private var raised = false

    func wake() {
        condition.lock()
        raised = true
        condition.signal()
        condition.unlock()
    }

    /// Waits for a wake-up until `deadline` (wall ns); false when the time ran out.
    func wait(until deadline: Int64) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        let date = Date(timeIntervalSince1970: Double(deadline) / 1e9)
        while !raised {
            if !condition.wait(until: date) { return false }
        }
        raised = false
        return true
    }
}
