import GRDB

/// A value the journal reader takes from a column, and what stands in when the column is NULL or
/// holds something else (a hand-edited or damaged journal): NaN for numbers, 0, "". GRDB's own
/// `row["x"]` stops the process on such a value; a stored run must never make `report` fail.
protocol JournalValue: DatabaseValueConvertible {
    static var fallback: Self { get }
}

extension Double: JournalValue { static var fallback: Double { .nan } }
extension Int: JournalValue { static var fallback: Int { 0 } }
extension Int64: JournalValue { static var fallback: Int64 { 0 } }
extension Int32: JournalValue { static var fallback: Int32 { 0 } }
extension String: JournalValue { static var fallback: String { "" } }

extension Row {
    /// The column's value, or the type's fallback when it is NULL or of another type.
    subscript<Value: JournalValue>(tolerant column: String) -> Value {
        Value.fromDatabaseValue(self[column] as DatabaseValue) ?? Value.fallback
    }

    /// The column's value, or nil when it is NULL or of another type.
    subscript<Value: JournalValue>(tolerant column: String) -> Value? {
        Value.fromDatabaseValue(self[column] as DatabaseValue)
    }
}
