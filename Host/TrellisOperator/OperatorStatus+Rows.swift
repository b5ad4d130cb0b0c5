extension OperatorStatus {
    /// An open position of one node in one symbol.
    public struct Position: Codable, Sendable, Equatable {
        public var symbol: String
        public var node: String
        /// Signed: negative is short.
        public var quantity: Double
        public var averagePrice: Double
        public var lastPrice: Double
        public var unrealizedPnL: Double

        public init(symbol: String, node: String, quantity: Double, averagePrice: Double, lastPrice: Double, unrealizedPnL: Double) {
            self.symbol = symbol
            self.node = node
            self.quantity = quantity
            self.averagePrice = averagePrice
            self.lastPrice = lastPrice
            self.unrealizedPnL = unrealizedPnL
        }
    }

    /// An order that is not done yet.
    public struct Order: Codable, Sendable, Equatable {
        public var node: String
        public var symbol: String
        /// `"buy"` or `"sell"`.
        public var side: String
        /// `"market"`, `"limit"`, `"stop"` …
        public var type: String
        public var quantity: Double
        public var filledQuantity: Double
        /// The limit or stop price; 0 for a market order.
        public var price: Double
        /// `"pending"`, `"accepted"`, `"partially-filled"` …
        public var status: String
        public var clientOrderID: UInt64
        /// `"sim"`, or the broker node the order went to.
        public var venue: String
        /// When the order was sent.
        public var since: Int64

        public init(
            node: String, symbol: String, side: String, type: String, quantity: Double, filledQuantity: Double = 0, price: Double = 0,
            status: String, clientOrderID: UInt64, venue: String, since: Int64
        ) {
            self.node = node
            self.symbol = symbol
            self.side = side
            self.type = type
            self.quantity = quantity
            self.filledQuantity = filledQuantity
            self.price = price
            self.status = status
            self.clientOrderID = clientOrderID
            self.venue = venue
            self.since = since
        }
    }

    /// A hard limit: what it is set to and where the run stands.
    public struct Limit: Codable, Sendable, Equatable {
        /// The limit's key, e.g. `"max_orders_per_second"`.
        public var name: String
        /// Its setting, as text, e.g. `"10"`.
        public var setting: String
        /// Where the run stands, as text, e.g. `"3 of 10 orders/s"`.
        public var state: String

        public init(name: String, setting: String, state: String) {
            self.name = name
            self.setting = setting
            self.state = state
        }
    }

    /// One error a node or the host reported.
    public struct ErrorLine: Codable, Sendable, Equatable {
        public var time: Int64
        /// The node that failed, or `"host"`.
        public var node: String
        public var message: String

        public init(time: Int64, node: String, message: String) {
            self.time = time
            self.node = node
            self.message = message
        }
    }

    /// A shadow tester's verdict on a challenger branch.
    public struct Verdict: Codable, Sendable, Equatable {
        public var challenger: String
        /// The champion branch it would replace.
        public var replaces: String
        /// The tester's verdict in words, e.g. `"better (p = 0.012)"`.
        public var verdict: String
        public var pValue: Double
        /// Challenger minus champion, in the tester's statistic.
        public var difference: Double
        public var championCount: Int
        public var challengerCount: Int

        public init(
            challenger: String, replaces: String, verdict: String, pValue: Double, difference: Double, championCount: Int, challengerCount: Int
        ) {
            self.challenger = challenger
            self.replaces = replaces
            self.verdict = verdict
            self.pValue = pValue
            self.difference = difference
            self.championCount = championCount
            self.challengerCount = challengerCount
        }
    }
}
