import Foundation

/// The sequential guard: a mixture sequential probability ratio test (mSPRT) of "the two means are
/// equal", with a normal mixing distribution over the true difference (Johari, Pekelis and Walsh,
/// "Always valid inference: continuous monitoring of A/B tests", Operations Research, 2022).
///
/// Its p-value is always valid: however many times, and whenever, the data are looked at, the
/// chance that it ever falls to `alpha` when the means are equal is at most `alpha` (for normal
/// estimates of the difference; plugged-in variances make it approximate). A naive t-test looked
/// at repeatedly has no such bound.
public struct MixtureSPRT: Sendable {
    /// The error rate the guard keeps: the chance of ever rejecting when the means are equal.
    public let alpha: Double
    /// The standard deviation of the mixing distribution, in pooled standard deviations of the
    /// data: the standardized effect size the guard is most sensitive to.
    public let mixtureScale: Double
    /// The always-valid p-value after the looks so far: 1 before any, never rising.
    public private(set) var pValue = 1.0
    /// How many looks have been taken.
    public private(set) var looks = 0

    /// A guard at error rate `alpha`, mixing over differences of about `mixtureScale` pooled
    /// standard deviations.
    public init(alpha: Double, mixtureScale: Double = 0.2) {
        self.alpha = alpha
        self.mixtureScale = mixtureScale
    }

    /// Whether the guard rejects "the means are equal": the always-valid p-value is at most `alpha`.
    public var rejected: Bool { pValue <= alpha }

    /// Takes one look at the data so far and returns the always-valid p-value after it.
    ///
    /// - Parameters:
    ///   - difference: The estimated difference of the means, d.
    ///   - variance: The variance of that estimate, V = s1²/n1 + s2²/n2.
    ///   - pooledVariance: The mean of the two sample variances, (s1² + s2²)/2; the mixing variance
    ///     is τ² = mixtureScale² × pooledVariance.
    ///
    /// The likelihood ratio is Λ = sqrt(V/(V+τ²)) · exp(τ²d² / (2V(V+τ²))), taken in logarithms
    /// so it never overflows, and p = min(previous p, 1/Λ, 1). With V = 0 (both samples constant)
    /// equal means are no evidence (Λ = 1) and unequal means are conclusive (p = 0). Inputs that
    /// are NaN, infinite or negative count as a look with no evidence.
    @discardableResult
    public mutating func look(difference: Double, variance: Double, pooledVariance: Double) -> Double {
        looks += 1
        let mixingVariance = mixtureScale * mixtureScale * pooledVariance
        guard difference.isFinite, variance.isFinite, variance >= 0, mixingVariance.isFinite, mixingVariance >= 0 else { return pValue }
        guard variance > 0 else {
            if difference != 0 { pValue = 0 }
            return pValue
        }
        // log Λ = −½·log(1 + τ²/V) + τ²/(V+τ²) · d²/(2V).
        let shrink = -0.5 * log1p(mixingVariance / variance)
        let gain = mixingVariance / (variance + mixingVariance) * (difference * difference / (2 * variance))
        let logRatio = shrink + gain
        // Only −∞ + ∞ is NaN here: a variance so small that the exponential term wins.
        let inverseRatio = logRatio.isNaN ? 0 : exp(-logRatio)
        pValue = min(pValue, inverseRatio, 1)
        return pValue
    }
}
