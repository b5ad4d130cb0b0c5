import CTrellis
import Foundation
import Logging

extension Engine {
    /// The graceful end of a paper or live run: market data stops coming in; orders still open
    /// are canceled (or kept, as the graph says); the brokers' last answers are taken for at
    /// most `timeout` seconds; then every node deactivates (it may still emit).
    func finishLive(cancelOpen: Bool, timeout: Double) {
        attached(.event) {
            live?.stopping = true
            if cancelOpen { cancelOpenOrders() }
            takeLastAnswers(until: WallClock.now() + Int64(timeout * 1e9))
            for index in 0..<nodeCount {
                guard let deactivate = slots[index].methods.pointee.deactivate else { continue }
                let status = inPhase(.deactivate, slot: index) { deactivate(slots[index].instance) }
                if status != TRELLIS_OK { noteFailure(slot: index, status: status, during: "deactivate") }
                drain()
            }
            if cancelOpen {
                venue.expireAll(now: state.pointee.now) { queue.pointee.append($0, size: $1) }
                drain()
            }
            for venue in shadowVenues { venue.expireAll(now: state.pointee.now) { queue.pointee.append($0, size: $1) } }
            drain()
            sendShadowStep(at: state.pointee.now, final: true)
        }
    }

    /// Cancels every order resting at a broker, on its origin's behalf.
    private func cancelOpenOrders() {
        for (clientID, sent) in brokers.byClientID.sorted(by: { $0.key < $1.key }) {
            guard let record = orders[sent.key] else { continue }
            var cancel = record.order
            cancel.action = TRELLIS_ACTION_CANCEL
            cancel.client_order_id = clientID
            cancel.header.ts_ns = state.pointee.now
            withUnsafePointer(to: cancel) { pointer in
                pointer.withMemoryRebound(to: trellis_event_header.self, capacity: 1) { call(sent.broker, $0) }
            }
            drain()
        }
    }

    /// Takes inputs until no order rests at a broker or `deadline` (wall ns) passes. A replay takes what is left of its recording.
    private func takeLastAnswers(until deadline: Int64) {
        guard let live else { return }
        if let replay = live.replay {
            while live.replayCursor < replay.count {
                let input = replay[live.replayCursor]
                live.replayCursor += 1
                take(input)
            }
            return
        }
        while !brokers.byClientID.isEmpty, WallClock.now() < deadline {
            let wall = WallClock.now()
            let wake = min(deadline, state.pointee.nextTimer > wall ? min(state.pointee.nextTimer, wall + live.tickNanoseconds) : wall)
            var inputs = live.inbox.take(waitingUntil: wake, ignoringStop: true)
            for index in inputs.indices {
                inputs[index].takenAt = WallClock.now()
                take(inputs[index])
            }
            let end = LiveInput(kind: .tick, slot: -1, takenAt: WallClock.now())
            if !inputs.isEmpty || state.pointee.nextTimer <= end.takenAt {
                endPass(at: end.takenAt)
                live.recorder?(inputs + [end])
            }
        }
        if !brokers.byClientID.isEmpty {
            logger.warning("\(brokers.byClientID.count) order(s) still open at brokers after the stop's time ran out; they are left as they are")
        }
    }
}
