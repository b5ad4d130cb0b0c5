/// Running sum and sum of squares of the last `period` values, as TA-Lib keeps them (plain
/// adds and subtracts), for moving averages, variance and standard deviation in O(1).
public struct RollingMoments: Sendable {
    public let period: Int
    @usableFromInline var window: RingBuffer
    @usableFromInline var sum = 0.0
    @usableFromInline var sumOfSquares = 0.0

    public init(period: Int) {
        precondition(period >= 1, "period must be at least 1")
        self.period = period
        window = RingBuffer(capacity: period)
    }

    @inlinable public var isFull: Bool { window.isFull }

    /// Adds `x`, dropping the value that leaves the window.
    @inlinable
    public mutating func push(_ x: Double) {
        sum += x
        sumOfSquares += x * x
        if let old = window.push(x) {
            sum -= old
            sumOfSquares -= old * old
        }
    }

    /// The mean of the window.
    @inlinable public var mean: Double { sum / Double(period) }

    /// The population variance of the window, E[x²] − E[x]², never below 0.
    @inlinable public var variance: Double {
        let mean = self.mean
        return max(0, sumOfSquares / Double(period) - mean * mean)
    }
}
