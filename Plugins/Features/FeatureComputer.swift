import TrellisSDK

/// One configured feature: an indicator of the SDK and the outputs of it that become values of
/// the vector. A class, so the node updates each in place; one per feature and instrument.
class FeatureComputer {
    /// How many values it writes.
    let width: Int

    init(width: Int) { self.width = width }

    /// Feeds `bar` and writes the outputs at `out` (NaN while warming up).
    func update(_ bar: Bar, into out: UnsafeMutablePointer<Double>) {}

    /// A new computer in its initial state, for another instrument.
    func fresh() -> FeatureComputer { self }
}

/// A feature computed by a `StreamingIndicator`.
final class IndicatorFeature<Indicator: StreamingIndicator>: FeatureComputer {
    private let initial: Indicator
    private var indicator: Indicator
    private let step: (inout Indicator, Bar) -> Indicator.Value?
    private let outputs: [(Indicator.Value) -> Double?]

    init(_ indicator: Indicator, outputs: [(Indicator.Value) -> Double?], step: @escaping (inout Indicator, Bar) -> Indicator.Value?) {
        initial = indicator
        self.indicator = indicator
        self.step = step
        self.outputs = outputs
        super.init(width: outputs.count)
    }

    override func update(_ bar: Bar, into out: UnsafeMutablePointer<Double>) {
        let value = step(&indicator, bar)
        for index in 0..<outputs.count { out[index] = value.flatMap(outputs[index]) ?? .nan }
    }

    override func fresh() -> FeatureComputer { IndicatorFeature(initial, outputs: outputs, step: step) }
}

/// A feature that is a function of the bar alone (the price, the time).
final class BarFeature: FeatureComputer {
    private let compute: (Bar, UnsafeMutablePointer<Double>) -> Void

    init(width: Int, _ compute: @escaping (Bar, UnsafeMutablePointer<Double>) -> Void) {
        self.compute = compute
        super.init(width: width)
    }

    override func update(_ bar: Bar, into out: UnsafeMutablePointer<Double>) { compute(bar, out) }
}
