import Foundation
import GRDB

/// The write-ahead journal of a paper or live run (docs/journal.md): the run's row at its start,
/// every order intent committed before it leaves the host, every update and fill appended once
/// per pass of the loop. One connection, `synchronous = FULL`: a commit is on the disk when it
/// returns, so a `kill -9` or a power cut after it cannot lose the order. The inputs (for
/// `trellis replay`) go to a file of their own, written by a thread of its own (`InputLog`).
/// Engine thread only.
public final class OrderJournal {
    public let runID: String
    public let path: String
    private let database: DatabaseQueue
    private let inputLog: InputLog
    private var updates: [Update] = []
    private var fills: [Fill] = []
    private var inputs: [LiveInput] = []
    private var updateSeq = 0
    private var fillSeq = 0

    /// An order intent as the journal keeps it (`TRELLIS_*` values as in `trellis_order`).
    public struct Intent: Sendable {
        public var clientID: UInt64
        public var node: String
        public var orderID: UInt64
        public var broker: String?
        public var symbol: String
        public var side: Int32
        public var type: Int32
        public var timeInForce: Int32
        public var sizeMode: Int32
        public var flags: UInt32
        public var quantity: Double
        public var limitPrice: Double
        public var stopPrice: Double
        public var time: Int64

        public init(
            clientID: UInt64, node: String, orderID: UInt64, broker: String?, symbol: String, side: Int32, type: Int32, timeInForce: Int32,
            sizeMode: Int32, flags: UInt32, quantity: Double, limitPrice: Double, stopPrice: Double, time: Int64
        ) {
            (self.clientID, self.node, self.orderID, self.broker, self.symbol, self.side) = (clientID, node, orderID, broker, symbol, side)
            (self.type, self.timeInForce, self.sizeMode, self.flags, self.quantity) = (type, timeInForce, sizeMode, flags, quantity)
            (self.limitPrice, self.stopPrice, self.time) = (limitPrice, stopPrice, time)
        }
    }

    struct Update {
        var clientID: UInt64
        var time: Int64
        var status: Int32
        var filled: Double
        var leaves: Double
        var averagePrice: Double
        var reasonCode: Int32
        var venueCode: Int32
        var reason: String
        var venueOrderID: String
        var recovered: Bool
    }

    struct Fill: Sendable, Codable {
        /// "fill", or "adjustment": the venue's position taken by an operator (`trellis reconcile accept`).
        var kind = "fill"
        var clientID: UInt64
        var tradeID: String
        var time: Int64
        var node: String
        var symbol: String
        var side: Int32
        var quantity: Double
        var price: Double
        var commission: Double
        var recovered: Bool
    }

    /// Opens its connection to `journal`. `maxPages` caps the file (SQLite's `max_page_count`),
    /// and `inputPages` the inputs file, for the fault tests: a full disk, injected.
    public init(journal: Journal, runID: String, maxPages: Int? = nil, inputPages: Int? = nil) throws(JournalError) {
        self.runID = runID
        path = journal.path
        do {
            var configuration = Configuration()
            configuration.busyMode = .timeout(30)
            configuration.prepareDatabase { db in
                try db.execute(sql: "PRAGMA synchronous = FULL")
                if let maxPages { try db.execute(sql: "PRAGMA max_page_count = \(maxPages)") }
            }
            database = try DatabaseQueue(path: journal.path, configuration: configuration)
        } catch {
            throw JournalError(error, path: journal.path, doing: "open the order journal in")
        }
        inputLog = try InputLog(journalPath: journal.path, runID: runID, maxPages: inputPages)
    }

    /// Writes the run's row: it exists from the start, whatever happens later.
    public func begin(startedAt: Int64, mode: String, graphFile: String, graphSHA256: String, resumedFrom: String?) throws(JournalError) {
        try write("start run \(runID) in") { db in
            try db.execute(
                sql: """
                    INSERT INTO live_runs (run_id, started_at, mode, graph_file, graph_sha256, resumed_from, state, process)
                    VALUES (?, ?, ?, ?, ?, ?, 'running', ?)
                    """,
                arguments: [runID, startedAt, mode, graphFile, graphSHA256, resumedFrom, Int(getpid())])
            if let resumedFrom {
                try db.execute(sql: "UPDATE live_runs SET state = 'ended without stopping' WHERE run_id = ? AND state = 'running'", arguments: [resumedFrom])
            }
        }
    }

    /// The largest client order id the journal holds: a new run's ids start above it, so they
    /// never repeat in this deployment, and the same orders get the same ids on a replay.
    func lastClientID() throws(JournalError) -> UInt64 {
        do {
            return try database.read { db in UInt64(bitPattern: try Int64.fetchOne(db, sql: "SELECT max(client_id) FROM orders") ?? 0) }
        } catch {
            throw JournalError(error, path: path, doing: "read the orders of")
        }
    }

    /// Commits `intent`, with every update and fill noted before it, in one transaction: when
    /// this returns, the order survives any crash, and only then may it be sent.
    public func commit(_ intent: Intent) throws(JournalError) {
        try write("journal order \(intent.clientID) in") { db in
            try writePending(db)
            try db.execute(
                sql: """
                    INSERT INTO orders (client_id, run_id, node, order_id, broker, symbol, side, type, time_in_force, size_mode, flags, quantity,
                      limit_price, stop_price, created_at, status, filled, leaves, average_price, venue_order_id, updated_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, 0, ?, 0, '', ?)
                    """,
                arguments: [
                    Int64(bitPattern: intent.clientID), runID, intent.node, Int64(bitPattern: intent.orderID), intent.broker, intent.symbol,
                    intent.side, intent.type, intent.timeInForce, intent.sizeMode, intent.flags, intent.quantity, intent.limitPrice, intent.stopPrice,
                    intent.time, intent.quantity, intent.time,
                ])
        }
    }

    func note(_ update: Update) { updates.append(update) }
    func note(_ fill: Fill) { fills.append(fill) }
    func note(_ taken: [LiveInput]) { inputs += taken }
    var hasPending: Bool { !updates.isEmpty || !fills.isEmpty || !inputs.isEmpty }

    /// Commits the updates and fills noted since the last commit, and records the inputs (once
    /// per pass of the live loop). A pass without updates or fills syncs nothing.
    func flush() throws(JournalError) {
        if !updates.isEmpty || !fills.isEmpty { try write("append order updates to") { db in try writePending(db) } }
        try flushInputs()
    }

    private func flushInputs() throws(JournalError) {
        guard !inputs.isEmpty else { return }
        defer { inputs.removeAll(keepingCapacity: true) }
        try inputLog.append(inputs)
    }

    /// Marks the run's row: stopped, or halted and why.
    /// The orders' updates and fills and the run's state go first: a failure of the inputs file
    /// (thrown after) costs the replay, never the orders.
    func end(state: String, halt: String?, at time: Int64) throws(JournalError) {
        try write("end run \(runID) in") { db in
            try writePending(db)
            try db.execute(sql: "UPDATE live_runs SET state = ?, halt = ?, ended_at = ? WHERE run_id = ?", arguments: [state, halt, time, runID])
        }
        try flushInputs()
        try inputLog.finish()
    }

    /// Sets the run's state (and why it halted) while it goes on.
    func mark(state: String, halt: String?) throws(JournalError) {
        try write("mark run \(runID) in") { db in
            try db.execute(sql: "UPDATE live_runs SET state = ?, halt = ? WHERE run_id = ?", arguments: [state, halt, runID])
        }
    }

    /// Records the differences a reconciliation found, replacing earlier ones of this run.
    func record(_ differences: [ReconcileDifference]) throws(JournalError) {
        try write("record reconciliation differences in") { db in
            try db.execute(sql: "DELETE FROM reconcile_differences WHERE run_id = ?", arguments: [runID])
            for (seq, difference) in differences.enumerated() {
                try db.execute(
                    sql: "INSERT INTO reconcile_differences VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    arguments: [
                        runID, seq, difference.kind.rawValue, difference.symbol, difference.clientID.map { Int64(bitPattern: $0) },
                        difference.host, difference.venue, difference.price, difference.detail,
                    ])
            }
        }
    }

    /// When an operator accepted the venue's state for this run (`trellis reconcile accept`), or nil.
    func acceptedAt() -> Int64? {
        try? database.read { db in try Int64.fetchOne(db, sql: "SELECT accepted_at FROM live_runs WHERE run_id = ?", arguments: [runID]) }
    }

    private func writePending(_ db: Database) throws {
        if !updates.isEmpty {
            let insert = try db.makeStatement(sql: "INSERT INTO order_updates VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
            let order = try db.makeStatement(
                sql: """
                    UPDATE orders SET status = ?, filled = ?, leaves = ?, average_price = ?,
                      venue_order_id = CASE WHEN ? = '' THEN venue_order_id ELSE ? END, updated_at = ? WHERE client_id = ?
                    """)
            for update in updates {
                updateSeq += 1
                try insert.execute(arguments: [
                    runID, updateSeq, Int64(bitPattern: update.clientID), update.time, update.status, update.filled, update.leaves,
                    update.averagePrice, update.reasonCode, update.venueCode, update.reason, update.venueOrderID, update.recovered,
                ])
                try order.execute(arguments: [
                    update.status, update.filled, update.leaves, update.averagePrice, update.venueOrderID, update.venueOrderID, update.time,
                    Int64(bitPattern: update.clientID),
                ])
            }
        }
        if !fills.isEmpty {
            let insert = try db.makeStatement(sql: "INSERT OR IGNORE INTO fills VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
            for fill in fills {
                fillSeq += 1
                try insert.execute(arguments: [
                    runID, fillSeq, fill.kind, Int64(bitPattern: fill.clientID), fill.tradeID, fill.time, fill.node, fill.symbol, fill.side,
                    fill.quantity, fill.price, fill.commission, fill.recovered,
                ])
            }
        }
        updates.removeAll(keepingCapacity: true)
        fills.removeAll(keepingCapacity: true)
    }

    private func write(_ doing: String, _ body: (Database) throws -> Void) throws(JournalError) {
        do {
            try database.write { db in try body(db) }
        } catch {
            throw JournalError(error, path: path, doing: doing)
        }
    }
}

/// Something the venue says that the journal cannot explain, found by a reconciliation.
struct ReconcileDifference: Sendable, Codable, Equatable {
    enum Kind: String, Sendable, Codable {
        /// The venue's net position differs from the one the journal's fills add up to.
        case position
        /// An order open at the venue that the journal never sent.
        case unknownOrder = "unknown order"
        /// A fill for an order the journal never sent.
        case unknownFill = "unknown fill"
    }

    var kind: Kind
    var symbol: String
    var clientID: UInt64?
    /// What the host's ledger holds, and what the venue says (positions).
    var host: Double?
    var venue: Double?
    /// The last price, at which an operator's acceptance books the difference.
    var price: Double?
    var detail: String
}
