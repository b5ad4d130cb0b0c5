import Foundation
import Testing
import TrellisSDK

/// The statistics behind the shadow tester: Welch's test and Student's t against scipy, the
/// bootstrap's determinism and coverage, and the sequential guard's promise — repeated looks at
/// two equal strategies rarely call a winner, where a naive t-test at every look often does —
/// while a real edge is still found.
///
/// Expected values come from scipy 1.17.1 (numpy 2.4.6, Python 3.11.7):
///
///     from scipy import stats
///     r = stats.ttest_ind(challenger, champion, equal_var=False)   # r.statistic, r.df, r.pvalue
///     stats.t.cdf(t, df), 2 * stats.t.sf(abs(t), df)
@Suite struct ShadowStatisticsTests {
    /// A Welch fixture: both samples and scipy's t, degrees of freedom and two-sided p.
    struct WelchFixture: Sendable, CustomTestStringConvertible {
        let name: String
        let champion: [Double]
        let challenger: [Double]
        let t: Double
        let degreesOfFreedom: Double
        let pValue: Double
        var testDescription: String { name }
    }

    static let welchFixtures = [
        WelchFixture(
            name: "daily returns", champion: [0.012, -0.004, 0.021, 0.007, -0.015, 0.003, 0.018, -0.009],
            challenger: [0.025, 0.011, 0.030, -0.002, 0.019, 0.027, 0.008, 0.015, 0.022],
            t: 2.304395802742398, degreesOfFreedom: 13.428887276935509, pValue: 0.037760212962386505),
        WelchFixture(
            name: "unequal sizes and spreads", champion: [1.2, 3.4, 2.2, 5.1, 0.3],
            challenger: [10.5, 2.0, 7.7, 15.2, 9.9, 4.4, 12.0, 0.5, 6.6, 8.1, 11.3, 3.3],
            t: 3.384516469365169, degreesOfFreedom: 14.905255197295167, pValue: 0.004117129964619048),
        WelchFixture(
            name: "two against three", champion: [1.0, 2.0], challenger: [1.5, 2.5, 4.0],
            t: 1.3228756555322951, degreesOfFreedom: 2.9980879541108987, pValue: 0.2777264175079966),
        WelchFixture(
            name: "no real difference", champion: [-1.3, 0.4, 2.2, -0.7, 1.1, 0.0, -2.5], challenger: [0.2, -0.9, 1.8, -1.1, 0.6, 0.3, -0.2],
            t: 0.3084652844142287, degreesOfFreedom: 10.086327351643487, pValue: 0.7640050071373922),
    ]

    @Test(arguments: welchFixtures)
    func welchMatchesScipy(_ fixture: WelchFixture) throws {
        let test = try #require(WelchTest.compare(champion: SampleMoments(fixture.champion), challenger: SampleMoments(fixture.challenger)))
        #expect(abs(test.t - fixture.t) <= 1e-10 * abs(fixture.t))
        #expect(abs(test.degreesOfFreedom - fixture.degreesOfFreedom) <= 1e-10 * fixture.degreesOfFreedom)
        #expect(abs(test.pValue - fixture.pValue) <= 1e-10)
        #expect(abs(test.standardError * test.t - test.difference) <= 1e-12 * abs(test.difference))
    }

    /// (t, degrees of freedom, scipy's cdf, scipy's two-sided p).
    static let studentTCases: [(Double, Double, Double, Double)] = [
        (0.5, 1, 0.6475836176504333, 0.7048327646991335),
        (-2, 1, 0.14758361765043326, 0.2951672353008665),
        (12.7, 1, 0.9749878361553279, 0.050024327689344165),
        (1.3, 2.5, 0.8497566053646458, 0.3004867892707083),
        (-0.7, 2.5, 0.271702471594774, 0.543404943189548),
        (-6, 2.5, 0.0076408649427614495, 0.015281729885522899),
        (2.1, 30, 0.9778787643688382, 0.04424247126232353),
        (-3.5, 30, 0.0007384037188221266, 0.0014768074376442532),
        (0, 30, 0.5, 1.0),
        (-4.2, 25, 0.0001480019494650281, 0.0002960038989300562),
        (50, 3, 0.9999911914239794, 1.761715204127197e-05),
        (1.96, 1000, 0.9748634075221256, 0.050273184955748736),
        (-0.1, 1000, 0.46018218451180204, 0.9203643690236041),
        (-8, 1000, 1.7133307411957489e-15, 3.4266614823914978e-15),
        (1.5, 10_000, 0.9331770140881902, 0.13364597182361965),
        (2.5, 1_000_000, 0.9937902552489184, 0.012419489502163254),
    ]

    @Test func studentTMatchesScipy() {
        for (t, degreesOfFreedom, cdf, twoSided) in Self.studentTCases {
            let computedCDF = StudentT.cdf(t, degreesOfFreedom: degreesOfFreedom)
            let computedTwoSided = StudentT.twoSidedPValue(t, degreesOfFreedom: degreesOfFreedom)
            #expect(abs(computedCDF - cdf) <= 1e-10, "cdf(\(t), df \(degreesOfFreedom)) = \(computedCDF), scipy \(cdf)")
            #expect(abs(computedTwoSided - twoSided) <= 1e-10 * twoSided, "p(\(t), df \(degreesOfFreedom)) = \(computedTwoSided), scipy \(twoSided)")
        }
        #expect(StudentT.twoSidedPValue(.infinity, degreesOfFreedom: 5) == 0)
        #expect(StudentT.cdf(-.infinity, degreesOfFreedom: 5) == 0)
        #expect(StudentT.cdf(.infinity, degreesOfFreedom: 5) == 1)
        #expect(StudentT.cdf(1, degreesOfFreedom: 0).isNaN)
        #expect(StudentT.cdf(.nan, degreesOfFreedom: 3).isNaN)
    }

    @Test func sampleMomentsAddUpLikeTheTextbook() {
        let values = [2.0, 4, 4, 4, 5, 5, 7, 9]
        var running = SampleMoments()
        for value in values { running.add(value) }
        #expect(running == SampleMoments(values))
        #expect(running.count == 8)
        #expect(running.mean == 5)
        #expect(abs(running.variance - 32.0 / 7) <= 1e-14)
        #expect(abs(running.standardDeviation - (32.0 / 7).squareRoot()) <= 1e-14)
        #expect(SampleMoments([3.0]).variance == 0)
        #expect(SampleMoments().count == 0)
    }

    @Test func welchHandlesConstantAndTinySamples() throws {
        #expect(WelchTest.compare(champion: SampleMoments([1.0]), challenger: SampleMoments([1.0, 2, 3])) == nil)
        let same = try #require(WelchTest.compare(champion: SampleMoments([0.5, 0.5, 0.5]), challenger: SampleMoments([0.5, 0.5])))
        #expect(same.t == 0 && same.pValue == 1 && same.degreesOfFreedom == 3 && same.effectSize == 0)
        let apart = try #require(WelchTest.compare(champion: SampleMoments([0.5, 0.5, 0.5]), challenger: SampleMoments([0.2, 0.2])))
        #expect(apart.t == -.infinity && apart.pValue == 0 && abs(apart.difference + 0.3) < 1e-15)
    }

    @Test func guardFollowsTheMixtureFormula() {
        // From the formula in mpmath at 30 digits: d 0.1 and 0.15, V 0.002, pooled variance 0.5, scale 0.2.
        var sequentialGuard = MixtureSPRT(alpha: 0.05)
        #expect(sequentialGuard.pValue == 1 && sequentialGuard.looks == 0 && !sequentialGuard.rejected)
        let first = sequentialGuard.look(difference: 0.1, variance: 0.002, pooledVariance: 0.5)
        #expect(abs(first - 0.34171451693152205) <= 1e-12)
        let second = sequentialGuard.look(difference: 0.15, variance: 0.002, pooledVariance: 0.5)
        #expect(abs(second - 0.019946756561446333) <= 1e-12)
        #expect(sequentialGuard.rejected)
        // Weaker evidence later never raises the p-value.
        #expect(sequentialGuard.look(difference: 0, variance: 0.002, pooledVariance: 0.5) == second)
        #expect(sequentialGuard.looks == 3)
        // Overwhelming evidence stays finite in log space.
        var overwhelmed = MixtureSPRT(alpha: 0.05)
        #expect(overwhelmed.look(difference: 1, variance: 1e-300, pooledVariance: 0.5) == 0)
        // Both samples constant: equal means are no evidence, unequal ones conclusive.
        var constantEqual = MixtureSPRT(alpha: 0.05)
        #expect(constantEqual.look(difference: 0, variance: 0, pooledVariance: 0) == 1)
        var constantApart = MixtureSPRT(alpha: 0.05)
        #expect(constantApart.look(difference: 0.01, variance: 0, pooledVariance: 0) == 0)
        #expect(constantApart.rejected)
    }

    @Test func bootstrapIsDeterministicForASeed() throws {
        var random = NormalStream(seed: 7)
        let champion = (0..<200).map { _ in random.normal() }
        let challenger = (0..<150).map { _ in random.normal(mean: 0.2, deviation: 1.5) }
        let first = try #require(bootstrapMeanDifference(champion: champion, challenger: challenger, seed: 42))
        #expect(bootstrapMeanDifference(champion: champion, challenger: challenger, seed: 42) == first)
        #expect(bootstrapMeanDifference(champion: champion, challenger: challenger, seed: 43) != first)
        let difference = SampleMoments(challenger).mean - SampleMoments(champion).mean
        #expect(first.contains(difference))
        #expect(bootstrapMeanDifference(champion: [], challenger: challenger, seed: 42) == nil)
        #expect(bootstrapMeanDifference(champion: champion, challenger: [], seed: 42) == nil)
    }

    /// 200 trials of 40 champion values from N(0, 1) and 60 challenger values from N(0.5, 2²): the
    /// 95% interval should hold the true difference 0.5 in about 95% of them. The tolerance is 3
    /// binomial standard errors (3 × sqrt(0.95 × 0.05 / 200) ≈ 0.046) either side, plus 0.02 below
    /// for the percentile bootstrap's known narrowness at these sizes (0.93 over 2,000 such trials).
    @Test func bootstrapIntervalCoversTheTrueDifference() throws {
        let trials = 200
        var covered = 0
        for trial in 0..<trials {
            var random = NormalStream(seed: 1_000 + UInt64(trial))
            let champion = (0..<40).map { _ in random.normal() }
            let challenger = (0..<60).map { _ in random.normal(mean: 0.5, deviation: 2) }
            let interval = try #require(bootstrapMeanDifference(champion: champion, challenger: challenger, seed: UInt64(trial)))
            if interval.contains(0.5) { covered += 1 }
        }
        let coverage = Double(covered) / Double(trials)
        let standardErrors = 3 * (0.95 * 0.05 / Double(trials)).squareRoot()
        #expect(coverage >= 0.95 - standardErrors - 0.02 && coverage <= 0.95 + standardErrors, "coverage \(coverage)")
    }

    /// Where null and edge runs draw their returns.
    enum ReturnShape: String, CaseIterable, Sendable {
        /// Normal returns, standard deviation 1.
        case normal
        /// Mostly flat, with frequent small losses and rare large gains: skewed and heavy-tailed.
        case sparseSkewed

        fileprivate func draw(_ random: inout NormalStream, shift: Double = 0) -> Double {
            switch self {
            case .normal: return random.normal(mean: shift)
            case .sparseSkewed:
                let u = random.unit()
                let base = u < 0.8 ? 0 : u < 0.95 ? -(0.5 + random.unit()) : -3 * log(1 - random.unit())
                return base + shift
            }
        }
    }

    /// Whether any look at the first 10, 20, …, 500 returns of each side calls a winner: by the
    /// naive rule (Welch p < alpha at a look past the minimum sample) and by the comparison's verdict
    /// (defaults but 500 resamples, which keep the runs quick; the verdict only needs the interval's sign).
    static func anyLookCallsAWinner(champion: [Double], challenger: [Double]) -> (naive: Bool, guarded: ShadowVerdict?) {
        var comparison = ShadowComparison(resamples: 500)
        var naive = false
        var guarded: ShadowVerdict?
        for count in stride(from: 10, through: champion.count, by: 10) where !naive || guarded == nil {
            let look = comparison.look(champion: Array(champion[..<count]), challenger: Array(challenger[..<count]))
            if look.verdict != .insufficientData, look.naivePValue < comparison.alpha { naive = true }
            if guarded == nil, look.verdict == .challengerBetter || look.verdict == .championBetter { guarded = look.verdict }
        }
        return (naive, guarded)
    }

    /// 200 runs in which both sides draw from the same distribution, each looked at 48 times. The
    /// guarded rate may exceed alpha 0.05 by at most 3 binomial standard errors
    /// (3 × sqrt(0.05 × 0.95 / 200) ≈ 0.046); the naive rate must exceed twice alpha.
    @Test(arguments: ReturnShape.allCases)
    func repeatedLooksKeepTheErrorRate(_ shape: ReturnShape) {
        let runs = 200
        let alpha = 0.05
        var naiveFalsePositives = 0
        var guardedFalsePositives = 0
        for run in 0..<runs {
            var random = NormalStream(seed: 50_000 + UInt64(run))
            let champion = (0..<500).map { _ in shape.draw(&random) }
            let challenger = (0..<500).map { _ in shape.draw(&random) }
            let outcome = Self.anyLookCallsAWinner(champion: champion, challenger: challenger)
            if outcome.naive { naiveFalsePositives += 1 }
            if outcome.guarded != nil { guardedFalsePositives += 1 }
        }
        let naiveRate = Double(naiveFalsePositives) / Double(runs)
        let guardedRate = Double(guardedFalsePositives) / Double(runs)
        #expect(naiveRate > 2 * alpha, "naive false-positive rate \(naiveRate)")
        #expect(guardedRate <= alpha + 3 * (alpha * (1 - alpha) / Double(runs)).squareRoot(), "guarded false-positive rate \(guardedRate)")
    }

    /// 200 runs in which one side earns 0.3 standard deviations more a period: by 500 returns each,
    /// at least 90% should have named it, and none the other side.
    @Test(arguments: [0.3, -0.3])
    func aRealEdgeIsFound(_ edge: Double) {
        let runs = 200
        var found = 0
        for run in 0..<runs {
            var random = NormalStream(seed: 90_000 + UInt64(run))
            let champion = (0..<500).map { _ in random.normal() }
            let challenger = (0..<500).map { _ in random.normal(mean: edge) }
            let verdict = Self.anyLookCallsAWinner(champion: champion, challenger: challenger).guarded
            #expect(verdict != (edge > 0 ? .championBetter : .challengerBetter))
            if verdict == (edge > 0 ? .challengerBetter : .championBetter) { found += 1 }
        }
        #expect(Double(found) / Double(runs) >= 0.9, "power \(Double(found) / Double(runs))")
    }

    @Test func identicalReturnsShowNoDifference() {
        var random = NormalStream(seed: 3)
        let returns = (0..<100).map { _ in random.normal() }
        var comparison = ShadowComparison()
        let look = comparison.look(champion: returns, challenger: returns)
        #expect(look.verdict == .noDifference)
        #expect(look.pValue == 1 && look.naivePValue == 1 && look.difference == 0 && look.interval == nil)
        var again = ShadowComparison()
        #expect(again.look(champion: returns, challenger: returns) == look)
    }

    @Test func tooFewReturnsAreInsufficientData() {
        var comparison = ShadowComparison(minimumSample: 30)
        let short = comparison.look(champion: Array(repeating: 0.01, count: 29), challenger: Array(repeating: 0.05, count: 40))
        #expect(short.verdict == .insufficientData)
        #expect(short.pValue == 1 && short.naivePValue == 0 && short.championCount == 29 && short.challengerCount == 40)
        #expect(comparison.sequentialGuard.looks == 0)
        let empty = comparison.look(champion: [], challenger: [0.01])
        #expect(empty.verdict == .insufficientData && empty.championMean.isNaN && empty.naivePValue.isNaN && empty.effectSize.isNaN)
        // Past the minimum, constant returns that differ are conclusive, and the interval says which way.
        let apart = comparison.look(champion: Array(repeating: 0.01, count: 30), challenger: Array(repeating: 0.05, count: 40))
        #expect(apart.verdict == .challengerBetter && apart.pValue == 0)
        #expect(apart.interval.map { abs($0.lowerBound - 0.04) < 1e-12 && abs($0.upperBound - 0.04) < 1e-12 } == true)
    }

    @Test func verdictsHaveStableNamesAndOneSentenceEach() {
        #expect(ShadowVerdict.allCases.map(\.rawValue) == ["insufficient-data", "challenger-better", "champion-better", "no-difference"])
        for verdict in ShadowVerdict.allCases {
            let sentence = verdict.meaning
            #expect(sentence.first?.isUppercase == true && sentence.hasSuffix("."))
            #expect(sentence.dropLast().contains(".") == false, "\(verdict): one sentence")
        }
    }
}

/// A seeded stream of uniform and normal numbers for the tests (SeededRandom, then Box–Muller),
/// the same on every run and machine.
fileprivate struct NormalStream {
    private var source: SeededRandom
    private var spare: Double?

    init(seed: UInt64) { source = SeededRandom(seed: seed) }

    /// A number in [0, 1).
    mutating func unit() -> Double { source.unit() }

    /// A normal draw with the given mean and standard deviation.
    mutating func normal(mean: Double = 0, deviation: Double = 1) -> Double {
        if let spare {
            self.spare = nil
            return mean + deviation * spare
        }
        let radius = (-2 * log(1 - unit())).squareRoot()
        let angle = 2 * Double.pi * unit()
        spare = radius * sin(angle)
        return mean + deviation * radius * cos(angle)
    }
}
