import Foundation
import GRDB

/// The run journal: one SQLite file (WAL) per deployment, readable with the `sqlite3` tool. Each
/// run is stored with what it was made from (graph, plugin and data hashes, parameters) and what
/// it produced (fingerprint, statistics, trades, equity, every order update and fill).
/// docs/journal.md describes the tables.
public final class Journal: Sendable {
    /// Equity curves longer than this are stored thinned to this many points, peaks and troughs
    /// kept (the statistics come from the whole curve before). A run can always be repeated: its
    /// graph, plugins and data are named by hash.
    public static let equityPoints = 20_000

    public let path: String
    let database: DatabasePool

    /// Where `trellis` keeps its journal: `$TRELLIS_JOURNAL`, else `.trellis/journal.sqlite` in the
    /// current directory.
    public static var defaultPath: String {
        ProcessInfo.processInfo.environment["TRELLIS_JOURNAL"] ?? ".trellis/journal.sqlite"
    }

    /// Opens the journal at `path` and brings its tables up to date; creates it first when
    /// `create` is set, and says how to make one when it is not.
    public init(path: String, create: Bool = true) throws(JournalError) {
        self.path = path
        guard create || FileManager.default.fileExists(atPath: path) else {
            throw JournalError("no journal at \(path) yet: 'trellis run <graph>' writes one (or pass --journal with the file to read)")
        }
        // A link to a journal is fine; a directory or a device is not.
        let target = URL(fileURLWithPath: path).resolvingSymlinksInPath().path
        if FileManager.default.fileExists(atPath: target) {
            guard (try? FileManager.default.attributesOfItem(atPath: target)[.type] as? FileAttributeType) == .typeRegular else {
                throw JournalError("the journal \(path) is not a regular file; pass --journal with a file path (or set TRELLIS_JOURNAL)")
            }
            guard FileManager.default.isReadableFile(atPath: target) else {
                throw JournalError("the journal \(path) cannot be read with this user's permissions; make it readable, or pass --journal with another path")
            }
        }
        do {
            let directory = URL(fileURLWithPath: path).deletingLastPathComponent()
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            var configuration = Configuration()
            configuration.busyMode = .timeout(30)
            database = try DatabasePool(path: path, configuration: configuration)
            try JournalSchema.migrator.migrate(database)
        } catch {
            throw JournalError(error, path: path, doing: "open")
        }
    }

    /// Checks, before a run, that the journal takes writes: a write transaction that changes
    /// nothing and is rolled back. A read-only or full journal is found now, not after the run.
    public func checkWritable() throws(JournalError) {
        do {
            try database.writeWithoutTransaction { db in
                try db.inTransaction(.immediate) {
                    try db.execute(sql: "CREATE TABLE journal_write_check (x)")
                    return .rollback
                }
            }
        } catch {
            throw JournalError(error, path: path, doing: "write to")
        }
    }

    /// Stores a run, in one transaction. A run whose figures are not all finite is refused whole,
    /// with what is wrong: the journal would otherwise hold NULLs where numbers belong.
    public func save(_ run: RunResult) throws(JournalError) {
        if let problem = run.unstorableFigure {
            throw JournalError("run \(run.runID) was not stored in \(path): \(problem); the figures of a run must be finite numbers")
        }
        do {
            // GRDB's pool runs its writer with `synchronous = NORMAL` (WAL): a run's commit is
            // synced when the log is copied into the file. A power cut may lose the last run,
            // never damage the journal; a backtest runs again to the same fingerprint, and a
            // paper or live run's orders were synced as they happened (OrderJournal).
            try database.write { db in try JournalWriter(db: db, run: run).write() }
        } catch {
            throw JournalError(error, path: path, doing: "write run \(run.runID) to")
        }
    }

    /// Runs, newest first: id, start, graph file, final equity and return.
    public func runs(limit: Int = 20) throws(JournalError) -> [(id: String, startedAt: Int64, graphFile: String, finalEquity: Double, totalReturn: Double)] {
        do {
            return try database.read { db in
                try Row.fetchAll(
                    db, sql: "SELECT id, started_at, graph_file, final_equity, starting_cash FROM runs ORDER BY started_at DESC, id DESC LIMIT ?",
                    arguments: [limit]
                ).map { row in
                    let (equity, cash): (Double, Double) = (row[tolerant: "final_equity"], row[tolerant: "starting_cash"])
                    return (row[tolerant: "id"], row[tolerant: "started_at"], row[tolerant: "graph_file"], equity, cash == 0 ? 0 : equity / cash - 1)
                }
            }
        } catch {
            throw JournalError(error, path: path, doing: "read")
        }
    }

    /// The run named by `reference`: "last", a run id, or an unambiguous start of one.
    public func load(_ reference: String) throws(JournalError) -> RunResult {
        do {
            return try database.read { db in
                let ids = try String.fetchAll(
                    db,
                    sql: reference == "last"
                        ? "SELECT id FROM runs ORDER BY started_at DESC, id DESC LIMIT 1" : "SELECT id FROM runs WHERE substr(id, 1, ?) = ? ORDER BY id",
                    arguments: reference == "last" ? [] : [reference.utf8.count, reference])
                guard let id = ids.first else {
                    throw JournalError(
                        reference == "last"
                            ? "the journal \(path) holds no run yet; run a graph first"
                            : "no run \(reference) in \(path); 'trellis report --list' shows the runs")
                }
                guard ids.count == 1 else {
                    throw JournalError("'\(reference)' names \(ids.count) runs (\(ids.prefix(3).joined(separator: ", ")), ...); give more of the id")
                }
                return try JournalReader(db: db, id: id).read()
            }
        } catch let error as JournalError {
            throw error
        } catch {
            throw JournalError(error, path: path, doing: "read")
        }
    }

    /// Whether the journal holds run `id` (exactly).
    public func contains(runID id: String) -> Bool {
        (try? database.read { db in try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM runs WHERE id = ?)", arguments: [id]) }) == true
    }
}

/// A journal failure, said for people.
public struct JournalError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }

    /// SQLite's error while `doing` ("open", "read", "write to") the journal at `path`, said as
    /// what happened and what to do, with SQLite's words last.
    init(_ error: any Error, path: String, doing: String) {
        guard let database = error as? DatabaseError else {
            message = "cannot \(doing) the journal \(path): \(error)"
            return
        }
        let detail = database.message ?? "\(database.resultCode)"
        let advice: String
        switch database.resultCode.primaryResultCode {
        case .SQLITE_READONLY, .SQLITE_PERM, .SQLITE_AUTH:
            advice = "the journal is read-only: make it and its folder writable, or pass --journal with a writable path"
        case .SQLITE_CANTOPEN:
            advice = "the file cannot be opened: check its folder exists and is writable, or pass --journal with another path"
        case .SQLITE_NOTADB, .SQLITE_CORRUPT:
            advice = "the file is not a Trellis journal or is damaged: move it aside (mv \(path) \(path).broken) and run again; a new journal is made"
        case .SQLITE_FULL:
            advice = "the disk is full: free space, or pass --journal with a path on another disk"
        case .SQLITE_BUSY, .SQLITE_LOCKED:
            advice = "another process holds the journal locked: wait for it, or pass --journal with another path"
        case .SQLITE_IOERR:
            advice = "the disk reported an error: check the disk and the file"
        default:
            advice = "check the file, or move it aside and run again"
        }
        message = "cannot \(doing) the journal \(path): \(advice) (SQLite: \(detail))"
    }
}
