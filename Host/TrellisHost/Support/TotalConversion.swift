extension Int64 {
    /// `value` rounded toward zero and clamped to Int64's range; 0 for NaN. Unlike `Int64(_:)`, it
    /// cannot trap, whatever a plugin, a file or a computation produced.
    @inline(__always)
    public init(clamping value: Double) {
        if value.isNaN {
            self = 0
        } else if value >= 9_223_372_036_854_775_808.0 {
            self = .max
        } else if value <= -9_223_372_036_854_775_808.0 {
            self = .min
        } else {
            self.init(value)
        }
    }
}

extension Int {
    /// `value` rounded toward zero and clamped to Int's range; 0 for NaN (see `Int64(clamping:)`).
    @inline(__always)
    public init(clamping value: Double) { self = Int(Int64(clamping: value)) }
}
