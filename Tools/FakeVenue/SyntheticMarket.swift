/// Seeded random-walk trades and quotes for symbols S001…, for load tests: the same seed
/// gives the same prices, sizes and message kinds on every run.
struct SyntheticMarket: Sendable {
    /// A synthetic trade.
    struct Trade: Sendable, Equatable {
        var symbol: String
        var time: Int64
        var price: Double
        var quantity: Double
        var tradeId: String

        func message(seq: UInt64) -> String {
            var writer = JSONWriter()
            writer.add("type", "trade")
            writer.add("seq", seq)
            writer.add("symbol", symbol)
            writer.add("time", time)
            writer.add("price", price)
            writer.add("quantity", quantity)
            writer.add("tradeId", tradeId)
            return writer.string
        }
    }

    /// A synthetic top-of-book quote.
    struct Quote: Sendable, Equatable {
        var symbol: String
        var time: Int64
        var bid: Double
        var ask: Double
        var bidSize: Double
        var askSize: Double

        func message(seq: UInt64) -> String {
            var writer = JSONWriter()
            writer.add("type", "quote")
            writer.add("seq", seq)
            writer.add("symbol", symbol)
            writer.add("time", time)
            writer.add("bid", bid)
            writer.add("ask", ask)
            writer.add("bidSize", bidSize)
            writer.add("askSize", askSize)
            return writer.string
        }
    }

    /// One generated message.
    enum Event: Sendable, Equatable {
        case trade(Trade)
        case quote(Quote)
    }

    /// The tick size of every synthetic symbol.
    static let tickSize = 0.01

    let symbols: [String]
    private var prices: [Int]
    private var generator: SeededGenerator
    private var nextTrade = 1

    /// Creates `count` symbols with prices between 20 and 200, drawn from `seed`.
    init(count: Int, seed: UInt64) {
        symbols = (1...max(1, count)).map { SyntheticMarket.symbol($0) }
        generator = SeededGenerator(seed: seed, stream: 2)
        var generator = self.generator
        prices = symbols.map { _ in 2_000 + Int(generator.unit() * 18_000) }
        self.generator = generator
    }

    /// The name of symbol number `index` (1-based): S001, S002, … S9999.
    static func symbol(_ index: Int) -> String {
        let digits = String(index)
        return "S" + String(repeating: "0", count: max(0, 3 - digits.count)) + digits
    }

    /// The next message of symbol number `index` (0-based): a step of the walk, then a trade
    /// (three times in ten) or a quote around the new price.
    mutating func next(_ index: Int, time: Int64) -> Event {
        let step = Int((generator.unit() - 0.5) * 2 * Double(max(1, prices[index] / 1_000)))
        prices[index] = max(100, prices[index] + step)
        let price = Double(prices[index]) / 100
        if generator.unit() < 0.3 {
            let quantity = Double(1 + Int(generator.unit() * 100))
            defer { nextTrade += 1 }
            return .trade(Trade(symbol: symbols[index], time: time, price: price, quantity: quantity, tradeId: "X-\(nextTrade)"))
        }
        let spread = 1 + Int(generator.unit() * 3)
        let bid = Double(prices[index] - spread) / 100
        let ask = Double(prices[index] + spread) / 100
        let bidSize = Double(1 + Int(generator.unit() * 500))
        let askSize = Double(1 + Int(generator.unit() * 500))
        return .quote(Quote(symbol: symbols[index], time: time, bid: bid, ask: ask, bidSize: bidSize, askSize: askSize))
    }
}
