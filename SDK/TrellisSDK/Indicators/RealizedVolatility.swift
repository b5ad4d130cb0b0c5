import Foundation

/// Realised volatility: the square root of the sum of the last `period` squared log returns,
/// times √`periodsPerYear` when given (252 for daily stock data annualises it). O(1) per update.
public struct RealizedVolatility: Sendable {
    public let period: Int
    public let scale: Double
    @usableFromInline var squares: RingBuffer
    @usableFromInline var sum = CompensatedSum()
    @usableFromInline var previous: Double?
    @usableFromInline var current: Double?

    public init(period: Int = 20, periodsPerYear: Double? = nil) {
        precondition(period >= 1, "period must be at least 1")
        self.period = period
        scale = periodsPerYear.map { $0.squareRoot() } ?? 1
        squares = RingBuffer(capacity: period)
    }

    @inlinable public var value: Double? { current }

    @inlinable @discardableResult
    public mutating func update(_ x: Double) -> Double? {
        defer { previous = x }
        guard let previous else { return nil }
        let r = log(x / previous)
        sum.add(r * r)
        if let old = squares.push(r * r) { sum.add(-old) }
        guard squares.isFull else { return nil }
        current = max(0, sum.value).squareRoot() * scale
        return current
    }
}
