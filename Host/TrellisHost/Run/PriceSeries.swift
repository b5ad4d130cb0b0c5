import CTrellis

extension RunResult {
    /// An instrument's price over the run, for charts: bar closes at the bar's open time, trade
    /// prices and quote mid-prices at their time. Long series keep the first, lowest, highest
    /// and last price of each of `PriceSeries.spans` spans, so the shape survives.
    public struct PriceSeries: Sendable, Codable, Equatable {
        public static let spans = 1200

        public var symbol: String
        public var times: [Int64]
        public var prices: [Double]
    }
}

extension MarketTape {
    /// The price series of each instrument on the tape, in instrument id order.
    func priceSeries(instruments: InstrumentTable) -> [RunResult.PriceSeries] {
        guard instruments.count > 0 else { return [] }
        var times = [[Int64]](repeating: [], count: instruments.count + 1)
        var prices = [[Double]](repeating: [], count: instruments.count + 1)
        for index in 0..<count {
            let event = event(index)
            let id = Int(event.pointee.instrument)
            guard id > 0, id <= instruments.count else { continue }
            let raw = UnsafeRawPointer(event)
            let price: Double
            switch Int32(event.pointee.type) {
            case TRELLIS_EVENT_BAR: price = raw.load(as: trellis_bar.self).close
            case TRELLIS_EVENT_TRADE: price = raw.load(as: trellis_trade.self).price
            case TRELLIS_EVENT_QUOTE:
                let quote = raw.load(as: trellis_quote.self)
                price = (quote.bid + quote.ask) / 2
            default: continue
            }
            guard price.isFinite else { continue }
            times[id].append(openTime(index))
            prices[id].append(price)
        }
        return (1...instruments.count).map { id in
            let kept = Downsample.keepingShape(prices[id], spans: RunResult.PriceSeries.spans)
            return RunResult.PriceSeries(symbol: instruments.symbol(UInt32(id)), times: kept.map { times[id][$0] }, prices: kept.map { prices[id][$0] })
        }
    }
}
