import Foundation
import Logging
import Synchronization
import Testing
import TrellisOperator

/// The operator endpoint (docs/operator.md): a real server on 127.0.0.1 and a free port, asked
/// over plain sockets, and its status page run by headless Chromium.
@Suite struct OperatorEndpointTests {
    private let logger = Logger(label: "trellis.operator.tests") { _ in SwiftLogNoOpLogHandler() }

    /// A started server for `board`; stop it when done.
    private func serve(_ board: OperatorBoard, token: String? = nil, staleAfter: Duration = .seconds(5)) throws -> (OperatorServer, Int) {
        let server = try OperatorServer(board: board, port: 0, token: token, staleAfter: staleAfter, logger: logger)
        return (server, try server.start())
    }

    @Test func metricsAreValidPrometheusTextAndCountersMove() throws {
        let board = OperatorBoard()
        let (server, port) = try serve(board)
        defer { server.stop() }
        let before = try OperatorHTTP.get(port, "/metrics")
        #expect(before.status == 200 && before.headers["content-type"]?.hasPrefix("text/plain; version=0.0.4") == true)
        let start = try PrometheusText.parse(before.body)

        let metrics = board.metrics
        for kind in OperatorMetrics.EventKind.allCases { metrics.countEvents(kind, 2) }
        metrics.countOrder(.submitted)
        metrics.countOrder(.filled)
        metrics.countFills()
        metrics.setQueueDepth(7)
        metrics.setAccount(equity: 101_234.5, realizedPnL: 800, unrealizedPnL: -12.5)
        metrics.recordEventToOrder(nanoseconds: 42_000)
        metrics.recordEngineStep(nanoseconds: 1_500)
        metrics.recordEngineStep(nanoseconds: 3_000_000_000)
        metrics.countPostedDropped()
        let grid = metrics.node("grid")
        grid.countError()
        grid.countError()
        metrics.countReconnect(node: "binance")

        let after = try PrometheusText.parse(try OperatorHTTP.get(port, "/metrics").body)
        for name in [
            "trellis_events_total", "trellis_queue_depth", "trellis_orders_total", "trellis_fills_total", "trellis_equity", "trellis_realized_pnl",
            "trellis_unrealized_pnl", "trellis_plugin_errors_total", "trellis_event_to_order_seconds", "trellis_engine_step_seconds",
            "trellis_posted_events_dropped_total", "trellis_websocket_reconnects_total",
        ] {
            #expect(after.types[name] != nil, "no # TYPE line for \(name)")
        }
        #expect(after.types["trellis_events_total"] == "counter" && after.types["trellis_equity"] == "gauge")
        #expect(after.types["trellis_engine_step_seconds"] == "histogram")
        for kind in ["market", "posted", "network", "timer"] {
            #expect(start.samples[#"trellis_events_total{kind="\#(kind)"}"#] == 0)
            #expect(after.samples[#"trellis_events_total{kind="\#(kind)"}"#] == 2)
        }
        #expect(after.samples[#"trellis_orders_total{state="filled"}"#] == 1 && after.samples[#"trellis_orders_total{state="denied"}"#] == 0)
        #expect(after.samples["trellis_fills_total"] == 1 && after.samples["trellis_posted_events_dropped_total"] == 1)
        #expect(after.samples["trellis_queue_depth"] == 7 && after.samples["trellis_equity"] == 101_234.5)
        #expect(after.samples["trellis_unrealized_pnl"] == -12.5 && after.samples["trellis_realized_pnl"] == 800)
        #expect(after.samples[#"trellis_plugin_errors_total{node="grid"}"#] == 2)
        #expect(after.samples[#"trellis_websocket_reconnects_total{node="binance"}"#] == 1)
        #expect(after.samples[#"trellis_engine_step_seconds_bucket{le="0.000001"}"#] == 0)
        #expect(after.samples[#"trellis_engine_step_seconds_bucket{le="0.0000025"}"#] == 1, "1.5 µs lands in the 2.5 µs bucket")
        #expect(after.samples[#"trellis_engine_step_seconds_bucket{le="1.0"}"#] == 1, "3 s is above the last bucket")
        #expect(after.samples[#"trellis_engine_step_seconds_bucket{le="+Inf"}"#] == 2 && after.samples["trellis_engine_step_seconds_count"] == 2)
        #expect(after.samples[#"trellis_event_to_order_seconds_bucket{le="0.00005"}"#] == 1)
        #expect(after.samples[#"trellis_operator_requests_total{path="/metrics"}"#] == 2)
        #expect(metrics.exposition().contains("trellis_fills_total 1"))
    }

    @Test func healthIsOkWhilePublishingAndSaysWhyWhenNot() throws {
        let board = OperatorBoard()
        let (server, port) = try serve(board, staleAfter: .milliseconds(300))
        defer { server.stop() }
        let never = try OperatorHTTP.get(port, "/health")
        #expect(never.status == 503 && never.json["status"] as? String == "stale", "nothing published yet: \(never.body)")

        board.publish(OperatorStatus(state: "running"))
        let ok = try OperatorHTTP.get(port, "/health")
        #expect(ok.status == 200 && ok.body == #"{"status":"ok"}"#)
        #expect(ok.headers["content-type"] == "application/json")

        Thread.sleep(forTimeInterval: 0.6)
        let stale = try OperatorHTTP.get(port, "/health")
        #expect(stale.status == 503 && stale.json["status"] as? String == "stale")
        #expect((stale.json["reason"] as? String)?.contains("has not published its state for") == true, "\(stale.body)")

        board.publish(OperatorStatus(state: "halted", haltReason: "max_daily_loss exceeded"))
        let halted = try OperatorHTTP.get(port, "/health")
        #expect(halted.status == 503 && halted.json["status"] as? String == "halted" && halted.json["reason"] as? String == "max_daily_loss exceeded")

        board.publish(OperatorStatus(state: "stopping"))
        let stopping = try OperatorHTTP.get(port, "/health")
        #expect(stopping.status == 503 && stopping.json["status"] as? String == "stopping" && stopping.json["reason"] != nil)
        board.publish(OperatorStatus(state: "warming-up"))
        #expect(try OperatorHTTP.get(port, "/health").status == 200)
    }

    @Test func statusRoundTripsThePublishedSnapshot() throws {
        let board = OperatorBoard()
        let (server, port) = try serve(board)
        defer { server.stop() }
        let snapshot = OperatorEndpointTests.sample()
        board.publish(snapshot)
        #expect(board.status == snapshot)
        let response = try OperatorHTTP.get(port, "/status")
        #expect(response.status == 200 && response.headers["content-type"] == "application/json")
        let decoded = try JSONDecoder().decode(OperatorStatus.self, from: Data(response.body.utf8))
        #expect(decoded == snapshot)
        #expect(response.body.contains("\"clientOrderID\":18446744073709551557"), "64-bit ids keep every digit")
        #expect(try OperatorHTTP.get(port, "/nowhere").status == 404)
    }

    @Test func aNonLoopbackAddressNeedsAToken() throws {
        let board = OperatorBoard()
        for address in ["0.0.0.0", "192.168.1.20", "::"] {
            let error = #expect(throws: OperatorError.self) {
                try OperatorServer(board: board, address: address, port: 9464, token: nil, logger: logger)
            }
            #expect(error?.code == .insecureBind && error?.message.contains("token") == true, "\(String(describing: error))")
        }
        let weak = #expect(throws: OperatorError.self) {
            try OperatorServer(board: board, address: "0.0.0.0", port: 9464, token: "short", logger: logger)
        }
        #expect(weak?.code == .invalidToken)
        #expect(throws: OperatorError.self) { try OperatorServer(board: board, port: 70_000, token: nil, logger: logger) }
        // Made but never started: no address other than 127.0.0.1 is ever bound by the tests.
        _ = try OperatorServer(board: board, address: "0.0.0.0", port: 9464, token: "0123456789abcdef0123", logger: logger)
        _ = try OperatorServer(board: board, address: "localhost", port: 9464, token: nil, logger: logger)
    }

    @Test func withATokenEveryPathButHealthNeedsIt() throws {
        let board = OperatorBoard()
        board.publish(OperatorEndpointTests.sample())
        let token = "f3a1c9e07b2d4c58a6e1"
        let (server, port) = try serve(board, token: token + "\n")
        defer { server.stop() }
        for path in ["/", "/status", "/metrics", "/nowhere"] {
            let refused = try OperatorHTTP.get(port, path)
            #expect(refused.status == 401 && refused.headers["www-authenticate"]?.hasPrefix("Bearer") == true, "\(path)")
            #expect(try OperatorHTTP.get(port, path, token: "f3a1c9e07b2d4c58a6e2").status == 401, "a wrong token, \(path)")
            #expect(try OperatorHTTP.get(port, path, token: String(token.dropLast())).status == 401, "a prefix of the token, \(path)")
        }
        #expect(try OperatorHTTP.get(port, "/status", token: token).status == 200)
        #expect(try OperatorHTTP.get(port, "/metrics", token: token).body.contains("trellis_operator_unauthorized_total 12"))
        #expect(try OperatorHTTP.get(port, "/", token: token).status == 200)
        #expect(try OperatorHTTP.get(port, "/health").status == 200, "health needs no token")
    }

    @Test func thePageShowsTheFiguresWithoutJavaScript() throws {
        let board = OperatorBoard()
        let (server, port) = try serve(board)
        defer { server.stop() }
        board.publish(OperatorEndpointTests.sample())
        let page = try OperatorHTTP.get(port, "/")
        #expect(page.status == 200 && page.headers["content-type"] == "text/html; charset=utf-8")
        #expect(page.headers["content-security-policy"]?.contains("default-src 'none'") == true)
        for figure in [
            "101,234.56", "+1,234.56 (+1.23%)", "BTCUSDT", "ETHUSDT", "badge paper", ">PAPER<", "20261203-101500-ab12cd34", "strategies.yaml",
            "max_orders_per_second", "3 of 10 orders/s", "18446744073709551557", "sma-fast", "0.0120", "queue depth 3", "RUNNING",
        ] {
            #expect(page.body.contains(figure), "the page lacks \(figure)")
        }
        #expect(!page.body.contains("<img>") && page.body.contains("feed gap &lt;img&gt;"), "an error's text is escaped")
        #expect(!page.body.contains("http://") && !page.body.contains("https://"), "no external resources")

        var live = OperatorEndpointTests.sample()
        live.mode = "live"
        live.realMoney = true
        live.state = "halted"
        live.haltReason = "max_daily_loss: the loss exceeds 2,000.00"
        board.publish(live)
        let alarm = try OperatorHTTP.get(port, "/").body
        #expect(alarm.contains("badge live") && alarm.contains("REAL MONEY") && alarm.contains("<b>HALTED</b> · max_daily_loss: the loss exceeds 2,000.00"))
    }

    @Test func startAndStopAreBoundedAndClear() throws {
        let board = OperatorBoard()
        let (server, port) = try serve(board)
        let busy = try OperatorServer(board: board, port: port, token: nil, logger: logger)
        // Said at once, or (when the shared pool is busy with other tests) after the start timeout.
        let error = #expect(throws: OperatorError.self) { try busy.start() }
        #expect(error?.code == .bindFailed || error?.code == .startTimedOut, "\(String(describing: error))")
        #expect(error?.message.contains("127.0.0.1:\(port)") == true, "\(String(describing: error))")
        #expect(throws: OperatorError.self) { try server.start() }
        let clock = ContinuousClock()
        let stopping = clock.measure {
            server.stop()
            server.stop()
        }
        #expect(stopping < .seconds(6))
        #expect(throws: (any Error).self) { try OperatorHTTP.get(port, "/health") }
    }

    /// The page as a browser runs it: the inline script renders the snapshot, and a later
    /// publish shows up on its next refresh. Fails, not skips, without Chromium.
    @Test func headlessChromiumRunsThePageScript() throws {
        let chromium = try #require(
            ["/usr/bin/chromium", "/usr/bin/chromium-browser"].first { FileManager.default.isExecutableFile(atPath: $0) },
            "headless Chromium is missing: scripts/install-deps installs it (the Debian package chromium)")
        let board = OperatorBoard()
        let (server, port) = try serve(board)
        defer { server.stop() }
        board.publish(OperatorEndpointTests.sample())
        let url = "http://127.0.0.1:\(port)/"
        let browser = [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--no-first-run", "--disable-extensions"]

        // The script has run once after 2 s of virtual time: its marker, the figures, the badge.
        let first = try Shell.run(browser + ["--virtual-time-budget=5000", "--dump-dom", url], timeout: .seconds(60))
        #expect(first.status == 0 && !first.timedOut, "\(first.stderr.suffix(2000))")
        #expect(first.stdout.contains("Updated by this page at"), "the script did not refresh the page")
        for figure in ["101,234.56", "BTCUSDT", "class=\"badge paper\">PAPER<", "18446744073709551557", "3 of 10 orders/s"] {
            #expect(first.stdout.contains(figure), "the page lacks \(figure) after the script ran")
        }

        // A publish after the script's first fetch appears on a later refresh (30 refreshes in
        // 60 s of virtual time; the browser is not reloaded).
        let refreshes = OperatorEndpointTests.statusRequests(board)
        let later = Mutex<Shell.Output?>(nil)
        let done = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            later.withLock { $0 = try? Shell.run(browser + ["--virtual-time-budget=60000", "--dump-dom", url], timeout: .seconds(60)) }
            done.signal()
        }
        let deadline = ContinuousClock.now + .seconds(60)
        while OperatorEndpointTests.statusRequests(board) == refreshes && ContinuousClock.now < deadline { Thread.sleep(forTimeInterval: 0.001) }
        var changed = OperatorEndpointTests.sample(equity: 202_468)
        changed.positions[0].symbol = "SOLUSDT"
        board.publish(changed)
        #expect(done.wait(timeout: .now() + 90) == .success, "Chromium did not finish")
        let dom = try #require(later.withLock { $0 }, "Chromium did not run")
        #expect(dom.status == 0 && dom.stdout.contains("Updated by this page at"), "\(dom.stderr.suffix(2000))")
        #expect(dom.stdout.contains("202,468.00") && dom.stdout.contains("SOLUSDT"), "the later publish is not on the page")
        #expect(!dom.stdout.contains("101,234.56"), "the first snapshot is still on the page")

        // A screenshot, as docs/images/status-page.png shows it.
        board.publish(OperatorEndpointTests.sample())
        let shot = FileManager.default.temporaryDirectory.appendingPathComponent("trellis-status-page-\(UUID()).png").path
        defer { try? FileManager.default.removeItem(atPath: shot) }
        let screenshot = try Shell.run(browser + ["--virtual-time-budget=3000", "--window-size=1280,900", "--screenshot=\(shot)", url], timeout: .seconds(60))
        let png = try #require(FileManager.default.contents(atPath: shot), "no screenshot: \(screenshot.stderr.suffix(2000))")
        #expect(png.starts(with: [0x89, 0x50, 0x4E, 0x47]) && png.count > 20_000, "the screenshot is not a picture of the page")
    }

    /// How many times `/status` was asked for, from the endpoint's own metric.
    static func statusRequests(_ board: OperatorBoard) -> Double {
        (try? PrometheusText.parse(board.metrics.exposition()).samples[#"trellis_operator_requests_total{path="/status"}"#]) ?? 0
    }
}

extension OperatorEndpointTests {
    /// A paper run an hour in, with a position or two, an order, a limit, an error and a verdict.
    static func sample(equity: Double = 101_234.56, now: Int64 = Int64(Date().timeIntervalSince1970 * 1e9)) -> OperatorStatus {
        OperatorStatus(
            runID: "20261203-101500-ab12cd34", mode: "paper", graph: "strategies.yaml", startedAt: now - 3_723_000_000_000, updatedAt: now,
            state: "running", currency: "USD", startingEquity: 100_000, equity: equity, cash: 52_418.75, realizedPnL: 800, unrealizedPnL: 434.56,
            positions: [
                .init(symbol: "BTCUSDT", node: "grid", quantity: 0.5, averagePrice: 43_000, lastPrice: 43_869.12, unrealizedPnL: 434.56),
                .init(symbol: "ETHUSDT", node: "sma", quantity: -4, averagePrice: 2_310.5, lastPrice: 2_310.5, unrealizedPnL: 0),
            ],
            openOrders: [
                .init(
                    node: "grid", symbol: "BTCUSDT", side: "buy", type: "limit", quantity: 0.1, price: 42_500, status: "accepted",
                    clientOrderID: 18_446_744_073_709_551_557, venue: "sim", since: now - 60_000_000_000),
                .init(
                    node: "grid", symbol: "BTCUSDT", side: "sell", type: "limit", quantity: 0.1, filledQuantity: 0.04, price: 44_500,
                    status: "partially-filled", clientOrderID: 7, venue: "sim", since: now - 30_000_000_000),
            ],
            limits: [
                .init(name: "max_orders_per_second", setting: "10", state: "3 of 10 orders/s"),
                .init(name: "max_daily_loss", setting: "2,000.00 USD", state: "no loss today"),
            ],
            errors: [.init(time: now - 5_000_000_000, node: "features", message: "feed gap <img> of 3 bars in BTCUSDT")],
            verdicts: [
                .init(
                    challenger: "sma-fast", replaces: "sma", verdict: "better (p = 0.012)", pValue: 0.012, difference: 0.0031, championCount: 240,
                    challengerCount: 238)
            ],
            events: 123_456, queueDepth: 3, orders: 42, fills: 40)
    }
}

/// A GET over a plain socket to 127.0.0.1, every step bounded by a 10 s timeout.
enum OperatorHTTP {
    struct Response {
        var status: Int
        /// Header names in lower case.
        var headers: [String: String]
        var body: String
        /// The body as a JSON object, or empty.
        var json: [String: Any] { (try? JSONSerialization.jsonObject(with: Data(body.utf8))) as? [String: Any] ?? [:] }
    }

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    static func get(_ port: Int, _ path: String, token: String? = nil) throws -> Response {
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard socket >= 0 else { throw Failure(description: "socket: errno \(errno)") }
        defer { close(socket) }
        var timeout = timeval(tv_sec: 10, tv_usec: 0)
        setsockopt(socket, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(socket, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { throw Failure(description: "connect to 127.0.0.1:\(port): errno \(errno)") }
        var request = "GET \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nConnection: close\r\n"
        if let token { request += "Authorization: Bearer \(token)\r\n" }
        request += "\r\n"
        let bytes = Array(request.utf8)
        guard send(socket, bytes, bytes.count, 0) == bytes.count else { throw Failure(description: "send: errno \(errno)") }
        var received = [UInt8]()
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = recv(socket, &buffer, buffer.count, 0)
            guard count >= 0 else { throw Failure(description: "recv: errno \(errno)") }
            if count == 0 { break }
            received += buffer[0..<count]
        }
        let text = String(decoding: received, as: UTF8.self)
        guard let split = text.range(of: "\r\n\r\n") else { throw Failure(description: "no HTTP response: \(text.prefix(200))") }
        let lines = text[..<split.lowerBound].components(separatedBy: "\r\n")
        let statusLine = lines[0].split(separator: " ")
        guard statusLine.count >= 2, let status = Int(statusLine[1]) else { throw Failure(description: "bad status line: \(lines[0])") }
        var headers: [String: String] = [:]
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        return Response(status: status, headers: headers, body: String(text[split.upperBound...]))
    }
}

/// Prometheus' text exposition format 0.0.4, parsed strictly enough to catch a malformed line.
struct PrometheusText {
    /// Each family's type, from its `# TYPE` line.
    var types: [String: String] = [:]
    /// Each sample's value, by its name and labels as written: `name{label="value"}`.
    var samples: [String: Double] = [:]

    struct Malformed: Error, CustomStringConvertible {
        var description: String
    }

    static func parse(_ text: String) throws -> PrometheusText {
        let name = "[a-zA-Z_:][a-zA-Z0-9_:]*"
        let help = try Regex("^# HELP \(name) .*$")
        let type = try Regex("^# TYPE (\(name)) (counter|gauge|histogram|summary|untyped)$")
        let sample = try Regex(#"^(\#(name)(\{[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\.)*"(,[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\.)*")*\})?) (\S+)$"#)
        var parsed = PrometheusText()
        for line in text.split(separator: "\n") {
            if line.wholeMatch(of: help) != nil { continue }
            if let match = line.wholeMatch(of: type), let family = match.output[1].substring, let kind = match.output[2].substring {
                parsed.types[String(family)] = String(kind)
                continue
            }
            guard let match = line.wholeMatch(of: sample), let key = match.output[1].substring, let number = match.output[match.output.count - 1].substring
            else { throw Malformed(description: "not a Prometheus line: \(line)") }
            let value: Double? = number == "+Inf" ? .infinity : number == "-Inf" ? -.infinity : Double(number)
            guard let value else { throw Malformed(description: "not a number: \(line)") }
            let family = String(key.prefix { $0 != "{" })
            let base = ["_bucket", "_sum", "_count"].reduce(family) { $0.hasSuffix($1) && parsed.types[$0] == nil ? String($0.dropLast($1.count)) : $0 }
            guard parsed.types[base] != nil else { throw Malformed(description: "a sample before its # TYPE line: \(line)") }
            parsed.samples[String(key)] = value
        }
        return parsed
    }
}
