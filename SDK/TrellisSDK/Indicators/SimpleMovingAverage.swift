/// Streaming simple moving average over `period` values, O(1) per update, no allocation after init.
///
/// Computes exactly what pandas' `Series.rolling(period).mean()` computes (a running sum with one
/// Kahan compensation for additions and another for removals, remove before add, and pandas' rule
/// that a window of equal values averages to that value), so results match pandas and
/// backtesting.py bit for bit (tested against pandas 3.1 in ParityTests).
public struct SimpleMovingAverage: Sendable {
    public let period: Int
    @usableFromInline var window: [Double]
    @usableFromInline var next = 0
    @usableFromInline var count = 0
    @usableFromInline var sum = 0.0
    @usableFromInline var addCompensation = 0.0
    @usableFromInline var removeCompensation = 0.0
    @usableFromInline var negatives = 0
    @usableFromInline var sameRun = 0
    @usableFromInline var previous = Double.nan

    /// The current average, or nil before `period` values have arrived.
    @inlinable public var value: Double? { count == period ? mean() : nil }

    public init(period: Int) {
        precondition(period >= 1, "period must be at least 1")
        self.period = period
        window = Array(repeating: 0, count: period)
    }

    /// Adds a value and returns the average of the last `period` values (nil while warming up).
    @inlinable @discardableResult
    public mutating func update(_ x: Double) -> Double? {
        if count == period {
            remove(window[next])
        } else {
            count += 1
        }
        add(x)
        window[next] = x
        next = next + 1 == period ? 0 : next + 1
        return value
    }

    @inlinable
    mutating func add(_ x: Double) {
        let y = x - addCompensation
        let t = sum + y
        addCompensation = t - sum - y
        sum = t
        if x.sign == .minus { negatives += 1 }
        sameRun = x == previous ? sameRun + 1 : 1
        previous = x
    }

    @inlinable
    mutating func remove(_ x: Double) {
        let y = -x - removeCompensation
        let t = sum + y
        removeCompensation = t - sum - y
        sum = t
        if x.sign == .minus { negatives -= 1 }
    }

    @inlinable
    func mean() -> Double {
        let result = sum / Double(period)
        if sameRun >= period { return previous }
        if negatives == 0 && result < 0 { return 0 }
        if negatives == period && result > 0 { return 0 }
        return result
    }
}
