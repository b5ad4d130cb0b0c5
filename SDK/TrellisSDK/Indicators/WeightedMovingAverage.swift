/// Linearly weighted moving average: the newest of `period` values weighs `period`, the oldest 1,
/// divided by period × (period + 1) / 2. O(1) per update with TA-Lib's two running sums.
public struct WeightedMovingAverage: Sendable {
    public let period: Int
    @usableFromInline var window: RingBuffer
    @usableFromInline var weightedSum = 0.0
    @usableFromInline var plainSum = 0.0
    /// The value that leaves the plain sum at the next update.
    @usableFromInline var trailing = 0.0
    @usableFromInline var current: Double?

    public init(period: Int) {
        precondition(period >= 1, "period must be at least 1")
        self.period = period
        window = RingBuffer(capacity: period)
    }

    @inlinable public var value: Double? { current }

    @inlinable @discardableResult
    public mutating func update(_ x: Double) -> Double? {
        plainSum += x
        guard window.count + 1 >= period else {
            window.push(x)
            weightedSum += x * Double(window.count)
            return nil
        }
        plainSum -= trailing
        weightedSum += x * Double(period)
        window.push(x)
        trailing = window.oldest
        current = weightedSum / (Double(period * (period + 1)) / 2)
        weightedSum -= plainSum
        return current
    }
}
