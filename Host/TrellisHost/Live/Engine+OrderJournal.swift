import CTrellis
import Logging

/// Write-ahead orders (docs/journal.md): in a paper or live run with a journal, an order intent is
/// committed before it leaves the host, and what comes back is appended once per pass. A journal
/// that cannot be written halts trading: nothing is ever sent unjournaled.
extension Engine {
    /// Commits `order` (going to the broker in `broker`, or to the paper venue) to the journal.
    /// False when it cannot be: the order must not leave, and trading halts.
    func journalIntent(_ order: trellis_order, broker: Int?) -> Bool {
        guard let orderJournal else { return true }
        let intent = OrderJournal.Intent(
            clientID: order.client_order_id, node: names[Int(order.origin)], orderID: order.order_id, broker: broker.map { graph.nodes[$0].name },
            symbol: instruments.symbol(order.header.instrument), side: order.side, type: order.order_type, timeInForce: order.time_in_force,
            sizeMode: order.size_mode, flags: order.order_flags, quantity: order.quantity, limitPrice: order.limit_price, stopPrice: order.stop_price,
            time: state.pointee.now)
        do {
            try orderJournal.commit(intent)
            return true
        } catch {
            haltForJournal(error)
            return false
        }
    }

    /// Notes an order update or fill of the graph's own orders for the next commit.
    func journalOutcome(_ event: UnsafePointer<trellis_event_header>) {
        guard let orderJournal else { return }
        let raw = UnsafeRawPointer(event)
        let recovered = event.pointee.flags & UInt16(TRELLIS_EVENT_FLAG_RECOVERED) != 0
        if event.pointee.type == UInt16(TRELLIS_EVENT_FILL) {
            let fill = raw.load(as: trellis_fill.self)
            guard fill.client_order_id != 0 else { return }
            orderJournal.note(
                OrderJournal.Fill(
                    clientID: fill.client_order_id, tradeID: readFixed(fill.venue_trade_id), time: event.pointee.ts_ns, node: names[Int(fill.origin)],
                    symbol: instruments.symbol(event.pointee.instrument), side: fill.side, quantity: fill.quantity, price: fill.price,
                    commission: fill.commission, recovered: recovered))
        } else {
            let update = raw.load(as: trellis_order_update.self)
            guard update.client_order_id != 0 else { return }
            orderJournal.note(
                OrderJournal.Update(
                    clientID: update.client_order_id, time: event.pointee.ts_ns, status: update.status, filled: update.filled_quantity,
                    leaves: update.leaves_quantity, averagePrice: update.average_price, reasonCode: update.reason_code, venueCode: update.venue_code,
                    reason: readFixed(update.reason), venueOrderID: readFixed(update.venue_order_id), recovered: recovered))
        }
    }

    /// Commits what was noted since the last commit.
    func flushOrderJournal() {
        guard let orderJournal, orderJournal.hasPending else { return }
        do {
            try orderJournal.flush()
        } catch {
            haltForJournal(error)
        }
    }

    /// Halts trading because the journal cannot be written, and says so once.
    func haltForJournal(_ error: JournalError) {
        guard journalFailure == nil else { return }
        journalFailure =
            "the journal cannot be written (\(error.message)); trading is halted, nothing is sent unjournaled. Fix the journal, stop the run, and continue it with 'trellis run ... --resume last'"
        logger.critical("\(journalFailure ?? "")")
        hold = journalFailure
    }

    /// Commits what is left and marks the run's row stopped, or halted and why.
    func endOrderJournal() {
        guard let orderJournal else { return }
        do {
            try orderJournal.end(state: hold == nil ? "stopped" : "halted", halt: hold, at: WallClock.now())
        } catch {
            logger.critical("the end of run \(orderJournal.runID) could not be journaled: \(error.message)")
        }
    }
}
