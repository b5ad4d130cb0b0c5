import CTrellis
import CTrellisGuard
import Logging

extension Engine {
    /// `trellis.post/1` post, from any thread: copies the event into the inbox. Only the inbox
    /// (thread-safe) and the engine's `live`, set before any node is activated, are touched.
    func post(from slot: Int, _ event: UnsafePointer<trellis_event_header>) -> trellis_status {
        guard let live else { return TRELLIS_ERR_STATE }
        // A replay takes the recorded posts: what a node's thread posts again is let go.
        if live.replay != nil { return TRELLIS_OK }
        let size = Int(event.pointee.size)
        guard size >= MemoryLayout<trellis_event_header>.size, size <= Int(TRELLIS_EVENT_MAX_SIZE) else { return TRELLIS_ERR_INVALID }
        let type = Int32(event.pointee.type)
        let market = type == TRELLIS_EVENT_BAR || type == TRELLIS_EVENT_TRADE || type == TRELLIS_EVENT_QUOTE
        guard live.inbox.accepts(market: market) else { return TRELLIS_ERR_STATE }
        let payload = Array(UnsafeRawBufferPointer(start: UnsafeRawPointer(event), count: size))
        return live.inbox.put(LiveInput(kind: .posted, slot: slot, payload: payload)) ? TRELLIS_OK : TRELLIS_ERR_DENIED
    }

    /// `trellis.instruments/1` register_instrument.
    func registerInstrument(from slot: Int, _ record: UnsafePointer<trellis_instrument>, id out: UnsafeMutablePointer<UInt32>?) -> trellis_status {
        let minimum = MemoryLayout<trellis_instrument>.offset(of: \.multiplier)! + 8
        guard Int(record.pointee.struct_size) >= minimum else { return TRELLIS_ERR_TOO_SMALL }
        let value = record.pointee
        let symbol = String(value.symbol)
        let sizes = [value.tick_size, value.lot_size, value.min_quantity, value.min_notional, value.multiplier]
        guard !symbol.isEmpty, symbol.utf8.count <= 64, sizes.allSatisfy({ $0.isFinite && $0 >= 0 && $0 <= NumericBounds.price }) else {
            noteProblem(slot: slot, "refused an instrument: an empty symbol, or a size that is negative, NaN, infinite or beyond 1e12")
            return TRELLIS_ERR_INVALID
        }
        guard let id = instruments.register(value, symbol: symbol, venue: String(value.venue), currency: String(value.currency)) else {
            noteProblem(
                slot: slot,
                "could not register instrument '\(TerminalText.safe(symbol, limit: 64))': the run holds \(instruments.capacity) instruments, its most")
            return TRELLIS_ERR_NO_MEMORY
        }
        out?.pointee = id
        return TRELLIS_OK
    }

    /// A problem of node `slot` found by a function that may run on any thread: counted and kept
    /// for the status page on the engine thread; only logged on another (the engine's tables are
    /// not touched from there).
    func noteFromAnyThread(slot: Int, _ message: String) {
        if trellis_guard_on_engine_thread(watch) != 0 {
            noteProblem(slot: slot, message)
        } else {
            logger.warning("\(message)", metadata: ["node": "\(names[Int(nodeID(slot))])"])
        }
    }

    /// `trellis.secrets/1` get: only secrets the graph lists for the node.
    func secret(
        for slot: Int, named name: String, into out: UnsafeMutablePointer<CChar>?, capacity: UInt64, length: UnsafeMutablePointer<UInt64>?
    ) -> trellis_status {
        guard let live else { return TRELLIS_ERR_NOT_FOUND }
        guard live.permissions[slot].secrets.contains(name) else {
            noteFromAnyThread(slot: slot, "asked for secret '\(TerminalText.safe(name, limit: 64))', which the graph does not list under its secrets:")
            return TRELLIS_ERR_DENIED
        }
        switch live.secrets.value(name) {
        case .missing:
            return TRELLIS_ERR_NOT_FOUND
        case .refused(let reason):
            noteFromAnyThread(slot: slot, reason)
            return TRELLIS_ERR_DENIED
        case .found(let value):
            let bytes = Array(value.utf8)
            length?.pointee = UInt64(bytes.count)
            guard let out, capacity > UInt64(bytes.count) else { return TRELLIS_ERR_TOO_SMALL }
            for (index, byte) in bytes.enumerated() { out[index] = CChar(bitPattern: byte) }
            out[bytes.count] = 0
            return TRELLIS_OK
        }
    }
}
