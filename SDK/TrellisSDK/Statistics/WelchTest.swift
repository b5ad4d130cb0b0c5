/// Welch's t-test of two means that need not share a variance: how many standard errors apart the
/// challenger's mean is from the champion's, and how likely luck alone is to set them that far
/// apart. Its p-value holds for one look only; ``MixtureSPRT`` is the guard for repeated looks.
public struct WelchTest: Sendable, Equatable {
    /// The challenger's mean minus the champion's.
    public let difference: Double
    /// The standard error of ``difference``: sqrt(s1²/n1 + s2²/n2).
    public let standardError: Double
    /// ``difference`` in standard errors.
    public let t: Double
    /// The Welch–Satterthwaite degrees of freedom.
    public let degreesOfFreedom: Double
    /// The two-sided p-value: the chance of a |t| at least this large when the means are equal.
    public let pValue: Double
    /// Cohen's d: ``difference`` over the root mean of the two variances; 0 when both are 0.
    public let effectSize: Double

    /// Compares `challenger` with `champion`; nil when either has fewer than two values. When both
    /// samples are constant, equal means give t 0 and p 1, and unequal means t ±infinity and p 0.
    public static func compare(champion: SampleMoments, challenger: SampleMoments) -> WelchTest? {
        guard champion.count >= 2, challenger.count >= 2 else { return nil }
        let championShare = champion.variance / Double(champion.count)
        let challengerShare = challenger.variance / Double(challenger.count)
        let varianceOfDifference = championShare + challengerShare
        let difference = challenger.mean - champion.mean
        let pooledStandardDeviation = ((champion.variance + challenger.variance) / 2).squareRoot()
        let effectSize = pooledStandardDeviation > 0 ? difference / pooledStandardDeviation : 0
        guard varianceOfDifference > 0 else {
            let degreesOfFreedom = Double(champion.count + challenger.count - 2)
            let t: Double = difference == 0 ? 0 : (difference > 0 ? .infinity : -.infinity)
            return WelchTest(
                difference: difference, standardError: 0, t: t, degreesOfFreedom: degreesOfFreedom,
                pValue: difference == 0 ? 1 : 0, effectSize: effectSize)
        }
        let standardError = varianceOfDifference.squareRoot()
        let t = difference / standardError
        let degreesOfFreedom =
            varianceOfDifference * varianceOfDifference
            / (championShare * championShare / Double(champion.count - 1) + challengerShare * challengerShare / Double(challenger.count - 1))
        return WelchTest(
            difference: difference, standardError: standardError, t: t, degreesOfFreedom: degreesOfFreedom,
            pValue: StudentT.twoSidedPValue(t, degreesOfFreedom: degreesOfFreedom), effectSize: effectSize)
    }
}
