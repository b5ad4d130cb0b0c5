import CTrellis

extension RunResult {
    /// Shadow A/B (docs/shadow.md): each challenger's ledger next to its champion side's, and
    /// every verdict the testers gave.
    public struct ShadowReport: Sendable, Codable {
        public var challengers: [Challenger]
        public var verdicts: [ShadowVerdict]
    }

    /// One challenger against the champion nodes it replaces. Both sides start with the venue's cash.
    public struct Challenger: Sendable, Codable {
        public var name: String
        /// The champion node it replaces, and the nodes of each side.
        public var replaces: String
        public var championNodes: [String]
        public var challengerNodes: [String]
        /// The replaced node's type and params, and the challenger's (JSON).
        public var championParameters: String
        public var challengerParameters: String
        public var championUse: String
        public var challengerUse: String
        public var champion: Ledger
        public var challenger: Ledger
    }

    /// One side's sub-ledger: its equity after each timestamp (at the open times of that
    /// timestamp's bars; thinned when read back from the journal), its round trips, its statistics.
    public struct Ledger: Sendable, Codable {
        public var times: [Int64]
        public var equity: [Double]
        public var trades: [Trade]
        public var openTrades: [Trade]
        public var metrics: Metrics

        public var finalEquity: Double { equity.last ?? 0 }
    }

    /// A tester's verdict on a challenger at one look.
    public struct ShadowVerdict: Sendable, Codable, Equatable {
        public var time: Int64
        public var tester: String
        public var challenger: String
        /// insufficient-data, challenger-better, champion-better or no-difference.
        public var verdict: String
        /// Which returns were compared: hours, days, or trades.
        public var judgedBy: String
        public var championCount: Int
        public var challengerCount: Int
        public var championMean: Double
        public var challengerMean: Double
        public var difference: Double
        public var effectSize: Double
        /// Always valid under repeated looks: the verdict uses it.
        public var pValue: Double
        /// Welch's t-test at this look alone (nil when not computable).
        public var naivePValue: Double?
        public var intervalLow: Double?
        public var intervalHigh: Double?

        static let verdictNames = [
            TRELLIS_VERDICT_INSUFFICIENT_DATA: "insufficient-data", TRELLIS_VERDICT_CHALLENGER_BETTER: "challenger-better",
            TRELLIS_VERDICT_CHAMPION_BETTER: "champion-better", TRELLIS_VERDICT_NO_DIFFERENCE: "no-difference",
        ]

        init(_ raw: trellis_shadow_verdict, time: Int64, tester: String, challenger: String) {
            let finite = { (value: Double) in value.isFinite ? value : nil }
            self.time = time
            self.tester = tester
            self.challenger = challenger
            verdict = Self.verdictNames[raw.verdict] ?? "verdict \(raw.verdict)"
            switch (raw.judged_by, raw.period_seconds) {
            case (1, _): judgedBy = "trades"
            case (_, 3600): judgedBy = "hours"
            case (_, 86_400): judgedBy = "days"
            default: judgedBy = "periods of \(raw.period_seconds) s"
            }
            championCount = Int(raw.champion_count)
            challengerCount = Int(raw.challenger_count)
            championMean = finite(raw.champion_mean) ?? 0
            challengerMean = finite(raw.challenger_mean) ?? 0
            difference = finite(raw.difference) ?? 0
            effectSize = finite(raw.effect_size) ?? 0
            pValue = finite(raw.p_value) ?? 1
            naivePValue = finite(raw.naive_p_value)
            intervalLow = finite(raw.interval_low)
            intervalHigh = finite(raw.interval_high)
        }

        public init(
            time: Int64, tester: String, challenger: String, verdict: String, judgedBy: String, championCount: Int, challengerCount: Int,
            championMean: Double, challengerMean: Double, difference: Double, effectSize: Double, pValue: Double, naivePValue: Double?,
            intervalLow: Double?, intervalHigh: Double?
        ) {
            self.time = time
            self.tester = tester
            self.challenger = challenger
            self.verdict = verdict
            self.judgedBy = judgedBy
            self.championCount = championCount
            self.challengerCount = challengerCount
            self.championMean = championMean
            self.challengerMean = challengerMean
            self.difference = difference
            self.effectSize = effectSize
            self.pValue = pValue
            self.naivePValue = naivePValue
            self.intervalLow = intervalLow
            self.intervalHigh = intervalHigh
        }
    }
}
