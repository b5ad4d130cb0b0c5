/// The decision of a shadow A/B test: whether a challenger's returns beat its champion's, asked
/// again at every look without the repeated asking inflating the error rate.
///
/// A look past the minimum sample runs Welch's t-test (reported, not used: its p-value is valid
/// for one look only), lets the sequential guard (``MixtureSPRT``) look, and, only when the guard
/// rejects, computes a bootstrap interval of the difference at confidence 1 − alpha. The verdict
/// is challenger-better when the guard rejects and the interval lies above 0, champion-better when
/// it rejects and the interval lies below 0, and no-difference otherwise. Without a rejection the
/// verdict is no-difference whatever the interval says, so the interval is skipped and looks cost
/// O(n); after one (the guard's p-value never rises again) each look also costs `resamples` ×
/// (champion.count + challenger.count) random draws, and the interval uses the same seed every
/// time, so the same returns always give the same look.
public struct ShadowComparison: Sendable {
    /// The chance, over every look together, of a verdict other than no-difference when the two earn the same.
    public let alpha: Double
    /// The returns each side needs before any verdict but insufficient-data (at least 2 are always needed).
    public let minimumSample: Int
    /// The bootstrap resamples behind the interval.
    public let resamples: Int
    /// The bootstrap's seed, the same at every look.
    public let seed: UInt64
    /// The sequential guard, with every look so far.
    public private(set) var sequentialGuard: MixtureSPRT

    /// A comparison at error rate `alpha` that judges once each side has `minimumSample` returns; see
    /// ``MixtureSPRT`` for `mixtureScale` and ``bootstrapMeanDifference(champion:challenger:resamples:confidence:seed:)``
    /// for `resamples` and `seed`.
    public init(alpha: Double = 0.05, minimumSample: Int = 30, mixtureScale: Double = 0.2, resamples: Int = 2000, seed: UInt64 = 1) {
        self.alpha = alpha
        self.minimumSample = minimumSample
        self.resamples = resamples
        self.seed = seed
        sequentialGuard = MixtureSPRT(alpha: alpha, mixtureScale: mixtureScale)
    }

    /// Judges the returns so far (all of them, not only those since the last look). Fewer than
    /// ``minimumSample`` on either side gives insufficient-data, and the guard does not look.
    public mutating func look(champion: [Double], challenger: [Double]) -> ShadowLook {
        let championMoments = SampleMoments(champion)
        let challengerMoments = SampleMoments(challenger)
        let welch = WelchTest.compare(champion: championMoments, challenger: challengerMoments)
        let championMean = champion.isEmpty ? Double.nan : championMoments.mean
        let challengerMean = challenger.isEmpty ? Double.nan : challengerMoments.mean
        var result = ShadowLook(
            verdict: .insufficientData, championCount: champion.count, challengerCount: challenger.count, championMean: championMean,
            challengerMean: challengerMean, difference: challengerMean - championMean, effectSize: welch?.effectSize ?? .nan,
            naivePValue: welch?.pValue ?? .nan, pValue: sequentialGuard.pValue, interval: nil)
        guard min(champion.count, challenger.count) >= max(minimumSample, 2), let welch else { return result }

        result.pValue = sequentialGuard.look(
            difference: welch.difference, variance: welch.standardError * welch.standardError,
            pooledVariance: (championMoments.variance + challengerMoments.variance) / 2)
        result.verdict = .noDifference
        // Bootstrap only after the guard rejects: until then the interval cannot change the verdict.
        guard sequentialGuard.rejected else { return result }
        result.interval = bootstrapMeanDifference(
            champion: champion, challenger: challenger, resamples: resamples, confidence: 1 - alpha, seed: seed)
        if let interval = result.interval {
            if interval.lowerBound > 0 { result.verdict = .challengerBetter }
            if interval.upperBound < 0 { result.verdict = .championBetter }
        }
        return result
    }
}
