import CTrellis
import CTrellisGuard
import Foundation
import Logging
import Synchronization
import TrellisSDK

extension Engine {
    /// Replays the tape. Per timestamp: the venue fills what is due at each market event, the
    /// event goes to its feed's consumers in topological order, and after the timestamp's last
    /// event the due timers fire, the account's equity is recorded and the risk nodes receive the
    /// account (they also receive it once before the first event). `progress` is called with
    /// (events done, events in all) every 64Ki events.
    func run(progress: ((Int, Int) -> Void)? = nil) {
        attached(.event) { replay(progress: progress) }
    }

    private func replay(progress: ((Int, Int) -> Void)?) {
        let count = tape.count
        var index = 0
        if count > 0 { state.pointee.now = tape.openTime(0) }
        sendShadowBranches()
        if !riskSlots.isEmpty, count > 0 { sendAccount(at: state.pointee.now) }
        while index < count {
            let time = tape.timestamp(index)
            openStep(at: time, open: tape.openTime(index))
            repeat {
                marketEvent(tape.event(index))
                index += 1
                if index & 0xFFFF == 0 { progress?(index, count) }
                if watch.pointee.kill_requested == 1 { noticeKillRequest() }
            } while index < count && tape.timestamp(index) == time
            closeStep(at: time)
        }
        progress?(count, count)
    }

    /// Begins the market's timestamp `time` (its bars opened at `open`): the timers due before it fire.
    @inline(__always)
    func openStep(at time: Int64, open: Int64) {
        fireTimers(before: time)
        state.pointee.now = time
        stepOpen = open
    }

    /// A market event of the current step: the venues fill what is due at it (their updates and
    /// fills reach the nodes first), then its feed's consumers receive it.
    @inline(__always)
    func marketEvent(_ event: UnsafePointer<trellis_event_header>) {
        venue.onMarketEvent(event) { queue.pointee.append($0, size: $1) }
        if !shadowVenues.isEmpty {
            for shadowVenue in shadowVenues { shadowVenue.onMarketEvent(event) { queue.pointee.append($0, size: $1) } }
            paperBaseline?.onMarketEvent(event) { _, _ in }
        }
        if !queue.pointee.isEmpty { drain() }
        deliver(event, from: Int(event.pointee.source))
    }

    /// Ends the step at `time`: the timers due by then fire, the venues record equity, the
    /// testers get the ledgers, the daily-loss limits look at the equity and the risk nodes get
    /// the account.
    @inline(__always)
    func closeStep(at time: Int64) {
        fireTimers(before: time + 1)
        venue.closeStep(at: time, openTime: stepOpen)
        if shadow.isActive {
            for shadowVenue in shadowVenues { shadowVenue.closeStep(at: time, openTime: stepOpen) }
            paperBaseline?.closeStep(at: time, openTime: stepOpen)
            sendShadowStep(at: time)
        }
        // In a live run the daily-loss limit waits for a broker's account: the simulated one's
        // equity is not the venue's, and a day begun on it would misjudge the first report.
        if limits.watchesEquity, !routesOrdersToBrokers || !brokers.reportedEquity.isEmpty,
            let reason = limits.observe(equity: accountEquity, at: time)
        {
            logger.warning("the host halts: \(reason); every new order is denied from now on")
        }
        if !riskSlots.isEmpty { sendAccount(at: time) }
    }

    /// Delivers `event` from source id `source` to its consumers, honouring gates, and drains
    /// what each consumer emits before the next one runs.
    @inline(__always)
    func deliver(_ event: UnsafePointer<trellis_event_header>, from source: Int) {
        let start = routing.consumerStart[source], end = routing.consumerStart[source + 1]
        var cursor = start
        while cursor < end {
            let slot = routing.consumers[cursor]
            cursor += 1
            if !slots[slot].gates.isEmpty && !gateAdmits(slot, source: source) { continue }
            call(slot, event)
            if !queue.pointee.isEmpty { drain() }
        }
    }

    /// A gated node receives input while its gates are open, and its gate nodes' signals always
    /// (so it can tell it was switched off).
    private func gateAdmits(_ slot: Int, source: Int) -> Bool {
        if routing.isOpen(slots[slot].gates) { return true }
        guard let sourceSlot = self.slot(ofID: UInt32(source)) else { return false }
        return slots[slot].gates.contains { routing.gateGroups[$0].node == sourceSlot }
    }

    /// Calls node `slot`'s on_event.
    @inline(__always)
    func call(_ slot: Int, _ event: UnsafePointer<trellis_event_header>) {
        guard let onEvent = slots[slot].onEvent else { return }
        watch.pointee.current = Int32(slot)
        watch.pointee.calls &+= 1
        state.pointee.emitted = 0
        let status = onEvent(slots[slot].instance, event)
        watch.pointee.current = -1
        slots[slot].delivered &+= 1
        if status < 0 { noteFailure(slot: slot, status: status) }
    }

    /// Delivers queued events until none is left; delivery may queue more, and drains them
    /// (nested); the outermost drain frees the space.
    func drain() {
        state.pointee.drainDepth += 1
        while let event = queue.pointee.pop() {
            route(event)
        }
        state.pointee.drainDepth -= 1
        if state.pointee.drainDepth == 0 { queue.pointee.reset() }
    }

    private func route(_ event: UnsafeMutablePointer<trellis_event_header>) {
        let source = Int(event.pointee.source)
        switch Int32(event.pointee.type) {
        case TRELLIS_EVENT_SIGNAL:
            if let slot = slot(ofID: UInt32(source)) {
                let signal = UnsafeRawPointer(event).load(as: trellis_signal.self)
                let label = Routing.Label(signal.label)
                if gatesOthers[slot] && label != routing.lastLabel[slot] {
                    labelLog.append(RunResult.LabelChange(node: names[source], time: stepOpen, label: signal.labelText))
                }
                routing.lastLabel[slot] = label
            }
            deliver(UnsafePointer(event), from: source)
        case TRELLIS_EVENT_ORDER:
            routeOrder(event)
        case TRELLIS_EVENT_ORDER_UPDATE, TRELLIS_EVENT_FILL:
            routeOutcome(event)
        case TRELLIS_EVENT_BAR where live != nil && source > feedCount, TRELLIS_EVENT_TRADE where live != nil && source > feedCount,
            TRELLIS_EVENT_QUOTE where live != nil && source > feedCount:
            liveMarketEvent(event)
        case TRELLIS_EVENT_POSITION where reconciliation != nil && source > feedCount:
            noteReconciledPosition(UnsafePointer(event))
        case TRELLIS_EVENT_ACCOUNT where source > feedCount:
            // A broker's account: in live runs the daily-loss limit judges its equity.
            if let broker = slot(ofID: UInt32(source)) { brokers.reportedEquity[broker] = UnsafeRawPointer(event).load(as: trellis_account.self).equity }
            deliver(UnsafePointer(event), from: source)
        default:
            deliver(UnsafePointer(event), from: source)
        }
    }

    /// Fires the timers due before `time`, each at its own time.
    @inline(__always)
    func fireTimers(before time: Int64) {
        if state.pointee.nextTimer < time { fireDueTimers(before: time) }
    }

    private func fireDueTimers(before time: Int64) {
        while let timer = timers.next, timer.time < time {
            _ = timers.pop()
            state.pointee.nextTimer = timers.next?.time ?? .max
            state.pointee.now = max(state.pointee.now, timer.time)
            var event = trellis_timer()
            event.header = trellis_event_header(
                size: UInt32(MemoryLayout<trellis_timer>.size), type: UInt16(TRELLIS_EVENT_TIMER), flags: 0,
                ts_ns: state.pointee.now, instrument: 0, source: 0)
            event.timer_id = timer.id
            event.scheduled_ns = timer.time
            withUnsafePointer(to: event) { pointer in
                pointer.withMemoryRebound(to: trellis_event_header.self, capacity: 1) { call(timer.slot, $0) }
            }
            drain()
        }
    }

    /// `trellis_host.emit`: checks the event, copies it to the queue and stamps it.
    func emit(from slot: Int, _ event: UnsafePointer<trellis_event_header>) -> trellis_status {
        guard trellis_guard_on_engine_thread(watch) != 0 else { return refuseOffThreadEmit(from: slot) }
        let phase = watch.pointee.phase
        guard watch.pointee.current == slot, phase != CrashReporter.Phase.create.rawValue, phase != CrashReporter.Phase.destroy.rawValue else {
            return TRELLIS_ERR_STATE
        }
        state.pointee.emitted += 1
        if state.pointee.emitted > maxEventsPerCallback {
            if state.pointee.emitted == maxEventsPerCallback + 1 {
                noteProblem(
                    slot: slot,
                    "emitted more than \(maxEventsPerCallback) events in one callback; the rest of them are refused (limits.max_events_per_callback)")
            }
            return TRELLIS_ERR_DENIED
        }
        return admitFromNode(slot, event)
    }

    /// Takes an event node `slot` sent (emitted in a callback, or posted from any thread and now
    /// taken by the engine thread): checked, copied to the queue and stamped.
    func admitFromNode(_ slot: Int, _ event: UnsafePointer<trellis_event_header>) -> trellis_status {
        if let problem = EventLayout.problem(with: event) {
            noteProblem(slot: slot, "refused \(OrderChecks.article(event.pointee.type)): \(problem)")
            return TRELLIS_ERR_INVALID
        }
        // The checks read the copy, zero-padded to the size this host knows: a record from an
        // older plugin is never read past its end.
        let copy = queue.pointee.append(UnsafeRawPointer(event), size: Int(event.pointee.size), paddedTo: EventLayout.knownSize[Int(event.pointee.type)])
        let status = admit(copy, from: slot)
        guard status == TRELLIS_OK else {
            queue.pointee.removeLast(copy)
            return status
        }
        copy.pointee.source = nodeID(slot)
        if slots[slot].isTester, copy.pointee.type == UInt16(TRELLIS_EVENT_CUSTOM) { recordVerdict(from: slot, UnsafePointer(copy)) }
        if copy.pointee.type == UInt16(TRELLIS_EVENT_ORDER) {
            stampOrder(UnsafeMutableRawPointer(copy).assumingMemoryBound(to: trellis_order.self), from: slot)
        }
        return TRELLIS_OK
    }

    /// Whether node `slot` may send `event` (a padded copy): its numbers, its kind's rights, an
    /// order's fields.
    private func admit(_ event: UnsafeMutablePointer<trellis_event_header>, from slot: Int) -> trellis_status {
        if let problem = EventValues.problem(with: event) {
            noteProblem(slot: slot, "refused \(OrderChecks.article(event.pointee.type)): \(problem)")
            return TRELLIS_ERR_INVALID
        }
        let kind = slots[slot].kind
        switch Int32(event.pointee.type) {
        case TRELLIS_EVENT_ORDER where !kind.placesOrders,
            TRELLIS_EVENT_FILL where kind != .broker,
            TRELLIS_EVENT_ORDER_UPDATE where kind != .broker,
            TRELLIS_EVENT_POSITION where kind != .broker,
            TRELLIS_EVENT_ACCOUNT where kind != .broker,
            TRELLIS_EVENT_TIMER:
            noteProblem(slot: slot, "refused an event of type \(OrderChecks.typeName(event.pointee.type)): \(kind) nodes may not send it")
            return TRELLIS_ERR_DENIED
        case TRELLIS_EVENT_ORDER:
            if let problem = OrderChecks.problem(with: UnsafePointer(event)) {
                noteProblem(slot: slot, "refused an order: \(problem)")
                return TRELLIS_ERR_UNSUPPORTED
            }
        default:
            break
        }
        return TRELLIS_OK
    }
}
