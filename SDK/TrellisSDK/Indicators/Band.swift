/// An upper line, a middle one and a lower one: the value of Bollinger bands and the Keltner
/// and Donchian channels.
public struct Band: Sendable, Equatable {
    public var upper: Double
    public var middle: Double
    public var lower: Double

    @inlinable
    public init(upper: Double, middle: Double, lower: Double) {
        self.upper = upper
        self.middle = middle
        self.lower = lower
    }
}
