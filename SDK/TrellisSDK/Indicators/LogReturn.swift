import Foundation

/// The log return over `period` values: ln(x / x `period` values ago).
public struct LogReturn: Sendable {
    public let period: Int
    @usableFromInline var values: RingBuffer
    @usableFromInline var current: Double?

    public init(period: Int = 1) {
        precondition(period >= 1, "period must be at least 1")
        self.period = period
        values = RingBuffer(capacity: period + 1)
    }

    @inlinable public var value: Double? { current }

    @inlinable @discardableResult
    public mutating func update(_ x: Double) -> Double? {
        values.push(x)
        guard values.isFull else { return nil }
        current = log(x / values.oldest)
        return current
    }
}
