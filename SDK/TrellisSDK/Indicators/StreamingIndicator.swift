/// An indicator that takes one bar (or value) at a time: O(1) work per update unless its
/// documentation says otherwise, and no allocation after it is created. `value` is nil while it
/// warms up. docs/indicators.md lists them with their formulas and warm-up lengths.
public protocol StreamingIndicator: Sendable {
    associatedtype Value
    /// The latest output, nil until enough input has arrived.
    var value: Value? { get }
}

extension SimpleMovingAverage: StreamingIndicator {}
extension ExponentialMovingAverage: StreamingIndicator {}
extension WeightedMovingAverage: StreamingIndicator {}
extension RelativeStrengthIndex: StreamingIndicator {}
extension MovingAverageConvergenceDivergence: StreamingIndicator {}
extension RateOfChange: StreamingIndicator {}
extension Stochastic: StreamingIndicator {}
extension WilliamsPercentRange: StreamingIndicator {}
extension CommodityChannelIndex: StreamingIndicator {}
extension Aroon: StreamingIndicator {}
extension TrueRange: StreamingIndicator {}
extension AverageTrueRange: StreamingIndicator {}
extension AverageDirectionalIndex: StreamingIndicator {}
extension BollingerBands: StreamingIndicator {}
extension StandardDeviation: StreamingIndicator {}
extension DonchianChannel: StreamingIndicator {}
extension KeltnerChannel: StreamingIndicator {}
extension ZScore: StreamingIndicator {}
extension EfficiencyRatio: StreamingIndicator {}
extension HurstExponent: StreamingIndicator {}
extension RealizedVolatility: StreamingIndicator {}
extension LogReturn: StreamingIndicator {}
extension OnBalanceVolume: StreamingIndicator {}
extension VolumeWeightedAveragePrice: StreamingIndicator {}
extension ChaikinMoneyFlow: StreamingIndicator {}
