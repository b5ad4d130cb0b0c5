/// On-balance volume: starts at the first bar's volume, then adds the volume of a bar that closes
/// higher than the one before and subtracts that of a bar that closes lower.
public struct OnBalanceVolume: Sendable {
    @usableFromInline var previousClose: Double?
    @usableFromInline var total = 0.0

    public init() {}

    @inlinable public var value: Double? { previousClose == nil ? nil : total }

    @inlinable @discardableResult
    public mutating func update(close: Double, volume: Double) -> Double? {
        if let previousClose {
            if close > previousClose {
                total += volume
            } else if close < previousClose {
                total -= volume
            }
        } else {
            total = volume
        }
        previousClose = close
        return total
    }

    @inlinable @discardableResult
    public mutating func update(_ bar: Bar) -> Double? { update(close: bar.close, volume: bar.volume) }
}
