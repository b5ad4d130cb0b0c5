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
    private let database: DatabasePool

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
        do {
            let directory = URL(fileURLWithPath: path).deletingLastPathComponent()
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            var configuration = Configuration()
            configuration.busyMode = .timeout(30)
            database = try DatabasePool(path: path, configuration: configuration)
            try JournalSchema.migrator.migrate(database)
        } catch {
            throw JournalError("cannot open the journal \(path): \(error)")
        }
    }

    /// Stores a run, in one transaction.
    public func save(_ run: RunResult) throws(JournalError) {
        do {
            try database.write { db in try JournalWriter(db: db, run: run).write() }
        } catch {
            throw JournalError("cannot write run \(run.runID) to \(path): \(error)")
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
                    let (equity, cash): (Double, Double) = (row["final_equity"], row["starting_cash"])
                    return (row["id"], row["started_at"], row["graph_file"], equity, cash == 0 ? 0 : equity / cash - 1)
                }
            }
        } catch {
            throw JournalError("cannot read \(path): \(error)")
        }
    }

    /// The run named by `reference`: "last", a run id, or an unambiguous start of one.
    public func load(_ reference: String) throws(JournalError) -> RunResult {
        do {
            return try database.read { db in
                let ids = try String.fetchAll(
                    db,
                    sql: reference == "last"
                        ? "SELECT id FROM runs ORDER BY started_at DESC, id DESC LIMIT 1" : "SELECT id FROM runs WHERE id LIKE ? ORDER BY id",
                    arguments: reference == "last" ? [] : [reference + "%"])
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
            throw JournalError("cannot read \(path): \(error)")
        }
    }
}

/// A journal failure, said for people.
public struct JournalError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
