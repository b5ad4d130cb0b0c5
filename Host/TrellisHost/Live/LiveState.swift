import CTrellis

/// What the engine keeps for a paper, live or replayed run: where inputs come from, where
/// requests go, the nodes' network callbacks and what the graph lets each node reach.
final class LiveState {
    let inbox: Inbox
    let transport: any LiveTransport
    /// A replay's recorded inputs, taken in order instead of the inbox's.
    let replay: [LiveInput]?
    var replayCursor = 0
    /// Called with every batch of inputs taken, ticks included, for the journal.
    var recorder: (([LiveInput]) -> Void)?
    /// Called after each pass of the loop (status pages, metrics); throttling is its business.
    var afterPass: ((Engine) -> Void)?
    /// Called after each input from the network, with its times; when set, the transport stamps
    /// the inputs as they arrive.
    var inputTiming: ((InputTiming) -> Void)?
    /// The longest the loop waits for an input before it looks at the clock and the timers.
    var tickNanoseconds: Int64 = 50_000_000
    /// Where a resumed run starts from (`--resume`); its brokers reconcile before it trades.
    var resumePoint: ResumePoint?
    /// Per slot: where the node may connect and listen, and which secrets it may read.
    let permissions: [NodePermissions]
    let secrets: SecretStore
    /// While history replays before live trading: every event carries TRELLIS_EVENT_FLAG_WARMUP
    /// and the host denies orders.
    var warmingUp = false
    /// The run is stopping: market data that still arrives reaches no venue and no node.
    var stopping = false
    /// A market step is open: the next event of another time, or the pass's end, closes it.
    var stepOpen = false
    var stepTime: Int64 = 0
    /// Requests, sockets and listeners of nodes, by the engine's id for them.
    var nextID: UInt64 = 0
    var httpCalls: [UInt64: NetCallback] = [:]
    var sockets: [UInt64: NetCallback] = [:]
    var listeners: [UInt64: NetCallback] = [:]
    var connections: [UInt64: UInt64] = [:]
    /// What nodes sent out (requests, messages), hashed in order: a replay must send the same.
    var outputs = OutputDigest()
    /// When the current pass of the loop began taking inputs (wall ns).
    var passStartedAt: Int64 = 0
    /// Inputs taken.
    var inputsTaken = 0
    /// Per node slot and instrument id: the feed id (`live:` in the graph) its market events arrive as.
    var liveFeeds: [Int: [UInt32: UInt32]] = [:]

    /// An aligned copy of the posted event being taken (`TRELLIS_EVENT_MAX_SIZE` bytes, made once):
    /// a post's bytes sit in an array, with no alignment promised.
    let postedRecord = UnsafeMutableRawPointer.allocate(byteCount: Int(TRELLIS_EVENT_MAX_SIZE), alignment: 16)

    deinit { postedRecord.deallocate() }

    init(inbox: Inbox, transport: any LiveTransport, replay: [LiveInput]?, permissions: [NodePermissions], secrets: SecretStore) {
        self.inbox = inbox
        self.transport = transport
        self.replay = replay
        self.permissions = permissions
        self.secrets = secrets
    }

    /// A node's callback for a request, socket or listener.
    struct NetCallback {
        var slot: Int
        var user: UnsafeMutableRawPointer?
        var function: UnsafeRawPointer
    }
}
