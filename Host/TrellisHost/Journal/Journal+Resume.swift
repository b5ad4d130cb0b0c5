import Foundation
import GRDB

/// What a resumed run starts from (`trellis run --resume`): the orders the journal holds open
/// and every fill of the run it continues and of the runs that one continued. Stored with the
/// new run, so a replay of it starts from the same point.
public struct ResumePoint: Sendable, Codable {
    /// The run resumed, and the chain of runs it continues, oldest first (it is the last).
    public var runID: String
    var chain: [String]
    var openOrders: [OpenOrder]
    var fills: [OrderJournal.Fill]
    /// The differences an operator accepted for the run resumed (`trellis reconcile accept`).
    var accepted: [ReconcileDifference]?

    struct OpenOrder: Sendable, Codable {
        var clientID: UInt64
        var node: String
        var orderID: UInt64
        var broker: String?
        var symbol: String
        var side: Int32
        var type: Int32
        var timeInForce: Int32
        var sizeMode: Int32
        var flags: UInt32
        var quantity: Double
        var limitPrice: Double
        var stopPrice: Double
        var status: Int32
        var filled: Double
        var averagePrice: Double
    }

}

/// A paper or live run as the write-ahead tables know it, for `trellis reconcile`.
public struct LiveRunState: Sendable {
    public var runID: String
    public var mode: String
    public var state: String
    public var halt: String?
    public var acceptedAt: Int64?
    public var differences: [String]
}

extension Journal {
    /// The open order states (initialized, submitted, accepted, partially filled, pending cancel or replace).
    static let openStatuses = "(0, 1, 2, 3, 9, 10)"

    /// The paper or live run named by `reference` ("last", an id or the start of one) in the write-ahead tables.
    func liveRun(_ reference: String, db: Database) throws -> Row {
        let rows = try Row.fetchAll(
            db,
            sql: reference == "last"
                ? "SELECT * FROM live_runs ORDER BY started_at DESC, run_id DESC LIMIT 1"
                : "SELECT * FROM live_runs WHERE substr(run_id, 1, ?) = ? ORDER BY run_id",
            arguments: reference == "last" ? [] : [reference.utf8.count, reference])
        guard let row = rows.first else {
            throw JournalError(
                reference == "last"
                    ? "the journal \(path) holds no paper or live run to resume; start one with trellis run --mode paper|live"
                    : "no paper or live run \(reference) in \(path); 'trellis reconcile show last' names the last one")
        }
        guard rows.count == 1 else { throw JournalError("'\(reference)' names \(rows.count) runs; give more of the id") }
        return row
    }

    /// Where run `reference` left off: refused while its process still runs, or when another run
    /// already resumed it (resume that one: two continuations would each miss the other's orders).
    public func resumePoint(_ reference: String) throws(JournalError) -> ResumePoint {
        do {
            return try database.read { db in
                let row = try liveRun(reference, db: db)
                let runID: String = row[tolerant: "run_id"]
                let process: Int = row[tolerant: "process"]
                let state: String = row[tolerant: "state"]
                if state == "running", process != Int(getpid()), kill(pid_t(process), 0) == 0 {
                    throw JournalError("run \(runID) is still running (process \(process)): stop it first (trellis kill, or Ctrl-C)")
                }
                if let later = try String.fetchOne(db, sql: "SELECT run_id FROM live_runs WHERE resumed_from = ?", arguments: [runID]) {
                    throw JournalError("run \(runID) was resumed already by run \(later): resume \(later) (or 'last') instead")
                }
                var chain = [runID]
                while let previous = try String.fetchOne(db, sql: "SELECT resumed_from FROM live_runs WHERE run_id = ?", arguments: [chain[0]]),
                    !chain.contains(previous)
                {
                    chain.insert(previous, at: 0)
                }
                let runs = chain.map { "'\($0.replacingOccurrences(of: "'", with: "''"))'" }.joined(separator: ",")
                let openOrders = try Row.fetchAll(
                    db, sql: "SELECT * FROM orders WHERE run_id IN (\(runs)) AND status IN \(Self.openStatuses) ORDER BY client_id"
                ).map { row in
                    ResumePoint.OpenOrder(
                        clientID: UInt64(bitPattern: row[tolerant: "client_id"]), node: row[tolerant: "node"],
                        orderID: UInt64(bitPattern: row[tolerant: "order_id"]), broker: row[tolerant: "broker"], symbol: row[tolerant: "symbol"],
                        side: row[tolerant: "side"], type: row[tolerant: "type"], timeInForce: row[tolerant: "time_in_force"],
                        sizeMode: row[tolerant: "size_mode"], flags: UInt32(truncatingIfNeeded: row[tolerant: "flags"] as Int64),
                        quantity: row[tolerant: "quantity"], limitPrice: row[tolerant: "limit_price"], stopPrice: row[tolerant: "stop_price"],
                        status: row[tolerant: "status"], filled: row[tolerant: "filled"], averagePrice: row[tolerant: "average_price"])
                }
                var fills: [OrderJournal.Fill] = []
                for run in chain {
                    fills += try Row.fetchAll(db, sql: "SELECT * FROM fills WHERE run_id = ? ORDER BY seq", arguments: [run]).map { row in
                        OrderJournal.Fill(
                            kind: row[tolerant: "kind"], clientID: UInt64(bitPattern: row[tolerant: "client_id"]), tradeID: row[tolerant: "trade_id"],
                            time: row[tolerant: "time"], node: row[tolerant: "node"], symbol: row[tolerant: "symbol"], side: row[tolerant: "side"],
                            quantity: row[tolerant: "quantity"], price: row[tolerant: "price"], commission: row[tolerant: "commission"],
                            recovered: (row[tolerant: "recovered"] as Int) != 0)
                    }
                }
                let acceptedAt: Int64? = row[tolerant: "accepted_at"]
                return ResumePoint(
                    runID: runID, chain: chain, openOrders: openOrders, fills: fills,
                    accepted: acceptedAt == nil ? nil : try differences(of: runID, db: db))
            }
        } catch let error as JournalError {
            throw error
        } catch {
            throw JournalError(error, path: path, doing: "read the orders to resume from")
        }
    }

    /// The differences the last reconciliation of `runID` found.
    func differences(of runID: String, db: Database) throws -> [ReconcileDifference] {
        try Row.fetchAll(db, sql: "SELECT * FROM reconcile_differences WHERE run_id = ? ORDER BY seq", arguments: [runID]).map { row in
            let client: Int64? = row[tolerant: "client_id"]
            return ReconcileDifference(
                kind: ReconcileDifference.Kind(rawValue: row[tolerant: "kind"]) ?? .position, symbol: row[tolerant: "symbol"],
                clientID: client.map { UInt64(bitPattern: $0) }, host: row[tolerant: "host"], venue: row[tolerant: "venue"], price: row[tolerant: "price"],
                detail: row[tolerant: "detail"])
        }
    }

    /// The state of paper or live run `reference` and the differences its reconciliation found.
    public func liveRunState(_ reference: String) throws(JournalError) -> LiveRunState {
        do {
            return try database.read { db in
                let row = try liveRun(reference, db: db)
                let runID: String = row[tolerant: "run_id"]
                return LiveRunState(
                    runID: runID, mode: row[tolerant: "mode"], state: row[tolerant: "state"], halt: row[tolerant: "halt"],
                    acceptedAt: row[tolerant: "accepted_at"], differences: try differences(of: runID, db: db).map(\.detail))
            }
        } catch let error as JournalError {
            throw error
        } catch {
            throw JournalError(error, path: path, doing: "read")
        }
    }

    /// `trellis reconcile accept`: the operator takes the venue's state for run `reference`. A
    /// running host books the differences within a second and trades again; a stopped one does
    /// when it is resumed and finds the same differences.
    public func acceptReconciliation(_ reference: String, at time: Int64) throws(JournalError) -> LiveRunState {
        do {
            let runID = try database.read { db in try liveRun(reference, db: db)[tolerant: "run_id"] as String }
            let state = try liveRunState(runID)
            guard !state.differences.isEmpty else {
                throw JournalError("run \(runID) has no reconciliation differences to accept (state: \(state.state))")
            }
            try database.write { db in
                try db.execute(sql: "UPDATE live_runs SET accepted_at = ? WHERE run_id = ?", arguments: [time, runID])
            }
            return try liveRunState(runID)
        } catch let error as JournalError {
            throw error
        } catch {
            throw JournalError(error, path: path, doing: "accept the reconciliation in")
        }
    }

    /// Stores what a resumed run started from, for its replay.
    func storeRestored(_ point: ResumePoint, runID: String) throws(JournalError) {
        do {
            let text = try JournalJSON.text(point)
            try database.write { db in try db.execute(sql: "UPDATE live_runs SET restored = ? WHERE run_id = ?", arguments: [text, runID]) }
        } catch {
            throw JournalError(error, path: path, doing: "store the resume point in")
        }
    }

    /// What resumed run `runID` started from, when it was one.
    func restored(runID: String) throws(JournalError) -> ResumePoint? {
        do {
            let text = try database.read { db in try String.fetchOne(db, sql: "SELECT restored FROM live_runs WHERE run_id = ?", arguments: [runID]) }
            return try text.map { try JournalJSON.value(ResumePoint.self, from: $0) }
        } catch {
            throw JournalError(error, path: path, doing: "read the resume point from")
        }
    }
}
