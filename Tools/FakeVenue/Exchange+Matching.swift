import Synchronization

/// Matching: orders fill against the market data as the feed publishes it.
extension Exchange {
    /// Fills working orders of the bar's symbol against it, then publishes the bar.
    ///
    /// A MARKET order fills at the open; a LIMIT buy fills when the low reaches its price, at
    /// the better of its price and the open (a sell symmetrically); an IOC order that this, its
    /// first bar, cannot fill expires. Fills are stamped with the bar's open time and sent
    /// before the bar, which the venue publishes once it has closed.
    func process(bar: Bar, symbol: String) {
        book.withLock { book in
            book.lastPrice[symbol] = bar.close
            for clientOrderId in book.open {
                guard var order = book.orders[clientOrderId], order.symbol == symbol else { continue }
                let price: Double?
                switch (order.kind, order.side) {
                case (.market, _): price = bar.open
                case (.limit, .buy): price = bar.low <= order.price ? min(order.price, bar.open) : nil
                case (.limit, .sell): price = bar.high >= order.price ? max(order.price, bar.open) : nil
                }
                if let price {
                    execute(&order, quantity: order.quantity - order.filledQuantity, price: price, time: bar.openTime, book: &book)
                } else if order.timeInForce == .ioc {
                    order.status = .expired
                    publish(order)
                }
                book.orders[clientOrderId] = order
            }
            book.open.removeAll { book.orders[$0]?.status.isFinal ?? true }
            hub.publish(symbol: symbol) { seq in
                var writer = JSONWriter()
                writer.add("type", "bar")
                writer.add("seq", seq)
                writer.add("symbol", symbol)
                writer.add("openTime", bar.openTime)
                writer.add("closeTime", bar.closeTime)
                writer.add("open", bar.open)
                writer.add("high", bar.high)
                writer.add("low", bar.low)
                writer.add("close", bar.close)
                writer.add("volume", bar.volume)
                return writer.string
            }
            counters.update {
                $0.barsSent += 1
                $0.messagesPublished += 1
            }
        }
    }

    /// Fills working orders of the trade's symbol against it, then publishes the trade.
    ///
    /// A MARKET order fills at the trade price, a LIMIT order when the price reaches its
    /// limit; orders share the trade's quantity in arrival order, so large orders fill in
    /// parts (PARTIALLY_FILLED); an IOC order expires with whatever its first trade left.
    func process(trade: SyntheticMarket.Trade) {
        book.withLock { book in
            book.lastPrice[trade.symbol] = trade.price
            var available = trade.quantity
            for clientOrderId in book.open {
                guard var order = book.orders[clientOrderId], order.symbol == trade.symbol else { continue }
                let reaches: Bool
                switch (order.kind, order.side) {
                case (.market, _): reaches = true
                case (.limit, .buy): reaches = trade.price <= order.price
                case (.limit, .sell): reaches = trade.price >= order.price
                }
                if reaches, available > 0 {
                    let quantity = min(order.quantity - order.filledQuantity, available)
                    available -= quantity
                    execute(&order, quantity: quantity, price: trade.price, time: trade.time, book: &book)
                }
                if order.timeInForce == .ioc, !order.status.isFinal {
                    order.status = .expired
                    publish(order)
                }
                book.orders[clientOrderId] = order
            }
            book.open.removeAll { book.orders[$0]?.status.isFinal ?? true }
            hub.publish(symbol: trade.symbol) { trade.message(seq: $0) }
            counters.update {
                $0.tradesSent += 1
                $0.messagesPublished += 1
            }
        }
    }

    /// Publishes a quote (quotes do not fill orders).
    func process(quote: SyntheticMarket.Quote) {
        hub.publish(symbol: quote.symbol) { quote.message(seq: $0) }
        counters.update {
            $0.quotesSent += 1
            $0.messagesPublished += 1
        }
    }

    /// Publishes `end`: the bars ran out.
    func publishEnd() {
        hub.publish { seq in
            var writer = JSONWriter()
            writer.add("type", "end")
            writer.add("seq", seq)
            return writer.string
        }
        counters.update {
            $0.ended = true
            $0.messagesPublished += 1
        }
    }

    /// Executes part of an order: books the fill, moves the account, publishes fill then order.
    private func execute(_ order: inout VenueOrder, quantity: Double, price: Double, time: Int64, book: inout Book) {
        let quantity = JSONWriter.tidy(quantity)
        let multiplier = instruments.first { $0.symbol == order.symbol }?.multiplier ?? 1
        var fill = VenueFill(
            clientOrderId: order.clientOrderId, orderId: order.orderId, tradeId: "T-\(book.nextTrade)", symbol: order.symbol, side: order.side,
            quantity: quantity, price: price, commission: JSONWriter.tidy(quantity * price * multiplier * commission), time: time)
        book.nextTrade += 1
        order.fill(quantity, at: price)
        fill.seq = hub.publish { [fill] seq in
            var numbered = fill
            numbered.seq = seq
            return numbered.json
        }
        book.fills.append(fill)
        book.account.apply(fill)
        publish(order)
        counters.update {
            $0.fills += 1
            $0.messagesPublished += 1
        }
    }
}
