import TrellisSDK

/// One configured feature: an indicator of the SDK and the outputs of it that become values of
/// the vector. One per feature and instrument; `fresh` makes another in the initial state.
///
/// Not a generic class: a generic class's methods run unspecialised when called through the base
/// class, looking up type metadata on every bar. The closures here are made in a generic
/// function the optimiser specialises for each indicator, so they run at full speed.
final class FeatureComputer {
    /// How many values it writes.
    let width: Int
    /// Feeds a bar and writes the outputs at the pointer (NaN while warming up).
    let update: (Bar, UnsafeMutablePointer<Double>) -> Void
    /// A new computer in its initial state, for another instrument.
    let fresh: () -> FeatureComputer

    private init(width: Int, update: @escaping (Bar, UnsafeMutablePointer<Double>) -> Void, fresh: @escaping () -> FeatureComputer) {
        self.width = width
        self.update = update
        self.fresh = fresh
    }

    /// A feature computed by a `StreamingIndicator`: `step` feeds it a bar, `outputs` pick the
    /// values of its result.
    static func indicator<Indicator: StreamingIndicator>(
        _ initial: Indicator, outputs: [(Indicator.Value) -> Double?], step: @escaping (inout Indicator, Bar) -> Indicator.Value?
    ) -> FeatureComputer {
        var indicator = initial
        let count = outputs.count
        return FeatureComputer(
            width: count,
            update: { bar, out in
                guard let value = step(&indicator, bar) else {
                    for index in 0..<count { out[index] = .nan }
                    return
                }
                for index in 0..<count { out[index] = outputs[index](value) ?? .nan }
            },
            fresh: { FeatureComputer.indicator(initial, outputs: outputs, step: step) })
    }

    /// A feature that is a function of the bar alone (the price, the time).
    static func bar(width: Int, _ compute: @escaping (Bar, UnsafeMutablePointer<Double>) -> Void) -> FeatureComputer {
        FeatureComputer(width: width, update: compute, fresh: { FeatureComputer.bar(width: width, compute) })
    }
}
