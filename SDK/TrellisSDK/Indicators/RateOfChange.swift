/// Rate of change in percent: (x / x `period` values ago − 1) × 100; 0 when that value is 0.
public struct RateOfChange: Sendable {
    public let period: Int
    @usableFromInline var window: RingBuffer
    @usableFromInline var current: Double?

    public init(period: Int = 10) {
        precondition(period >= 1, "period must be at least 1")
        self.period = period
        window = RingBuffer(capacity: period + 1)
    }

    @inlinable public var value: Double? { current }

    @inlinable @discardableResult
    public mutating func update(_ x: Double) -> Double? {
        window.push(x)
        guard window.isFull else { return nil }
        let then = window.oldest
        current = then != 0 ? (x / then - 1) * 100 : 0
        return current
    }
}
