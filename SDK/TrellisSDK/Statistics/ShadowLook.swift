/// One look of a ``ShadowComparison``: the verdict and the figures behind it.
public struct ShadowLook: Sendable, Equatable {
    /// What the look concludes.
    public var verdict: ShadowVerdict
    /// How many champion returns were judged.
    public var championCount: Int
    /// How many challenger returns were judged.
    public var challengerCount: Int
    /// The champion's mean return; NaN when it has none.
    public var championMean: Double
    /// The challenger's mean return; NaN when it has none.
    public var challengerMean: Double
    /// The challenger's mean minus the champion's; NaN when either has no returns.
    public var difference: Double
    /// Cohen's d of the difference (see ``WelchTest/effectSize``); NaN when either side has fewer than two returns.
    public var effectSize: Double
    /// Welch's two-sided p-value for this look alone; NaN when either side has fewer than two returns. Repeated looks
    /// make it cry wolf, so the verdict does not use it.
    public var naivePValue: Double
    /// The guard's always-valid p-value after this look, the one the verdict uses.
    public var pValue: Double
    /// The bootstrap interval of ``difference`` at confidence 1 − alpha; nil until the guard rejects (see
    /// ``ShadowComparison``), or when it could not be formed.
    public var interval: ClosedRange<Double>?

    /// A look made of these figures.
    public init(
        verdict: ShadowVerdict, championCount: Int, challengerCount: Int, championMean: Double, challengerMean: Double,
        difference: Double, effectSize: Double, naivePValue: Double, pValue: Double, interval: ClosedRange<Double>?
    ) {
        self.verdict = verdict
        self.championCount = championCount
        self.challengerCount = challengerCount
        self.championMean = championMean
        self.challengerMean = challengerMean
        self.difference = difference
        self.effectSize = effectSize
        self.naivePValue = naivePValue
        self.pValue = pValue
        self.interval = interval
    }

    /// Whether two looks hold the same figures, a NaN matching a NaN (so a rerun equals its original).
    public static func == (left: ShadowLook, right: ShadowLook) -> Bool {
        left.verdict == right.verdict && left.championCount == right.championCount && left.challengerCount == right.challengerCount
            && sameFigure(left.championMean, right.championMean) && sameFigure(left.challengerMean, right.challengerMean)
            && sameFigure(left.difference, right.difference) && sameFigure(left.effectSize, right.effectSize)
            && sameFigure(left.naivePValue, right.naivePValue) && sameFigure(left.pValue, right.pValue) && left.interval == right.interval
    }
}

/// Equal, or both NaN.
private func sameFigure(_ left: Double, _ right: Double) -> Bool { left == right || (left.isNaN && right.isNaN) }
