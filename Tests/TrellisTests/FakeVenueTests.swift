import FakeVenue
import Foundation
import HTTPTypes
import Logging
import NIOWebSocket
import Synchronization
import Testing
import WSClient

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// The fake venue (docs/fake-venue.md) over real sockets on 127.0.0.1: REST, the stream,
/// matching and the seeded faults.
@Suite(.serialized) struct FakeVenueTests {
    /// A decoded JSON object.
    typealias Object = [String: any Sendable]

    /// An in-process venue on a free port, stopped when the test ends.
    final class Venue: Sendable {
        let server: FakeVenueServer
        let port: Int
        var base: String { "http://127.0.0.1:\(port)" }

        /// Starts the server; `start()` blocks, so it runs on a thread of its own, not on one of
        /// the few threads that run the tests' async code.
        init(_ configuration: FakeVenueConfiguration) async throws {
            var logger = Logger(label: "fake-venue-test")
            logger.logLevel = .critical
            let server = FakeVenueServer(configuration: configuration, logger: logger)
            self.server = server
            port = try await withCheckedThrowingContinuation { continuation in
                Thread { continuation.resume(with: Result { try server.start() }) }.start()
            }
        }

        deinit { stopInBackground() }

        /// Stops the server without blocking the caller's thread.
        func stopInBackground() {
            let server = server
            Thread { server.stop() }.start()
        }

        /// A REST call; returns the status and the decoded object.
        func call(_ method: String, _ path: String, body: String? = nil, key: String? = "sim-key") async throws -> (Int, Object) {
            var request = URLRequest(url: URL(string: base + path)!, timeoutInterval: 30)
            request.httpMethod = method
            if let key { request.setValue(key, forHTTPHeaderField: "X-API-Key") }
            if let body {
                request.httpBody = Data(body.utf8)
                request.setValue("application/json", forHTTPHeaderField: "Content-Type")
            }
            let (data, response) = try await URLSession.shared.data(for: request)
            let object = (try? JSONSerialization.jsonObject(with: data) as? [String: Any]).map(FakeVenueTests.sendable) ?? [:]
            return ((response as? HTTPURLResponse)?.statusCode ?? 0, object)
        }

        func order(
            _ clientOrderId: String, _ side: String = "BUY", type: String = "MARKET", quantity: Double = 10, price: Double? = nil, tif: String = "GTC"
        )
            async throws -> (Int, Object)
        {
            let priceField = price.map { ",\"price\":\($0)" } ?? ""
            return try await call(
                "POST", "/api/v1/orders",
                body:
                    #"{"clientOrderId":"\#(clientOrderId)","symbol":"GOOG","side":"\#(side)","type":"\#(type)","quantity":\#(quantity)\#(priceField),"timeInForce":"\#(tif)"}"#
            )
        }

        /// Reads the stream until `done` says so (or the server closes it), within `seconds`.
        /// `react` runs on every message, e.g. to send an order. Returns the messages and the
        /// close frame.
        func stream(
            key: String = "sim-key", seconds: Double = 30, react: @escaping @Sendable (Object) async throws -> Void = { _ in },
            until done: @escaping @Sendable ([Object]) -> Bool
        ) async throws -> ([Object], WebSocketCloseFrame?) {
            let received = Mutex<[Object]>([])
            let url = "ws://127.0.0.1:\(port)/ws"
            let close = try await FakeVenueTests.within(seconds, onTimeout: stopInBackground) {
                try await WebSocketClient.connect(
                    url: url, configuration: .init(additionalHeaders: [HTTPField.Name("X-API-Key")!: key]), logger: Logger(label: "fake-venue-test-client")
                ) { inbound, _, _ in
                    for try await message in inbound.messages(maxSize: 1 << 20) {
                        guard case .text(let text) = message, let object = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] else {
                            continue
                        }
                        let decoded = FakeVenueTests.sendable(object)
                        let all = received.withLock {
                            $0.append(decoded); return $0
                        }
                        try await react(decoded)
                        if done(all) { return }
                    }
                }
            }
            return (received.withLock { $0 }, close)
        }
    }

    static func sendable(_ object: [String: Any]) -> Object {
        object.mapValues { value -> any Sendable in
            switch value {
            case let number as NSNumber: return number.doubleValue
            case let text as String: return text
            case let nested as [String: Any]: return sendable(nested)
            case let list as [[String: Any]]: return list.map(sendable)
            default: return "\(value)"
            }
        }
    }

    /// Runs `body`, failing when it takes longer than `seconds`.
    /// `onTimeout` must make `body` end (e.g. stop the server it talks to).
    static func within<T: Sendable>(
        _ seconds: Double, onTimeout: @escaping @Sendable () -> Void, _ body: @escaping @Sendable () async throws -> T
    ) async throws -> T {
        try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask { try await body() }
            group.addTask {
                try await Task.sleep(for: .milliseconds(Int(seconds * 1_000)))
                onTimeout()
                return nil
            }
            defer { group.cancelAll() }
            guard let result = try await group.next(), let value = result else { throw TimedOut(seconds: seconds) }
            return value
        }
    }

    struct TimedOut: Error { var seconds: Double }

    static func bars(_ interval: Int = 100, path: String = Repository.path("data/GOOG.csv"), faults: FakeVenueFaults = .none) -> FakeVenueConfiguration {
        FakeVenueConfiguration(port: 0, marketData: .bars(path: path, symbol: "GOOG"), intervalMs: interval, faults: faults)
    }

    static func synthetic(seed: UInt64 = 7, faults: FakeVenueFaults = .none) -> FakeVenueConfiguration {
        FakeVenueConfiguration(port: 0, marketData: .synthetic(symbols: 3, rate: 200), seed: seed, faults: faults)
    }

    static func of(_ type: String, _ messages: [Object]) -> [Object] { messages.filter { $0["type"] as? String == type } }
    static func seqs(_ messages: [Object]) -> [Int] { messages.map { Int($0["seq"] as? Double ?? -1) } }
}

extension FakeVenueTests {
    @Test func everyAPIRequestAndTheUpgradeNeedTheKey() async throws {
        let venue = try await Venue(Self.bars())
        let (missing, error) = try await venue.call("GET", "/api/v1/time", key: nil)
        #expect(missing == 401)
        #expect(error["code"] as? String == "UNAUTHORIZED")
        #expect(try await venue.call("GET", "/api/v1/account", key: "wrong").0 == 401)
        let (status, time) = try await venue.call("GET", "/api/v1/time")
        #expect(status == 200)
        let serverTime = try #require(time["serverTime"] as? Double)
        #expect(abs(serverTime - Date().timeIntervalSince1970 * 1_000) < 10_000)
        await #expect(throws: (any Error).self) { _ = try await venue.stream(key: "wrong", seconds: 30) { _ in true } }
        #expect(try await venue.call("GET", "/control/state", key: nil).0 == 200, "control endpoints need no key")
    }

    @Test func instrumentsListTheSymbolAndItsRules() async throws {
        let venue = try await Venue(Self.bars())
        let (status, body) = try await venue.call("GET", "/api/v1/instruments")
        #expect(status == 200)
        let instruments = try #require(body["instruments"] as? [Object])
        #expect(instruments.count == 1)
        #expect(instruments.first?["symbol"] as? String == "GOOG")
        #expect(instruments.first?["tickSize"] as? Double == 0.01)
        #expect(instruments.first?["lotSize"] as? Double == 1)
        #expect(instruments.first?["currency"] as? String == "USD")
    }

    @Test func barsStreamInOrderWithIncreasingSeq() async throws {
        let venue = try await Venue(Self.bars(20))
        let (messages, _) = try await venue.stream { Self.of("bar", $0).count >= 5 }
        let bars = Self.of("bar", messages)
        #expect(bars.first?["openTime"] as? Double == 1_092_873_600_000)
        #expect(bars.first?["closeTime"] as? Double == 1_092_960_000_000)
        #expect(bars.first?["open"] as? Double == 100)
        #expect(bars.first?["high"] as? Double == 104.06)
        #expect(bars.first?["volume"] as? Double == 22_351_900)
        #expect(bars.map { $0["close"] as? Double } == [100.34, 108.31, 109.4, 104.87, 106])
        let seqs = Self.seqs(messages)
        #expect(seqs == seqs.sorted() && Set(seqs).count == seqs.count, "strictly increasing: \(seqs)")
    }

    @Test func aMarketOrderFillsAtTheNextBarsOpenWithCommission() async throws {
        let venue = try await Venue(Self.bars(150))
        let sent = Mutex(false)
        let (messages, _) = try await venue.stream(react: { message in
            guard message["type"] as? String == "bar",
                sent.withLock({ sent in
                    defer { sent = true }; return !sent
                })
            else { return }
            let (status, order) = try await venue.order("m1")
            #expect(status == 200)
            #expect(order["status"] as? String == "NEW")
        }) { messages in
            guard let fill = messages.firstIndex(where: { $0["type"] as? String == "fill" }) else { return false }
            return messages[fill...].contains { $0["type"] as? String == "bar" }
        }
        let fillIndex = try #require(messages.firstIndex { $0["type"] as? String == "fill" })
        let fill = messages[fillIndex]
        let nextBar = try #require(messages[fillIndex...].first { $0["type"] as? String == "bar" })
        let price = try #require(fill["price"] as? Double)
        #expect(price == nextBar["open"] as? Double)
        #expect(fill["time"] as? Double == nextBar["openTime"] as? Double)
        #expect(fill["quantity"] as? Double == 10)
        #expect(abs((fill["commission"] as? Double ?? 0) - price * 10 * 0.001) < 1e-6)
        let updates = Self.of("order", messages).filter { $0["clientOrderId"] as? String == "m1" }.map { $0["status"] as? String }
        #expect(updates == ["NEW", "FILLED"])
        let (_, account) = try await venue.call("GET", "/api/v1/account")
        #expect(abs((account["cash"] as? Double ?? 0) - (10_000 - price * 10 * 1.001)) < 1e-6)
        let positions = try #require(account["positions"] as? [Object])
        #expect(positions.first?["quantity"] as? Double == 10)
        let (_, fills) = try await venue.call("GET", "/api/v1/fills?since=0")
        #expect((fills["fills"] as? [Object])?.first?["tradeId"] as? String == fill["tradeId"] as? String)
    }

    @Test func aDuplicateClientOrderIdIsRefusedAndNothingIsPlacedTwice() async throws {
        let venue = try await Venue(Self.bars())
        #expect(try await venue.order("dup").0 == 200)
        let (status, error) = try await venue.order("dup", quantity: 20)
        #expect(status == 409)
        #expect(error["code"] as? String == "DUPLICATE_CLIENT_ID")
        let (_, open) = try await venue.call("GET", "/api/v1/orders?status=open")
        #expect((open["orders"] as? [Object])?.count == 1)
        #expect(venue.server.state.orders == 1)
        let posts = venue.server.requests.filter { $0.method == "POST" }
        #expect(posts.map(\.clientOrderId) == ["dup", "dup"])
        let (_, log) = try await venue.call("GET", "/control/requests", key: nil)
        #expect((log["requests"] as? [Object])?.count == venue.server.requests.count)
    }

    @Test func ordersAreQueriedAndCanceledByClientOrderId() async throws {
        let venue = try await Venue(Self.bars())
        #expect(try await venue.order("c1", type: "LIMIT", price: 1).0 == 200)
        let (found, order) = try await venue.call("GET", "/api/v1/orders/c1")
        #expect(found == 200)
        #expect(order["status"] as? String == "NEW")
        #expect(order["price"] as? Double == 1)
        let (canceled, cancel) = try await venue.call("DELETE", "/api/v1/orders/c1")
        #expect(canceled == 200)
        #expect(cancel["status"] as? String == "CANCELED")
        let (again, unchanged) = try await venue.call("DELETE", "/api/v1/orders/c1")
        #expect(again == 200)
        #expect(unchanged["status"] as? String == "CANCELED")
        let (missing, error) = try await venue.call("GET", "/api/v1/orders/nope")
        #expect(missing == 404)
        #expect(error["code"] as? String == "NOT_FOUND")
        #expect(try await venue.call("DELETE", "/api/v1/orders/nope").0 == 404)
    }

    @Test func ordersThatBreakTheRulesAreRejectedWithAReason() async throws {
        let venue = try await Venue(Self.bars())
        let cases: [(String, Int, String)] = [
            (#"{"clientOrderId":"r1","symbol":"MSFT","side":"BUY","type":"MARKET","quantity":1}"#, 200, "unknown symbol"),
            (#"{"clientOrderId":"r2","symbol":"GOOG","side":"BUY","type":"MARKET","quantity":0.5}"#, 200, "lot size"),
            (#"{"clientOrderId":"r3","symbol":"GOOG","side":"SELL","type":"LIMIT","quantity":1,"price":100.005}"#, 200, "tick size"),
        ]
        for (body, expected, reason) in cases {
            let (status, order) = try await venue.call("POST", "/api/v1/orders", body: body)
            #expect(status == expected)
            #expect(order["status"] as? String == "REJECTED")
            #expect((order["reason"] as? String)?.contains(reason) == true, "\(order)")
        }
        let (malformed, error) = try await venue.call("POST", "/api/v1/orders", body: #"{"clientOrderId":"r4","side":"UP"}"#)
        #expect(malformed == 400)
        #expect(error["code"] as? String == "BAD_REQUEST")
        #expect(try await venue.call("POST", "/control/faults", body: #"{"reject": 1}"#, key: nil).0 == 200)
        #expect(try await venue.order("r5").1["reason"] as? String == "injected")
    }

    @Test func aLostResponseStillPlacesTheOrder() async throws {
        let venue = try await Venue(Self.bars(faults: FakeVenueFaults(lostResponse: 1)))
        let (status, error) = try await venue.order("lost")
        #expect(status == 503)
        #expect(error["code"] != nil)
        venue.server.faults = .none
        let (found, order) = try await venue.call("GET", "/api/v1/orders/lost")
        #expect(found == 200)
        #expect(order["status"] as? String == "NEW")
        #expect(try await venue.order("lost").0 == 409, "sending it again does not place it twice")
        #expect(venue.server.state.faultsInjected["lostResponse"] == 1)
    }

    @Test func disconnectEveryClosesTheStreamWith1011() async throws {
        let venue = try await Venue(Self.bars(10, faults: FakeVenueFaults(disconnectEvery: 3)))
        let (messages, close) = try await venue.stream { _ in false }
        #expect(messages.count == 3)
        #expect(close?.closeCode == .unexpectedServerError)
        #expect(venue.server.state.faultsInjected["disconnect"] == 1)
    }

    @Test func duplicatesAndReordersShowInTheSeq() async throws {
        let duplicating = try await Venue(Self.synthetic(faults: FakeVenueFaults(duplicate: 0.3)))
        let (copies, _) = try await duplicating.stream { $0.count >= 60 }
        let copySeqs = Self.seqs(copies)
        #expect(Set(copySeqs).count < copySeqs.count, "some seq arrives twice")
        #expect(zip(copySeqs, copySeqs.dropFirst()).allSatisfy { $0 <= $1 }, "but in order")
        let reordering = try await Venue(Self.synthetic(faults: FakeVenueFaults(reorder: 0.3)))
        let (swapped, _) = try await reordering.stream { $0.count >= 60 }
        let swappedSeqs = Self.seqs(swapped)
        #expect(zip(swappedSeqs, swappedSeqs.dropFirst()).contains { $0 > $1 }, "some seq arrives after the next")
        #expect(Set(swappedSeqs).count == swappedSeqs.count)
    }

    @Test func aSeedReplaysTheSameStreamAndFaults() async throws {
        func run(seed: UInt64) async throws -> [String] {
            let venue = try await Venue(Self.synthetic(seed: seed, faults: FakeVenueFaults(duplicate: 0.1, reorder: 0.1)))
            let (messages, _) = try await venue.stream { $0.count >= 80 }
            return messages.prefix(80).map { message in
                message.filter { $0.key != "time" }.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ",")
            }
        }
        let first = try await run(seed: 7)
        #expect(first.contains { $0.contains("type=trade") } && first.contains { $0.contains("type=quote") })
        #expect(try await run(seed: 7) == first)
        #expect(try await run(seed: 8) != first)
    }

    @Test func limitAndImmediateOrdersAndTheEndOfTheBars() async throws {
        let directory = Repository.temporaryDirectory("fake-venue")
        let csv = directory + "/bars.csv"
        try """
        ,Open,High,Low,Close,Volume
        2024-01-02,100,101,99,100,1000
        2024-01-03,100,101,96,97,1000
        2024-01-04,94,98,93,95,1000

        """.write(toFile: csv, atomically: true, encoding: .utf8)
        let venue = try await Venue(Self.bars(20, path: csv))
        // Placed before anyone connects, so the first bar is their next bar.
        #expect(try await venue.order("gtc", type: "LIMIT", price: 95).0 == 200)
        #expect(try await venue.order("ioc", type: "LIMIT", price: 90, tif: "IOC").0 == 200)
        #expect(try await venue.order("sell", "SELL", type: "LIMIT", quantity: 5, price: 100.5).0 == 200)
        let (messages, _) = try await venue.stream { $0.last?["type"] as? String == "end" }
        #expect(Self.of("bar", messages).count == 3)
        let fills = Self.of("fill", messages).map { ($0["clientOrderId"] as? String ?? "", $0["price"] as? Double ?? 0) }
        #expect(fills.map(\.0) == ["sell", "gtc"])
        #expect(fills.map(\.1) == [100.5, 94], "the limit sell fills at its price; the buy at the better open")
        let (_, ioc) = try await venue.call("GET", "/api/v1/orders/ioc")
        #expect(ioc["status"] as? String == "EXPIRED")
        #expect(venue.server.state.ended)
    }
}
