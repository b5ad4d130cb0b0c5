/// Bollinger bands: the `period` simple average, and bands `deviations` population standard
/// deviations above and below it (TA-Lib's BBANDS with a simple average). O(1) per update.
public struct BollingerBands: Sendable {
    public typealias Value = Band

    public let period: Int
    public let deviationsUp: Double
    public let deviationsDown: Double
    @usableFromInline var moments: RollingMoments
    @usableFromInline var current: Value?

    public init(period: Int = 20, deviations: Double = 2) {
        self.init(period: period, deviationsUp: deviations, deviationsDown: deviations)
    }

    public init(period: Int, deviationsUp: Double, deviationsDown: Double) {
        self.period = period
        self.deviationsUp = deviationsUp
        self.deviationsDown = deviationsDown
        moments = RollingMoments(period: period)
    }

    @inlinable public var value: Value? { current }

    @inlinable @discardableResult
    public mutating func update(_ x: Double) -> Value? {
        moments.push(x)
        guard moments.isFull else { return nil }
        let middle = moments.mean, deviation = moments.variance.squareRoot()
        current = Value(upper: middle + deviationsUp * deviation, middle: middle, lower: middle - deviationsDown * deviation)
        return current
    }
}
