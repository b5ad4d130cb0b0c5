import GRDB
import GRDBSQLite

/// A prepared INSERT whose values are bound straight to SQLite, without GRDB's boxing of each
/// argument: the journal's long tables (trades, equity, prices) take tens of thousands
/// of rows per run, and boxing cost more than SQLite's own work.
struct RowInserter {
    private let statement: Statement
    private let handle: OpaquePointer
    private var column: Int32 = 0

    init(_ db: Database, sql: String) throws {
        statement = try db.makeStatement(sql: sql)
        handle = statement.sqliteStatement
    }

    mutating func add(_ value: Int64) {
        column += 1
        sqlite3_bind_int64(handle, column, value)
    }

    mutating func add(_ value: Int) { add(Int64(value)) }
    mutating func add(_ value: Int32) { add(Int64(value)) }

    mutating func add(_ value: Double) {
        column += 1
        sqlite3_bind_double(handle, column, value)
    }

    mutating func add(_ value: String) {
        column += 1
        var text = value
        text.withUTF8 { bytes in
            _ = sqlite3_bind_text(
                handle, column, UnsafeRawPointer(bytes.baseAddress ?? UnsafePointer(bitPattern: 1)!).assumingMemoryBound(to: CChar.self), Int32(bytes.count),
                Self.transient)
        }
    }

    mutating func add(_ value: [UInt8]) {
        column += 1
        value.withUnsafeBytes { bytes in
            _ = sqlite3_bind_blob(handle, column, bytes.baseAddress ?? UnsafeRawPointer(bitPattern: 1)!, Int32(bytes.count), Self.transient)
        }
    }

    mutating func add<Value>(_ value: Value?, _ bind: (inout RowInserter, Value) -> Void) {
        guard let value else {
            column += 1
            sqlite3_bind_null(handle, column)
            return
        }
        bind(&self, value)
    }

    /// Inserts the row bound so far and starts the next.
    mutating func insert() throws {
        column = 0
        let code = sqlite3_step(handle)
        sqlite3_reset(handle)
        guard code == SQLITE_DONE else {
            throw DatabaseError(resultCode: ResultCode(rawValue: code), message: String(cString: sqlite3_errmsg(sqlite3_db_handle(handle))), sql: statement.sql)
        }
    }

    /// SQLite copies the bytes before the bind returns.
    private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)
}
