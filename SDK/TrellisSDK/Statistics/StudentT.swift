import Foundation

/// Student's t distribution: how far a mean difference, measured in standard errors, strays by
/// luck alone when the standard error itself is estimated from the data. Agrees with scipy to
/// 1e-10 or better, relative, up to 10⁶ degrees of freedom.
public enum StudentT {
    /// The probability that a t-distributed value with `degreesOfFreedom` is at most `t`; NaN when
    /// `t` is NaN or `degreesOfFreedom` is not positive.
    public static func cdf(_ t: Double, degreesOfFreedom: Double) -> Double {
        let bothTails = twoSidedPValue(t, degreesOfFreedom: degreesOfFreedom)
        guard !bothTails.isNaN else { return .nan }
        return t < 0 ? bothTails / 2 : 1 - bothTails / 2
    }

    /// The probability of a value at least as far from 0 as `t`, either side: P(|T| ≥ |t|). NaN
    /// when `t` is NaN or `degreesOfFreedom` is not positive.
    public static func twoSidedPValue(_ t: Double, degreesOfFreedom: Double) -> Double {
        guard !t.isNaN, degreesOfFreedom > 0 else { return .nan }
        if degreesOfFreedom.isInfinite { return erfc(abs(t) / 2.0.squareRoot()) }
        // P(|T| ≥ |t|) = I_x(ν/2, 1/2) with x = ν / (ν + t²); both x and 1 − x are formed
        // without subtraction, so neither loses digits near 0 or 1.
        let squared = t * t
        let x = 1 / (1 + squared / degreesOfFreedom)
        let complement = 1 / (1 + degreesOfFreedom / squared)
        return regularizedIncompleteBeta(a: degreesOfFreedom / 2, b: 0.5, x: x, complement: complement)
    }

    /// The regularized incomplete beta function I_x(a, b), given x and 1 − x (Numerical Recipes'
    /// betai): the continued fraction where it converges fast, else the symmetry
    /// I_x(a, b) = 1 − I_{1−x}(b, a).
    static func regularizedIncompleteBeta(a: Double, b: Double, x: Double, complement: Double) -> Double {
        if x <= 0 { return 0 }
        if complement <= 0 { return 1 }
        let logX = x < 0.5 ? log(x) : log1p(-complement)
        let logComplement = complement < 0.5 ? log(complement) : log1p(-x)
        let front = exp(a * logX + b * logComplement - logBeta(a, b))
        if x < (a + 1) / (a + b + 2) {
            return front * betaContinuedFraction(a: a, b: b, x: x) / a
        }
        return 1 - front * betaContinuedFraction(a: b, b: a, x: complement) / b
    }

    /// log B(a, b) = log Γ(a) + log Γ(b) − log Γ(a + b). When the larger argument passes 10, its
    /// Stirling terms and those of a + b cancel in closed form (as in R's lbeta), so large degrees
    /// of freedom lose no digits to the difference of two huge log-gammas.
    static func logBeta(_ a: Double, _ b: Double) -> Double {
        let small = min(a, b)
        let large = max(a, b)
        let sum = a + b
        if large < 10 { return lgamma(a) + lgamma(b) - lgamma(sum) }
        let correction = stirlingCorrection(large) - stirlingCorrection(sum)
        return lgamma(small) + correction + small - small * log(sum) + (large - 0.5) * log1p(-small / sum)
    }

    /// log Γ(x) minus its Stirling approximation (x − ½)·log x − x + log √(2π), for x ≥ 10: the
    /// asymptotic series in 1/x, to well below one part in 10¹⁶ there.
    private static func stirlingCorrection(_ x: Double) -> Double {
        let inverse = 1 / x
        let inverseSquared = inverse * inverse
        let coefficients: [Double] = [1.0 / 12, -1.0 / 360, 1.0 / 1260, -1.0 / 1680, 1.0 / 1188, -691.0 / 360_360, 1.0 / 156, -3617.0 / 122_400]
        var series = 0.0
        for coefficient in coefficients.reversed() { series = series * inverseSquared + coefficient }
        return series * inverse
    }

    /// The continued fraction of the incomplete beta function, evaluated by the modified Lentz
    /// method until a term changes it by no more than one unit in the last place.
    private static func betaContinuedFraction(a: Double, b: Double, x: Double) -> Double {
        let tiny = 1e-300
        let sum = a + b
        var c = 1.0
        var d = 1 / nonZero(1 - sum * x / (a + 1), tiny)
        var fraction = d
        for step in 1...100_000 {
            let m = Double(step)
            let even = m * (b - m) * x / ((a - 1 + 2 * m) * (a + 2 * m))
            d = 1 / nonZero(1 + even * d, tiny)
            c = nonZero(1 + even / c, tiny)
            fraction *= d * c
            let odd = -(a + m) * (sum + m) * x / ((a + 2 * m) * (a + 1 + 2 * m))
            d = 1 / nonZero(1 + odd * d, tiny)
            c = nonZero(1 + odd / c, tiny)
            let change = d * c
            fraction *= change
            if abs(change - 1) <= Double.ulpOfOne { break }
        }
        return fraction
    }

    /// `value`, or `tiny` when `value` is closer to 0 than that (Lentz's guard against dividing by 0).
    private static func nonZero(_ value: Double, _ tiny: Double) -> Double { abs(value) < tiny ? tiny : value }
}
