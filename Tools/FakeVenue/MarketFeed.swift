import Foundation
import Logging

/// The venue's clock: once the first WebSocket client is connected it publishes the market
/// data (bars, or synthetic trades and quotes) at the configured pace, and heartbeats to idle
/// connections.
struct MarketFeed: Sendable {
    /// What the feed replays.
    enum Source: Sendable {
        case bars(BarSeries, symbol: String)
        case synthetic(SyntheticMarket, rate: Double)
    }

    let source: Source
    let intervalMs: Int
    let startAfterMs: Int
    let loop: Bool
    let exchange: Exchange
    let hub: StreamHub
    let logger: Logger

    /// Runs until cancelled (or, without `loop`, until the bars run out).
    func run() async throws {
        while !hub.everConnected { try await Task.sleep(for: .milliseconds(5)) }
        if startAfterMs > 0 { try await Task.sleep(for: .milliseconds(startAfterMs)) }
        logger.info("market data starts", metadata: ["venue.connections": "\(hub.connectionCount)"])
        switch source {
        case .bars(let series, let symbol): try await replay(series, symbol: symbol)
        case .synthetic(let market, let rate): try await stream(market, rate: rate)
        }
    }

    /// Publishes one bar per interval; a loop shifts each round's times past the last one.
    private func replay(_ series: BarSeries, symbol: String) async throws {
        let clock = ContinuousClock()
        let start = clock.now
        let interval = Duration.milliseconds(intervalMs)
        let span = series.bars.last!.closeTime - series.bars.first!.openTime
        var count = 0
        var round: Int64 = 0
        repeat {
            for var bar in series.bars {
                try await clock.sleep(until: start + interval * count)
                bar.openTime += round * span
                bar.closeTime += round * span
                exchange.process(bar: bar, symbol: symbol)
                count += 1
            }
            round += 1
        } while loop
        try await clock.sleep(until: start + interval * count)
        exchange.publishEnd()
        logger.info("bars ended", metadata: ["venue.bars": "\(count)"])
    }

    /// Publishes `rate` messages per second for every symbol, the symbols in turn and spread
    /// evenly over time, as a venue's stream is (not all symbols at once at each tick).
    private func stream(_ market: SyntheticMarket, rate: Double) async throws {
        var market = market
        let clock = ContinuousClock()
        let start = clock.now
        let perSecond = rate * Double(max(1, market.symbols.count))
        var sent = 0
        while true {
            let elapsed = start.duration(to: clock.now)
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            let due = Int(seconds * perSecond) + 1
            let time = Int64(Date().timeIntervalSince1970 * 1_000)
            while sent < due {
                switch market.next(sent % market.symbols.count, time: time) {
                case .trade(let trade): exchange.process(trade: trade)
                case .quote(let quote): exchange.process(quote: quote)
                }
                sent += 1
            }
            let next = start + .nanoseconds(Int64(Double(sent) / perSecond * 1e9))
            try await clock.sleep(until: max(next, clock.now + .microseconds(100)))
        }
    }

    /// Sends heartbeats to connections idle for a second, until cancelled.
    func heartbeats() async throws {
        while true {
            try await Task.sleep(for: .milliseconds(100))
            hub.heartbeat(time: Int64(Date().timeIntervalSince1970 * 1_000))
        }
    }
}
