import CDispatch
import CTrellis
import CTrellisGuard
import Foundation
import Glibc

extension Engine {
    /// Replays the graph's feeds before live trading, every event flagged
    /// TRELLIS_EVENT_FLAG_WARMUP: the nodes learn their indicators, the venue its last prices,
    /// and every order they send meanwhile is denied.
    func warmUp() {
        guard let live, tape.count > 0 else { return }
        live.warmingUp = true
        attached(.event) {
            var index = 0
            let count = tape.count
            var event = [UInt8](repeating: 0, count: 128)
            while index < count {
                let time = tape.timestamp(index)
                fireTimers(before: time)
                state.pointee.now = time
                stepOpen = tape.openTime(index)
                let record = tape.event(index)
                let size = Int(record.pointee.size)
                if event.count < size { event = [UInt8](repeating: 0, count: size) }
                event.withUnsafeMutableBytes { bytes in
                    bytes.baseAddress!.copyMemory(from: UnsafeRawPointer(record), byteCount: size)
                    let copy = bytes.baseAddress!.assumingMemoryBound(to: trellis_event_header.self)
                    copy.pointee.flags |= UInt16(TRELLIS_EVENT_FLAG_WARMUP)
                    venue.onMarketEvent(UnsafePointer(copy)) { queue.pointee.append($0, size: $1) }
                    if !queue.pointee.isEmpty { drain() }
                    deliver(UnsafePointer(copy), from: Int(copy.pointee.source))
                }
                index += 1
            }
        }
        live.warmingUp = false
    }

    /// The live loop: takes what plugins posted and the network answered, in arrival order, on
    /// this thread; fires timers on the wall clock; closes a market step when the data moves to
    /// another time or the pass ends. Returns why it stopped. A replay takes the recorded inputs
    /// instead and stops at their end.
    func runLive() -> String {
        attached(.event) { liveLoop() }
    }

    private func liveLoop() -> String {
        guard let live else { return "no live state" }
        if let replay = live.replay {
            if replay.first?.kind == .start { live.replayCursor = 1 }
            state.pointee.now = max(state.pointee.now, replay.first?.takenAt ?? 0)
        } else {
            state.pointee.now = max(state.pointee.now, WallClock.now())
            live.recorder?([LiveInput(kind: .start, slot: -1, takenAt: state.pointee.now)])
        }
        sendShadowBranches()
        if !riskSlots.isEmpty { sendAccount(at: state.pointee.now) }
        if let resumePoint = live.resumePoint { startReconciliation(accepted: resumePoint.accepted) }
        while true {
            if let replay = live.replay {
                guard live.replayCursor < replay.count else { return "the recording ended" }
                let input = replay[live.replayCursor]
                live.replayCursor += 1
                switch input.kind {
                case .stop: return input.text
                case .halt: noticeKillRequest()
                default: take(input)
                }
                continue
            }
            if watch.pointee.kill_requested == 1, limits.halt == nil {
                noticeKillRequest()
                live.recorder?([LiveInput(kind: .halt, slot: -1, takenAt: WallClock.now())])
            }
            let wall = WallClock.now()
            let nextTimer = state.pointee.nextTimer
            let deadline = nextTimer > wall ? min(nextTimer, wall + live.tickNanoseconds) : wall
            var inputs = live.inbox.take(waitingUntil: deadline)
            live.passStartedAt = WallClock.now()
            for index in inputs.indices {
                inputs[index].takenAt = WallClock.now()
                if let timing = live.inputTiming, inputs[index].arrivedAt != 0 {
                    take(inputs[index], timing: timing)
                } else {
                    take(inputs[index])
                }
            }
            // A pass matters when it took inputs, fires timers or closes a step: only then does it
            // move the engine's clock, and it is recorded, so a replay moves it alike.
            let end = LiveInput(kind: .tick, slot: -1, takenAt: WallClock.now())
            if !inputs.isEmpty || live.stepOpen || state.pointee.nextTimer <= end.takenAt {
                endPass(at: end.takenAt)
                inputs.append(end)
                live.recorder?(inputs)
            } else {
                // A quiet pass: a reconciliation whose broker never answers still times out.
                if reconciliation != nil { finishReconciliationIfDone() }
                live.afterPass?(self)
            }
            if let reason = live.inbox.stopReason {
                live.recorder?([LiveInput(kind: .stop, slot: -1, text: reason, takenAt: WallClock.now())])
                return reason
            }
        }
    }

    /// One input from outside, at its time: the timers due before it fire first.
    func take(_ input: LiveInput) {
        guard let live else { return }
        live.inputsTaken += 1
        state.pointee.now = max(state.pointee.now, input.takenAt)
        fireTimers(before: state.pointee.now)
        switch input.kind {
        case .posted: takePosted(input)
        case .http: deliverHTTP(input)
        case .webSocket: deliverWebSocket(input)
        case .tcp: deliverTCP(input)
        case .tick: endPass(at: input.takenAt)
        case .start, .stop, .halt: break
        }
    }

    /// An input from the network, timed: from its arrival to the end of what it caused.
    private func take(_ input: LiveInput, timing: (InputTiming) -> Void) {
        guard let live else { return }
        let orders = brokers.sequence, sent = live.outputs.count
        take(input)
        let doneAt = WallClock.now()
        let source: InputTiming.Source = input.kind == .http ? .http : input.kind == .tcp ? .tcp : .webSocket
        timing(
            InputTiming(
                source: source, arrivedAt: input.arrivedAt, takenAt: input.takenAt, doneAt: doneAt, orders: Int(brokers.sequence &- orders),
                sent: live.outputs.count - sent))
    }

    /// The end of one pass of the loop at `time`: due timers fire and an open market step closes.
    func endPass(at time: Int64) {
        guard let live else { return }
        state.pointee.now = max(state.pointee.now, time)
        fireTimers(before: state.pointee.now + 1)
        if live.stepOpen {
            live.stepOpen = false
            closeStep(at: state.pointee.now)
        }
        if reconciliation != nil { finishReconciliationIfDone() }
        if !unacceptedDifferences.isEmpty { checkAcceptance() }
        live.afterPass?(self)
    }

    /// An event a node posted: checked and routed as if the node emitted it now.
    private func takePosted(_ input: LiveInput) {
        guard let live, input.slot >= 0, input.slot < nodeCount, input.payload.count >= MemoryLayout<trellis_event_header>.size,
            input.payload.count <= Int(TRELLIS_EVENT_MAX_SIZE)
        else { return }
        input.payload.withUnsafeBytes { bytes in
            // The payload's bytes may sit anywhere: the record is read from an aligned copy.
            live.postedRecord.copyMemory(from: bytes.baseAddress!, byteCount: bytes.count)
            let event = live.postedRecord.assumingMemoryBound(to: trellis_event_header.self)
            event.pointee.size = UInt32(min(Int(event.pointee.size), bytes.count))
            let status = admitFromNode(input.slot, UnsafePointer(event))
            if status == TRELLIS_OK { drain() }
        }
    }

    /// A market event a feed or broker node sent in a paper or live run: it opens a new step when
    /// its time differs from the open one's, reaches the venues, then its consumers.
    func liveMarketEvent(_ event: UnsafeMutablePointer<trellis_event_header>) {
        guard let live else { return }
        if live.stopping { return }
        // The venues' tables are sized for the run's instruments: an id outside them is refused.
        guard event.pointee.instrument >= 1, Int(event.pointee.instrument) <= instruments.count else {
            if let slot = slot(ofID: event.pointee.source) {
                noteProblem(slot: slot, "refused market data for instrument \(event.pointee.instrument), which the host does not know; register it first")
            }
            return
        }
        if let slot = slot(ofID: event.pointee.source), let feed = live.liveFeeds[slot]?[event.pointee.instrument] {
            event.pointee.source = feed
        }
        if live.warmingUp { event.pointee.flags |= UInt16(TRELLIS_EVENT_FLAG_WARMUP) }
        let time = event.pointee.ts_ns
        if live.stepOpen, live.stepTime != time {
            closeStep(at: state.pointee.now)
        }
        if !live.stepOpen || live.stepTime != time {
            live.stepOpen = true
            live.stepTime = time
            if event.pointee.type == UInt16(TRELLIS_EVENT_BAR) {
                stepOpen = time - UnsafeRawPointer(event).load(as: trellis_bar.self).period_ns
            } else {
                stepOpen = time
            }
        }
        marketEvent(UnsafePointer(event))
    }
}

/// The wall clock in ns since the Unix epoch.
enum WallClock {
    static func now() -> Int64 {
        var time = timespec()
        clock_gettime(CLOCK_REALTIME, &time)
        return Int64(time.tv_sec) &* 1_000_000_000 &+ Int64(time.tv_nsec)
    }
}
