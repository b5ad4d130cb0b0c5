import CTrellis

/// What the host knows of the orders it sent to brokers: client order ids (DESIGN §5), which
/// broker each order went to, the executions already booked (by the venue's trade id), and the
/// account a broker reported last.
struct BrokerBook {
    /// Client order id → the order's key and the slot of the broker it went to.
    var byClientID: [UInt64: (key: OrderKey, broker: Int)] = [:]
    /// Client ids are `base + sequence`: deterministic in a backtest (base 0), distinct from an
    /// earlier run's in paper and live runs (the base is taken from the run's start).
    var base: UInt64 = 0
    var sequence: UInt64 = 0
    /// Venue trade ids booked, per client order id; kept for `tradeMemory` executions.
    private var trades: Set<TradeKey> = []
    private var tradeOrder: [TradeKey] = []
    private var tradeCursor = 0
    static let tradeMemory = 100_000
    /// Orders that reached a final state, kept for `finishedMemory` of them: a venue may report a
    /// fill after the final update, and the fill must still be booked.
    var finished: [UInt64: (key: OrderKey, broker: Int)] = [:]
    private var finishedOrder: [UInt64] = []
    static let finishedMemory = 10_000
    /// The account equity each broker (by slot) last reported (`TRELLIS_EVENT_ACCOUNT`), for the
    /// daily-loss limit in live runs.
    var reportedEquity: [Int: Double] = [:]

    /// Moves order `clientID` from the open ones to the finished ones.
    mutating func finish(_ clientID: UInt64) {
        guard let sent = byClientID.removeValue(forKey: clientID) else { return }
        finished[clientID] = sent
        finishedOrder.append(clientID)
        if finishedOrder.count > Self.finishedMemory {
            finished[finishedOrder.removeFirst()] = nil
        }
    }

    /// Where order `clientID` went, open or finished.
    func sent(_ clientID: UInt64) -> (key: OrderKey, broker: Int)? { byClientID[clientID] ?? finished[clientID] }

    struct TradeKey: Hashable {
        var clientID: UInt64
        var tradeID: String
    }

    /// The next client order id.
    mutating func nextClientID() -> UInt64 {
        sequence += 1
        return base &+ sequence
    }

    /// Notes an execution; false when it was booked before (a broker reporting it again).
    mutating func isNewTrade(clientID: UInt64, tradeID: String) -> Bool {
        guard !tradeID.isEmpty else { return true }
        let key = TradeKey(clientID: clientID, tradeID: tradeID)
        guard trades.insert(key).inserted else { return false }
        if tradeOrder.count < Self.tradeMemory {
            tradeOrder.append(key)
        } else {
            trades.remove(tradeOrder[tradeCursor])
            tradeOrder[tradeCursor] = key
            tradeCursor = (tradeCursor + 1) % Self.tradeMemory
        }
        return true
    }
}
