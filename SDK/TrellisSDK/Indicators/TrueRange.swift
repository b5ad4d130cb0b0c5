/// True range: the largest of high − low, |high − previous close| and |low − previous close|.
/// First value from the second bar.
public struct TrueRange: Sendable {
    @usableFromInline var previousClose: Double?
    @usableFromInline var current: Double?

    public init() {}

    @inlinable public var value: Double? { current }

    @inlinable @discardableResult
    public mutating func update(high: Double, low: Double, close: Double) -> Double? {
        defer { previousClose = close }
        guard let previousClose else { return nil }
        current = Self.range(high: high, low: low, previousClose: previousClose)
        return current
    }

    @inlinable @discardableResult
    public mutating func update(_ bar: Bar) -> Double? { update(high: bar.high, low: bar.low, close: bar.close) }

    /// The true range of one bar given the close before it.
    @inlinable
    public static func range(high: Double, low: Double, previousClose: Double) -> Double {
        var greatest = high - low
        let fromHigh = abs(previousClose - high)
        if fromHigh > greatest { greatest = fromHigh }
        let fromLow = abs(previousClose - low)
        if fromLow > greatest { greatest = fromLow }
        return greatest
    }
}
