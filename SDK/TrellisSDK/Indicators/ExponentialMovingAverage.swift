/// Exponential moving average, seeded as TA-Lib seeds it: the first value is the simple average
/// of the first `period` values, then EMA = EMA + α × (x − EMA) with α = 2 / (period + 1).
/// O(1) per update, no allocation.
public struct ExponentialMovingAverage: Sendable {
    public let period: Int
    public let alpha: Double
    @usableFromInline var seen = 0
    @usableFromInline var seedSum = 0.0
    @usableFromInline var average = 0.0

    /// The usual EMA, α = 2 / (period + 1).
    public init(period: Int) {
        self.init(period: period, alpha: 2 / Double(period + 1))
    }

    /// An EMA with its own smoothing, e.g. Wilder's α = 1 / period.
    public init(period: Int, alpha: Double) {
        precondition(period >= 1, "period must be at least 1")
        self.period = period
        self.alpha = alpha
    }

    /// The current average, or nil before `period` values have arrived.
    @inlinable public var value: Double? { seen >= period ? average : nil }

    @inlinable @discardableResult
    public mutating func update(_ x: Double) -> Double? {
        if seen >= period {
            average = (x - average) * alpha + average
            return average
        }
        seen += 1
        seedSum += x
        guard seen == period else { return nil }
        average = seedSum / Double(period)
        return average
    }

    /// Starts the average at `seed` as if `period` values had been seen (MACD seeds its fast
    /// average late, from the last `period` values).
    @inlinable
    public mutating func seed(_ seed: Double) {
        seen = period
        average = seed
    }
}
