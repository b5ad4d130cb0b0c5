import TrellisSDK

/// The shadow tester (docs/shadow.md): compares each challenger's returns with its champion
/// side's, per period or per trade, and at each look emits a verdict signal (label
/// insufficient-data, challenger-better, champion-better or no-difference; value the effect size;
/// confidence 1 − p) and a TRELLIS_CUSTOM_SHADOW_VERDICT event with every figure, which the host
/// journals. The sequential guard (a mixture SPRT) keeps the verdict's error rate at `alpha`
/// however often it looks.
struct ABShadowTester: Node {
    static let descriptor = NodeDescriptor(
        type: "ab-shadow", kind: .observer, version: "1.0.0",
        description: "Judges each shadow challenger against its champion: Welch's t-test, a bootstrap interval and a sequential guard.",
        parameters: abShadowParameters)

    enum Sample: String { case periods, trades }

    let context: NodeContext
    let periodNanoseconds: Int64
    let sample: Sample
    let minimumTrades: Int
    let lookEvery: Int
    let makeComparison: () -> ShadowComparison
    var branches: [BranchReturns] = []
    /// The period of the latest timestamp, and periods closed since the last look.
    var currentPeriod: Int64?
    var periodsSinceLook = 0

    init(context: NodeContext, parameters: Parameters) throws(PluginError) {
        self.context = context
        let period = try parameters.string("period")
        switch period {
        case "hour": periodNanoseconds = 3_600_000_000_000
        case "day": periodNanoseconds = 86_400_000_000_000
        default: throw PluginError("period must be hour or day, not '\(period)'")
        }
        let judged = try parameters.string("judge_by")
        guard let sample = Sample(rawValue: judged) else { throw PluginError("judge_by must be periods or trades, not '\(judged)'") }
        self.sample = sample
        minimumTrades = try parameters.integer("min_trades")
        lookEvery = try parameters.integer("look_every")
        let alpha = try parameters.number("alpha")
        let minimum = try parameters.integer("min_sample")
        let scale = try parameters.number("mixture_scale")
        let resamples = try parameters.integer("resamples")
        let seed = UInt64(truncatingIfNeeded: try parameters.integer("seed"))
        makeComparison = { ShadowComparison(alpha: alpha, minimumSample: minimum, mixtureScale: scale, resamples: resamples, seed: seed) }
    }

    mutating func onCustom(_ event: Event) {
        let payload = event.customPayload
        guard let custom = event.record(trellis_custom.self), payload.count >= MemoryLayout<trellis_shadow_branches>.size else { return }
        let header = payload.loadUnaligned(as: trellis_shadow_branches.self)
        switch custom.custom_type {
        case TRELLIS_CUSTOM_SHADOW_BRANCHES: readBranches(payload, count: Int(header.count))
        case TRELLIS_CUSTOM_SHADOW_EQUITY: takeEquity(payload, count: Int(header.count), at: event.timestamp, final: header.flags & TRELLIS_SHADOW_FINAL != 0)
        case TRELLIS_CUSTOM_SHADOW_TRADE: takeTrade(payload.loadUnaligned(as: trellis_shadow_trade.self), at: event.timestamp)
        default: break
        }
    }

    private mutating func readBranches(_ payload: UnsafeRawBufferPointer, count: Int) {
        let names = payload.dropFirst(MemoryLayout<trellis_shadow_branches>.size).split(separator: 0, omittingEmptySubsequences: false)
        branches = (0..<count).map { index in
            let name = index * 2 < names.count ? String(decoding: names[index * 2], as: UTF8.self) : "challenger \(index)"
            let replaces = index * 2 + 1 < names.count ? String(decoding: names[index * 2 + 1], as: UTF8.self) : ""
            return BranchReturns(name: name, replaces: replaces, comparison: makeComparison())
        }
    }

    private mutating func takeEquity(_ payload: UnsafeRawBufferPointer, count: Int, at time: Int64, final: Bool) {
        let offset = MemoryLayout<trellis_shadow_branches>.size
        guard count == branches.count, payload.count >= offset + 16 * count else { return }
        // A bar stamped at its close belongs to the period it closed in: one ns earlier.
        let period = (time - 1) / periodNanoseconds
        if let currentPeriod, period != currentPeriod { closePeriod(at: time) }
        currentPeriod = period
        for index in 0..<count {
            let champion = payload.loadUnaligned(fromByteOffset: offset + 16 * index, as: Double.self)
            let challenger = payload.loadUnaligned(fromByteOffset: offset + 16 * index + 8, as: Double.self)
            branches[index].record(champion: champion, challenger: challenger)
        }
        if final {
            closePeriod(at: time, forceLook: true)
        }
    }

    /// Closes the period just ended on every branch and looks when `look_every` periods have closed.
    private mutating func closePeriod(at time: Int64, forceLook: Bool = false) {
        for index in branches.indices { branches[index].closePeriod() }
        periodsSinceLook += 1
        guard sample == .periods, forceLook || periodsSinceLook >= lookEvery else { return }
        periodsSinceLook = 0
        for index in branches.indices { look(index, at: time) }
    }

    private mutating func takeTrade(_ trade: trellis_shadow_trade, at time: Int64) {
        let index = Int(trade.challenger)
        guard index < branches.count, trade.return_fraction.isFinite else { return }
        if trade.side == 0 {
            branches[index].championTrades.append(trade.return_fraction)
        } else {
            branches[index].challengerTrades.append(trade.return_fraction)
        }
        if sample == .trades { look(index, at: time) }
    }

    /// Judges challenger `index` on the returns so far and emits the verdict.
    private mutating func look(_ index: Int, at time: Int64) {
        let branch = branches[index]
        let (champion, challenger) =
            sample == .periods ? (branch.championPeriods, branch.challengerPeriods) : (branch.championTrades, branch.challengerTrades)
        var result = branches[index].comparison.look(champion: champion, challenger: challenger)
        if min(branch.championTrades.count, branch.challengerTrades.count) < minimumTrades {
            result.verdict = .insufficientData
        }
        var verdict = trellis_shadow_verdict()
        verdict.challenger = UInt32(index)
        verdict.verdict = result.verdict.code
        verdict.champion_count = UInt32(result.championCount)
        verdict.challenger_count = UInt32(result.challengerCount)
        verdict.champion_mean = result.championMean
        verdict.challenger_mean = result.challengerMean
        verdict.difference = result.difference
        verdict.effect_size = result.effectSize
        verdict.p_value = result.pValue
        verdict.naive_p_value = result.naivePValue
        verdict.interval_low = result.interval?.lowerBound ?? .nan
        verdict.interval_high = result.interval?.upperBound ?? .nan
        verdict.judged_by = sample == .periods ? 0 : 1
        verdict.period_seconds = sample == .periods ? UInt32(periodNanoseconds / 1_000_000_000) : 0
        withUnsafeBytes(of: verdict) { _ = context.emitCustom(type: TRELLIS_CUSTOM_SHADOW_VERDICT, payload: $0) }
        let effect = result.effectSize.isFinite ? result.effectSize : 0
        let confidence = result.pValue.isFinite ? min(1, max(0, 1 - result.pValue)) : 0
        context.emit(Signal(label: result.verdict.rawValue, value: effect, confidence: confidence))
    }
}

extension ShadowVerdict {
    /// The verdict's TRELLIS_VERDICT_* code.
    var code: Int32 {
        switch self {
        case .insufficientData: TRELLIS_VERDICT_INSUFFICIENT_DATA
        case .challengerBetter: TRELLIS_VERDICT_CHALLENGER_BETTER
        case .championBetter: TRELLIS_VERDICT_CHAMPION_BETTER
        case .noDifference: TRELLIS_VERDICT_NO_DIFFERENCE
        }
    }
}

let abShadowParameters = """
    {
      "type": "object",
      "additionalProperties": false,
      "properties": {
        "alpha": {"type": "number", "exclusiveMinimum": 0, "maximum": 0.5, "default": 0.05,
                  "description": "The chance, over the whole run, of calling a difference when there is none."},
        "period": {"enum": ["hour", "day"], "default": "day", "description": "The length of the periods whose returns are compared (UTC)."},
        "judge_by": {"enum": ["periods", "trades"], "default": "periods",
                     "description": "Which returns the verdict compares: per period (the default) or per closed trade."},
        "min_sample": {"type": "integer", "minimum": 2, "maximum": 100000, "default": 30, "description": "Returns each side needs before any verdict."},
        "min_trades": {"type": "integer", "minimum": 0, "maximum": 100000, "default": 0, "description": "Closed trades each side needs before any verdict."},
        "look_every": {"type": "integer", "minimum": 1, "maximum": 100000, "default": 1, "description": "Periods between looks (judge_by: periods); the guard allows any number."},
        "mixture_scale": {"type": "number", "exclusiveMinimum": 0, "default": 0.2,
                          "description": "The guard's mixing scale: the size of difference, in standard deviations, it is most sensitive to."},
        "resamples": {"type": "integer", "minimum": 100, "maximum": 1000000, "default": 2000, "description": "Bootstrap resamples for the interval of the difference."},
        "seed": {"type": "integer", "minimum": 0, "maximum": 9007199254740991, "default": 1, "description": "Seed of the bootstrap: the same run gives the same interval."}
      }
    }
    """
