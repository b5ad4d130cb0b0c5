import TrellisSDK

/// Labels each bar trending-up, trending-down, ranging or volatile from ADX (with ±DI for the
/// direction), ATR as a percentage of the close and Kaufman's efficiency ratio, with thresholds
/// and a minimum dwell; emits one signal per bar once its indicators are warm: the label, the
/// ADX as its value and a confidence. One instrument: the first it sees.
struct RegimeClassifier: Node {
    static let descriptor = NodeDescriptor(
        type: "regime-classifier", kind: .model, version: "1.0.0",
        description: "Labels bars trending-up, trending-down, ranging or volatile (docs/regime-and-grid.md).",
        parameters: regimeParameters)

    let context: NodeContext
    let thresholds: RegimeThresholds
    var directional: AverageDirectionalIndex
    var range: AverageTrueRange
    var efficiency: EfficiencyRatio
    var label: RegimeLabel
    var instrument: UInt32?

    init(context: NodeContext, parameters: Parameters) throws(PluginError) {
        self.context = context
        thresholds = RegimeThresholds(
            trendADX: try parameters.number("trend_adx"), trendER: try parameters.number("trend_er"),
            rangeADX: try parameters.number("range_adx"), rangeER: try parameters.number("range_er"),
            volatileATRPercent: try parameters.number("volatile_atr_percent"))
        guard thresholds.rangeADX < thresholds.trendADX else {
            throw PluginError("range_adx (\(thresholds.rangeADX)) must be below trend_adx (\(thresholds.trendADX)): the gap between them is the hysteresis")
        }
        guard thresholds.rangeER <= thresholds.trendER else {
            throw PluginError("range_er (\(thresholds.rangeER)) must not be above trend_er (\(thresholds.trendER))")
        }
        directional = AverageDirectionalIndex(period: try parameters.integer("adx_period"))
        range = AverageTrueRange(period: try parameters.integer("atr_period"))
        efficiency = EfficiencyRatio(period: try parameters.integer("er_period"))
        label = RegimeLabel(dwell: try parameters.integer("min_dwell"))
    }

    var warmupBars: Int? { max(2 * directional.period, range.period + 1, efficiency.period + 1) }

    mutating func onBar(_ bar: Bar) {
        if instrument == nil { instrument = bar.header.instrument }
        guard bar.header.instrument == instrument else { return }
        let direction = directional.update(bar)
        let atr = range.update(bar)
        let ratio = efficiency.update(bar.close)
        guard let direction, let adx = direction.adx, let atr, let ratio, bar.close > 0 else { return }
        let measures = RegimeMeasures(adx: adx, plusDI: direction.plusDI, minusDI: direction.minusDI, atrPercent: 100 * atr / bar.close, efficiency: ratio)
        guard let regime = label.update(thresholds.candidate(measures)) else { return }
        context.emit(Signal(label: regime.label, value: adx, confidence: thresholds.confidence(in: regime, measures), instrument: bar.header.instrument))
    }
}

let regimeParameters = """
    {
      "type": "object",
      "additionalProperties": false,
      "properties": {
        "adx_period": {"type": "integer", "minimum": 1, "maximum": 100000, "default": 14, "description": "ADX and ±DI period, bars."},
        "atr_period": {"type": "integer", "minimum": 1, "maximum": 100000, "default": 14, "description": "ATR period, bars."},
        "er_period": {"type": "integer", "minimum": 1, "maximum": 100000, "default": 10, "description": "Efficiency-ratio period, bars."},
        "trend_adx": {"type": "number", "minimum": 0, "default": 25, "description": "ADX at or above this (with trend_er) is a trend."},
        "trend_er": {"type": "number", "minimum": 0, "maximum": 1, "default": 0.3, "description": "Efficiency ratio a trend needs."},
        "range_adx": {"type": "number", "minimum": 0, "default": 20, "description": "ADX at or below this is a range."},
        "range_er": {"type": "number", "minimum": 0, "maximum": 1, "default": 0.2, "description": "Efficiency ratio below this is a range."},
        "volatile_atr_percent": {"type": "number", "exclusiveMinimum": 0, "default": 3,
                                 "description": "ATR at or above this percentage of the close is volatile."},
        "min_dwell": {"type": "integer", "minimum": 1, "maximum": 100000, "default": 3, "description": "Bars a new label must hold before it replaces the current one."}
      }
    }
    """
