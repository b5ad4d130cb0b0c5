/// Population standard deviation of the last `period` values (divided by n, as TA-Lib's STDDEV),
/// times `deviations`. O(1) per update.
public struct StandardDeviation: Sendable {
    public let period: Int
    public let deviations: Double
    @usableFromInline var moments: RollingMoments
    @usableFromInline var current: Double?

    public init(period: Int = 20, deviations: Double = 1) {
        self.period = period
        self.deviations = deviations
        moments = RollingMoments(period: period)
    }

    @inlinable public var value: Double? { current }

    @inlinable @discardableResult
    public mutating func update(_ x: Double) -> Double? {
        moments.push(x)
        guard moments.isFull else { return nil }
        current = moments.variance.squareRoot() * deviations
        return current
    }
}
