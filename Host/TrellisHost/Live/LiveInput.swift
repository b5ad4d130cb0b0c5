import CTrellis

/// One thing from outside the engine thread, in the order the engine takes it: an event a node
/// posted, or a network answer for a node. Recorded in paper and live runs, it is what
/// `trellis replay` feeds the same graph again.
struct LiveInput: Sendable, Equatable {
    enum Kind: Int, Sendable {
        /// `trellis.post/1`: `payload` is the event record.
        case posted = 1
        /// An HTTP answer to request `id`: `status`, `outcome`, `headers`, `payload` (the body), `text` (error).
        case http = 2
        /// A WebSocket event of socket `id`: `event` (TRELLIS_NET_EVENT_*), `binary` in `status`,
        /// `outcome`, close `code`, `payload` (a message, or a close's reason).
        case webSocket = 3
        /// A TCP event of listener `id` and `connection`: `event`, `outcome`, `code` (a bound port),
        /// `payload` (bytes, or a peer's address).
        case tcp = 4
        /// The end of one pass of the loop, at `takenAt`: timers due by then fired and the
        /// market step closed. A replay runs its passes at the same times.
        case tick = 5
        /// The live loop began at `takenAt` (a replay begins at the same time).
        case start = 6
        /// The live loop ended here, for the reason in `text`; what follows is the stop.
        case stop = 7
        /// `trellis kill` halted the host here.
        case halt = 8
    }

    var kind: Kind
    /// The node's slot.
    var slot: Int
    var id: UInt64 = 0
    var connection: UInt64 = 0
    var event: Int32 = 0
    var status: Int32 = 0
    var outcome: Int32 = 0
    var code: Int32 = 0
    var elapsed: Int64 = 0
    var headers: [HTTPHeaderField] = []
    var payload: [UInt8] = []
    var text = ""
    /// When the engine took it (wall time, ns): a replay runs each input at its recorded time.
    var takenAt: Int64 = 0
    /// When the transport handed it to the inbox (wall time, ns); stamped only when the run
    /// times its inputs (`Backtest.Options.inputTiming`, the operator's metrics), never recorded.
    var arrivedAt: Int64 = 0

    /// An HTTP header as the host passes it on.
    struct HTTPHeaderField: Sendable, Equatable, Codable {
        var name: String
        var value: String
    }
}

/// How long the engine took over one input from the network, in wall time (ns since the Unix
/// epoch): for `Backtest.Options.inputTiming` (the latency benchmark) and the operator's
/// event-to-order histogram.
public struct InputTiming: Sendable {
    /// What kind of input it was.
    public enum Source: Sendable {
        case http, webSocket, tcp
    }

    public var source: Source
    /// The transport handed it to the engine's inbox (the message was read, or the answer came).
    public var arrivedAt: Int64
    /// The engine thread took it from the inbox.
    public var takenAt: Int64
    /// The engine was done with it: the node's callback returned, and what it emitted was routed,
    /// delivered, and sent on to brokers, whose requests were handed to the transport.
    public var doneAt: Int64
    /// New orders it caused (client order ids the host gave).
    public var orders: Int
    /// Requests and messages nodes sent out through the host's network services meanwhile.
    public var sent: Int
}
