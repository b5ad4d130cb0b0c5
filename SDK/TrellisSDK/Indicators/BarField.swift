/// A value of a bar an indicator can read: a price, the volume, or a common blend.
public enum BarField: String, Sendable, CaseIterable {
    case close, open, high, low, volume
    /// (high + low) / 2
    case hl2
    /// (high + low + close) / 3, the typical price.
    case hlc3
    /// (open + high + low + close) / 4
    case ohlc4

    @inlinable
    public func value(_ bar: Bar) -> Double {
        switch self {
        case .close: bar.close
        case .open: bar.open
        case .high: bar.high
        case .low: bar.low
        case .volume: bar.volume
        case .hl2: (bar.high + bar.low) / 2
        case .hlc3: (bar.high + bar.low + bar.close) / 3
        case .ohlc4: (bar.open + bar.high + bar.low + bar.close) / 4
        }
    }
}
