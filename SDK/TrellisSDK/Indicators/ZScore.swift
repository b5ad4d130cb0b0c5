/// How many standard deviations the newest value lies from the mean of the last `period` values:
/// (x − mean) / population standard deviation; 0 when the deviation is 0. O(1) per update.
public struct ZScore: Sendable {
    public let period: Int
    @usableFromInline var moments: RollingMoments
    @usableFromInline var current: Double?

    public init(period: Int = 20) {
        self.period = period
        moments = RollingMoments(period: period)
    }

    @inlinable public var value: Double? { current }

    @inlinable @discardableResult
    public mutating func update(_ x: Double) -> Double? {
        moments.push(x)
        guard moments.isFull else { return nil }
        let deviation = moments.variance.squareRoot()
        current = deviation != 0 ? (x - moments.mean) / deviation : 0
        return current
    }
}
