import CTrellis
import CTrellisGuard
import Foundation
import Glibc
import Logging
import Synchronization

/// One graph's deterministic, single-threaded event loop (DESIGN §4).
///
/// Ids: feed `i` has id `i + 1`; node slot `j` (topological order) has id `feedCount + 1 + j`;
/// id 0 is the host and its venue. Everything the loop touches per event lives behind `let`
/// pointers: no reference counting, no dictionary and no allocation per event. Nodes are never
/// re-entered: what they emit is queued and delivered after their callback returns.
final class Engine {
    let graph: ResolvedGraph
    let tape: MarketTape
    let instruments: InstrumentTable
    /// The venue of the graph's own orders.
    let venue: SimulatedVenue
    /// Challenger k's simulated venue, at index k − 1: its own ledger (docs/shadow.md).
    let shadowVenues: [SimulatedVenue]
    /// What the testers are sent and what they judged.
    var shadow: ShadowBook
    /// Orders that reach a broker node go to it rather than to the simulated venue.
    var routesOrdersToBrokers = false
    /// Client order ids and what brokers reported.
    var brokers = BrokerBook()
    /// Backtest, paper or live: what `create` tells the nodes (set before they are created).
    var runMode = RunMode.backtest
    /// A live run with real money (asked for by the command and the graph both).
    var realMoney = false
    /// Live runs with a `baseline: paper` challenger: a simulated copy of the champion's orders,
    /// filled at the live prices, that the challenger is judged against. Nothing it reports reaches a node.
    var paperBaseline: SimulatedVenue?
    /// The live runtime's state; nil in a backtest. Set before any node is activated, never after.
    var live: LiveState?
    /// Order updates dropped because they would move an order back in its lifecycle.
    var staleUpdates = 0
    /// The write-ahead order journal of a paper or live run with a journal.
    var orderJournal: OrderJournal?
    /// Why new orders are denied in a paper or live run, beyond the hard limits: a reconciliation
    /// going on or with differences, a journal that cannot be written. Nil while trading.
    var hold: String?
    /// Why the journal cannot be written, once it could not.
    var journalFailure: String?
    /// The reconciliation going on after `--resume`.
    var reconciliation: Reconciliation?
    /// Differences a reconciliation found, until an operator accepts them.
    var unacceptedDifferences: [ReconcileDifference] = []
    var lastAcceptanceCheck: Int64 = 0
    /// The last problems of nodes (paper and live runs), newest last, for the status page.
    var recentProblems: [(time: Int64, node: String, message: String)] = []
    let logger: Logger
    let feedCount: Int
    let nodeCount: Int

    let slots: UnsafeMutablePointer<NodeSlot>
    let hostTables: UnsafeMutablePointer<trellis_host>
    let contexts: UnsafeMutablePointer<HostContext>
    let routing: Routing
    let state: UnsafeMutablePointer<LoopState>
    let queue: UnsafeMutablePointer<EventQueue>

    /// Orders on their way or at the venue, by (origin id, order id). Touched per order only.
    var orders = OrderTable()
    var fingerprint = Fingerprint()
    /// Every order update and fill, for the journal (when `keepsOrderLog`).
    var orderLog = OrderLog()
    /// The host's hard limits and whether they halted it.
    var limits: HardLimits
    /// Files whose appearance halts the host (`trellis kill`); the watchdog thread looks for them
    /// every 50 ms of wall time and raises `watch.kill_requested`.
    var killRequests: [String] = []
    /// Requests older than this are for earlier runs (`kill/all` stays on disk).
    var killRequestsSince = Date.distantPast
    /// Every change of label of a node that gates others (a regime), for reports.
    var labelLog: [RunResult.LabelChange] = []
    /// Per slot: whether some node's `when:` reads its labels.
    let gatesOthers: [Bool]
    /// Slots of the risk nodes, in topological order: they receive the account after each timestamp.
    let riskSlots: [Int]
    /// When the current step's market events began (a bar's open).
    var stepOpen: Int64 = 0
    var keepsOrderLog = true
    var timers = TimerQueue()
    /// Per slot: host-assigned order ids handed out so far, and the node's last own order id.
    var hostOrderIDs: [UInt64]
    var lastOrderIDs: [UInt64]
    /// Node names by id (index 0 is the host).
    let names: [String]
    /// What the crash reporter and the watchdog know of this engine: the node running and its
    /// phase, its callback count, the kill request flag (CTrellisGuard).
    let watch: UnsafeMutablePointer<trellis_guard_engine>
    /// The most events a node may emit in one callback (`limits.max_events_per_callback`).
    let maxEventsPerCallback: Int
    /// Emits refused because they came from a thread that is not the engine's.
    let offThreadEmits = Atomic<Int>(0)

    struct LoopState {
        var now: Int64 = 0
        /// When the earliest pending timer fires; Int64.max when none is pending.
        var nextTimer = Int64.max
        /// Events the running callback has emitted so far.
        var emitted = 0
        /// Drains running, nested: the queue's space is reused when the outermost ends.
        var drainDepth = 0
    }

    /// `expectedSteps`: equity points to make room for (a backtest: one per timestamp of the tape).
    init(graph: ResolvedGraph, tape: MarketTape, instruments: InstrumentTable, logger: Logger, expectedSteps: Int? = nil) {
        self.graph = graph
        self.tape = tape
        self.instruments = instruments
        self.logger = logger
        feedCount = graph.spec.feeds.count
        nodeCount = graph.nodes.count
        names = ["host"] + graph.spec.feeds.map(\.name) + graph.nodes.map(\.name)
        let steps = expectedSteps ?? tape.count
        venue = SimulatedVenue(settings: graph.spec.venue, instruments: instruments, nodeNames: names, expectedSteps: steps, thinsCurve: expectedSteps != nil)
        shadowVenues = graph.shadow.challengers.map { [names] _ in
            SimulatedVenue(settings: graph.spec.venue, instruments: instruments, nodeNames: names, expectedSteps: steps, thinsCurve: expectedSteps != nil)
        }
        shadow = ShadowBook(graph: graph, feedCount: feedCount, expectedSteps: steps)
        limits = HardLimits(graph.spec.limits)
        let routing = Routing(graph: graph)
        self.routing = routing
        var gating = [Bool](repeating: false, count: nodeCount)
        for range in routing.gateRange {
            for group in range { gating[routing.gateGroups[group].node] = true }
        }
        gatesOthers = gating
        riskSlots = graph.nodes.indices.filter { graph.nodes[$0].type.kind == .risk }
        slots = .allocate(capacity: max(nodeCount, 1))
        hostTables = .allocate(capacity: max(nodeCount, 1))
        contexts = .allocate(capacity: max(nodeCount, 1))
        state = .allocate(capacity: 1)
        state.initialize(to: LoopState())
        queue = .allocate(capacity: 1)
        queue.initialize(to: EventQueue())
        hostOrderIDs = Array(repeating: 0, count: nodeCount)
        lastOrderIDs = Array(repeating: 0, count: nodeCount)
        maxEventsPerCallback = graph.spec.pluginLimits.maxEventsPerCallback
        CrashReporter.install()
        let labels = graph.nodes.map { node in
            TerminalText.safe("node '\(node.name)' (plugin '\(node.type.pluginID)', \(node.type.pluginPath))", limit: 400)
        }
        watch = CStrings.with(labels) { trellis_guard_new(Int32(labels.count), $0) }
        for (index, node) in graph.nodes.enumerated() {
            slots[index] = NodeSlot(
                node: node, orderHop: routing.orderHop[index], gates: routing.gateRange[index], isTester: graph.shadow.testers.contains(index))
            contexts[index] = HostContext(engine: Unmanaged.passUnretained(self), slot: index)
            hostTables[index] = HostTable.make(context: contexts + index)
        }
        for (index, node) in graph.nodes.enumerated() {
            trellis_guard_set_code(watch, Int32(index), unsafeBitCast(node.type.factory.pointee.create, to: UnsafeRawPointer?.self))
        }
        let budget = graph.spec.pluginLimits.callbackBudgetSeconds
        trellis_guard_set_budget(watch, UInt64(max(budget, 0.001) * 1e9), "limits.max_callback_seconds: \(NumberFormat.quantity(budget))")
        trellis_guard_watch(watch)
    }

    deinit {
        trellis_guard_release(watch)
        queue.pointee.release()
        queue.deinitialize(count: 1)
        queue.deallocate()
        state.deallocate()
        slots.deinitialize(count: nodeCount)
        slots.deallocate()
        hostTables.deallocate()
        contexts.deallocate()
        routing.release()
    }

    /// The id of node slot `slot`.
    @inline(__always) func nodeID(_ slot: Int) -> UInt32 { UInt32(feedCount + 1 + slot) }

    /// The slot of node id `id`, or nil for feeds and the host.
    @inline(__always) func slot(ofID id: UInt32) -> Int? {
        let slot = Int(id) - feedCount - 1
        return slot >= 0 && slot < nodeCount ? slot : nil
    }

    // MARK: - Lifecycle

    /// Creates every node, in topological order. On failure, destroys those created and returns
    /// every creation error.
    func createNodes() -> [Diagnostic] {
        watch.pointee.live = 1  // plugin code may run until the last destroy
        var problems: [Diagnostic] = []
        for (index, node) in graph.nodes.enumerated() {
            let problem = inPhase(.create, slot: index) { create(index, node) }
            if let problem { problems.append(problem) }
        }
        if !problems.isEmpty { destroyNodes() }
        return problems
    }

    private func create(_ index: Int, _ node: ResolvedGraph.Node) -> Diagnostic? {
        // The error buffer is followed by a canary and an inaccessible page: a plugin that writes
        // past `error_capacity` is found, and refused, rather than corrupting the host's heap.
        let capacity = 512
        guard let message = trellis_guard_buffer_new(capacity) else {
            return Diagnostic(
                file: graph.spec.file, at: node.spec.location, "node '\(node.name)': no memory for its error buffer, so it was not created",
                hint: "free memory and run again")
        }
        defer { trellis_guard_buffer_free(message, capacity) }
        var instance: UnsafeMutableRawPointer?
        let table = ParamsTable(node.params)
        let status = node.name.withTrellisString { name in
            table.withTable { params in
                var args = trellis_create_args(
                    struct_size: UInt32(MemoryLayout<trellis_create_args>.size), node_id: nodeID(index),
                    host: UnsafePointer(hostTables + index), node_name: name, params: params,
                    error: message, error_capacity: UInt64(capacity), run_mode: runMode.rawValue32, real_money: realMoney ? 1 : 0)
                return node.type.factory.pointee.create!(node.type.factory, &args, &instance)
            }
        }
        let what = "node '\(node.name)' (\(node.type.name) from plugin '\(node.type.pluginID)', \(node.type.pluginPath))"
        guard trellis_guard_buffer_intact(message, capacity) != 0 else {
            if status == TRELLIS_OK, let instance { inPhase(.destroy, slot: index) { slots[index].methods.pointee.destroy?(instance) } }
            return Diagnostic(
                file: graph.spec.file, at: node.spec.location,
                "\(what): create wrote past the end of its \(capacity)-byte error buffer; the plugin is refused",
                hint: "the plugin must write at most error_capacity bytes, the NUL included (snprintf(args->error, args->error_capacity, ...))")
        }
        message[capacity - 1] = 0
        guard status == TRELLIS_OK, let instance else {
            let reason = TerminalText.safe(String(cString: message), limit: capacity)
            let detail = reason.isEmpty ? "(the plugin gave no reason)" : reason
            let failure = status == TRELLIS_OK ? "create returned no instance" : "create failed (status \(status))"
            // A reason that starts with a parameter's name is about that parameter: say it there.
            let named = reason.prefix { $0.isLetter || $0.isNumber || $0 == "_" }
            let location = named.isEmpty ? nil : node.spec.params[String(named)]?.location
            return Diagnostic(file: graph.spec.file, at: location ?? node.spec.location, "\(what): \(failure): \(detail)", hint: "check the node's params")
        }
        slots[index].instance = instance
        return nil
    }

    /// The venue of branch `branch`: 0 is the graph's own, k is challenger k's.
    @inline(__always) func venue(ofBranch branch: Int) -> SimulatedVenue { branch == 0 ? venue : shadowVenues[branch - 1] }

    /// The branch of node id `origin` (0 for the graph's own nodes and the host).
    @inline(__always) func branch(ofOrigin origin: UInt32) -> Int { slot(ofID: origin).map { slots[$0].branch } ?? 0 }

    /// Calls every node's activate, in topological order; stops at the first failure.
    func activateNodes() -> Diagnostic? {
        attached(.event) { activateEach() }
    }

    private func activateEach() -> Diagnostic? {
        for index in 0..<nodeCount {
            guard let activate = slots[index].methods.pointee.activate else { continue }
            let status = inPhase(.activate, slot: index) { activate(slots[index].instance) }
            drain()
            if status != TRELLIS_OK {
                let node = graph.nodes[index]
                return Diagnostic(
                    file: graph.spec.file, at: node.spec.location, "node '\(node.name)' (\(node.type.pluginID)) failed to activate (status \(status))",
                    hint: "its log lines above say why")
            }
        }
        return nil
    }

    /// Ends the run: settles the venues as `at_end` says (nodes still receive those fills), gives
    /// the testers the final ledgers, calls every node's deactivate (the nodes may still emit), and expires the orders still waiting.
    func finishRun() {
        attached(.event) { finish() }
    }

    private func finish() {
        settleVenue()
        sendShadowStep(at: state.pointee.now, final: true)
        for index in 0..<nodeCount {
            guard let deactivate = slots[index].methods.pointee.deactivate else { continue }
            let status = inPhase(.deactivate, slot: index) { deactivate(slots[index].instance) }
            if status != TRELLIS_OK { noteFailure(slot: index, status: status, during: "deactivate") }
            drain()
        }
        for venue in [venue] + shadowVenues {
            venue.expireAll(now: state.pointee.now) { queue.pointee.append($0, size: $1) }
        }
        drain()
    }

    /// With `at_end` closing positions: one close-position order per node and instrument held,
    /// numbered by the host, settled by the venue.
    private func settleVenue() {
        guard venue.settings.atEnd != .keep else { return }
        var closes = [[trellis_order]](repeating: [], count: 1 + shadowVenues.count)
        for slot in 0..<nodeCount {
            for instrument in 1...max(1, instruments.count) where instrument <= instruments.count {
                let position = venue(ofBranch: slots[slot].branch).position(node: nodeID(slot), instrument: UInt32(instrument))
                guard position != 0 else { continue }
                hostOrderIDs[slot] += 1
                var order = trellis_order()
                order.header = trellis_event_header(
                    size: UInt32(MemoryLayout<trellis_order>.size), type: UInt16(TRELLIS_EVENT_ORDER), flags: 0,
                    ts_ns: state.pointee.now, instrument: UInt32(instrument), source: 0)
                order.order_id = (1 << 63) | hostOrderIDs[slot]
                order.origin = nodeID(slot)
                order.side = position > 0 ? TRELLIS_SIDE_SELL : TRELLIS_SIDE_BUY
                order.order_flags = UInt32(TRELLIS_ORDER_FLAG_CLOSE_POSITION)
                orders[OrderKey(origin: order.origin, orderID: order.order_id)] = OrderRecord(order: order, stage: .atVenue)
                closes[slots[slot].branch].append(order)
            }
        }
        for (branch, orders) in closes.enumerated() {
            venue(ofBranch: branch).settle(orders, now: state.pointee.now) { queue.pointee.append($0, size: $1) }
        }
        drain()
    }

    /// Destroys every created node, in reverse order.
    func destroyNodes() {
        for index in (0..<nodeCount).reversed() {
            guard let instance = slots[index].instance else { continue }
            inPhase(.destroy, slot: index) { slots[index].methods.pointee.destroy?(instance) }
            slots[index].instance = nil
        }
        watch.pointee.live = 0
    }

    /// Logs a negative status of a node (the first few per node) and counts it.
    func noteFailure(slot: Int, status: trellis_status, during what: String = "on_event") {
        noteProblem(slot: slot, "\(what) returned status \(status)")
    }

    /// Counts a problem of a node and logs the first few, saying when it stops logging them.
    func noteProblem(slot: Int, _ message: String) {
        slots[slot].failures += 1
        if live != nil {
            if recentProblems.count == 50 { recentProblems.removeFirst() }
            recentProblems.append((state.pointee.now, names[Int(nodeID(slot))], message))
        }
        let count = slots[slot].failures
        guard count <= Self.loggedProblems else { return }
        let more = count == Self.loggedProblems ? " (further problems of this node are counted, not logged)" : ""
        logger.warning("\(message)\(more)", metadata: ["node": "\(names[Int(nodeID(slot))])"])
    }

    static let loggedProblems = 3
}

/// What a node's host table points back to.
struct HostContext {
    let engine: Unmanaged<Engine>
    let slot: Int
}

/// A node instance laid out for the loop.
struct NodeSlot {
    typealias OnEvent = @convention(c) (UnsafeMutableRawPointer?, UnsafePointer<trellis_event_header>?) -> trellis_status

    let onEvent: OnEvent?
    let methods: UnsafePointer<trellis_node_methods>
    var instance: UnsafeMutableRawPointer?
    let kind: NodeKind
    /// The slot of the risk or broker node that takes this node's orders, or -1 for the venue.
    let orderHop: Int
    /// Range in `Routing.gateGroups`; empty when the node is not gated.
    let gates: Range<Int>
    /// 0 for the graph's own nodes, k for challenger k's copies.
    let branch: Int
    /// A shadow tester: its verdicts are journaled.
    let isTester: Bool
    /// The ABI minor version its plugin declares.
    let abiMinor: Int
    var delivered = 0
    var failures = 0

    init(node: ResolvedGraph.Node, orderHop: Int, gates: Range<Int>, isTester: Bool) {
        methods = node.type.methods
        onEvent = methods.pointee.on_event
        kind = node.type.kind
        self.orderHop = orderHop
        self.gates = gates
        branch = node.branch
        self.isTester = isTester
        abiMinor = node.type.abiMinor
    }
}
