import Glibc
import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOWebSocket
import Synchronization
import Testing
import TrellisNet

/// The host's network services against servers started here on 127.0.0.1 (never the internet):
/// HTTP over libcurl, WebSocket and TCP over SwiftNIO, the allow list, shutdown.
@Suite(.serialized) struct NetworkServicesTests {
    private let logger = Logger(label: "trellis.net.tests")

    // MARK: HTTP

    @Test func getAndPostRoundTripBodiesAndHeaders() async throws {
        let server = try await TestServer.http()
        let services = NetworkServices(logger: logger)
        defer { services.shutdown() }
        let get = try await fetch(services, HTTPRequest(url: "\(server.url)/echo?q=1", headers: [Header(name: "X-Test", value: "one")]))
        #expect(get.outcome == .ok && get.status == 200)
        #expect(get.body == Array("GET /echo?q=1".utf8))
        #expect(get.headers.value(of: "x-test-echo") == "one")
        #expect(get.headers.contains { $0.name == "x-method" && $0.value == "GET" }, "names are lower-cased")
        #expect(get.requestID > 0 && get.elapsedNanoseconds > 0)

        let body: [UInt8] = Array(0...255) + Array(repeating: 7, count: 5000)
        let post = try await fetch(
            services,
            HTTPRequest(method: "POST", url: "\(server.url)/echo", headers: [Header(name: "Content-Type", value: "application/octet-stream")], body: body))
        #expect(post.outcome == .ok && post.status == 200 && post.body == body)
        #expect(post.headers.value(of: "X-Method") == "POST")
        #expect(post.headers.value(of: "x-content-type") == "application/octet-stream")
        let delete = try await fetch(services, HTTPRequest(method: "DELETE", url: "\(server.url)/thing"))
        #expect(delete.status == 404 && delete.headers.value(of: "x-method") == "DELETE")
        try await server.close()
    }

    @Test func aServerThatNeverAnswersTimesOutWithinTheBound() async throws {
        let server = try await TestServer.http()
        let services = NetworkServices(logger: logger)
        defer { services.shutdown() }
        let response = try await fetch(services, HTTPRequest(url: "\(server.url)/hang", timeout: .milliseconds(300)))
        #expect(response.outcome == .timeout)
        #expect(response.elapsedNanoseconds >= 250_000_000 && response.elapsedNanoseconds < 3_000_000_000)
        #expect(!response.errorText.isEmpty)
        try await server.close()
    }

    @Test func aClosedPortIsRefusedAndABadURLIsAProtocolError() async throws {
        let services = NetworkServices(logger: logger)
        defer { services.shutdown() }
        let port = try await TestServer.closedPort()
        #expect(try await fetch(services, HTTPRequest(url: "http://127.0.0.1:\(port)/")).outcome == .refused)
        #expect(try await fetch(services, HTTPRequest(url: "ftp://127.0.0.1/")).outcome == .protocolError)
        #expect(try await fetch(services, HTTPRequest(method: "GET\r\nX: y", url: "http://127.0.0.1:\(port)/")).outcome == .protocolError)
    }

    @Test func sequentialRequestsReuseOneConnection() async throws {
        let server = try await TestServer.http()
        let services = NetworkServices(logger: logger)
        defer { services.shutdown() }
        for index in 0..<20 {
            let response = try await fetch(services, HTTPRequest(url: "\(server.url)/echo/\(index)"))
            #expect(response.status == 200 && response.body == Array("GET /echo/\(index)".utf8))
        }
        #expect(server.accepted == 1)
        try await server.close()
    }

    @Test func shutdownCancelsAPendingRequestAndLaterCalls() async throws {
        let server = try await TestServer.http()
        let services = NetworkServices(logger: logger)
        let responses = Recorder<HTTPResponse>()
        let id = services.request(HTTPRequest(url: "\(server.url)/hang", timeout: .seconds(30))) { responses.record($0) }
        try #require(await responses.wait { _ in server.accepted == 1 })
        let start = ContinuousClock.now
        services.shutdown(timeout: .seconds(2))
        #expect(ContinuousClock.now - start < .seconds(10))
        try #require(await responses.wait { $0.count == 1 })
        #expect(responses.all.first?.outcome == .canceled && responses.all.first?.requestID == id)
        services.request(HTTPRequest(url: "\(server.url)/echo")) { responses.record($0) }
        #expect(responses.all.count == 2 && responses.all.last?.outcome == .canceled, "after shutdown: canceled at once")
        #expect(throws: NetError.self) { try services.listen(address: "127.0.0.1", port: 0) { _ in } }
        services.shutdown()  // idempotent
        try await server.close()
    }

    @Test func shutdownClosesSocketsAndListenersAsCanceled() async throws {
        let server = try await TestServer.webSocket()
        let services = NetworkServices(logger: logger)
        let socketEvents = Recorder<WebSocketEvent>(), listenerEvents = Recorder<TCPEvent>()
        _ = services.openWebSocket(WebSocketOptions(url: "\(server.wsURL)/echo")) { socketEvents.record($0) }
        let listener = try services.listen(address: "127.0.0.1", port: 0) { listenerEvents.record($0) }
        let client = try await TestClient.connect(port: listener.port)
        #expect(await socketEvents.wait { $0 == [.open] })
        #expect(await listenerEvents.wait { $0.count == 1 })
        services.shutdown(timeout: .seconds(2))
        guard case .close(.canceled, _, _) = socketEvents.all.last else { Issue.record("socket: \(socketEvents.all)"); return }
        guard case .open(let id, _) = listenerEvents.all.first else { return }
        #expect(listenerEvents.all == [listenerEvents.all[0], .close(connection: id, outcome: .canceled), .listenerClosed(outcome: .canceled)])
        #expect(await client.closed.wait { !$0.isEmpty })
        let late = Recorder<WebSocketEvent>()
        _ = services.openWebSocket(WebSocketOptions(url: "\(server.wsURL)/echo")) { late.record($0) }
        #expect(late.all.count == 1 && { if case .close(.canceled, _, _) = late.all[0] { true } else { false } }(), "after shutdown: closed at once")
        try await server.close()
    }

    /// Runs `request` and waits (a few seconds at most) for its completion.
    private func fetch(_ services: NetworkServices, _ request: HTTPRequest) async throws -> HTTPResponse {
        let responses = Recorder<HTTPResponse>()
        services.request(request) { responses.record($0) }
        try #require(await responses.wait { !$0.isEmpty })
        return responses.all[0]
    }

    // MARK: WebSocket

    @Test func webSocketEchoesTextAndBinaryAndClosesOnRequest() async throws {
        let server = try await TestServer.webSocket()
        let services = NetworkServices(logger: logger)
        defer { services.shutdown() }
        let events = Recorder<WebSocketEvent>()
        let socket = services.openWebSocket(WebSocketOptions(url: "\(server.wsURL)/echo")) { events.record($0) }
        #expect(!socket.send(binary: false, bytes: [1]) || events.all.first == .open, "nothing goes out before open")
        try #require(await events.wait { $0.first == .open })
        #expect(socket.send(binary: false, bytes: Array("héllo".utf8)))
        #expect(socket.send(binary: true, bytes: [0, 1, 2, 255]))
        try #require(await events.wait { $0.count == 3 })
        #expect(events.all[1] == .message(binary: false, bytes: Array("héllo".utf8)))
        #expect(events.all[2] == .message(binary: true, bytes: [0, 1, 2, 255]))
        socket.close(code: 1000)
        try #require(await events.wait { $0.count == 4 })
        #expect(events.all.last == .close(outcome: .ok, code: 1000, reason: ""))
        #expect(!socket.send(binary: false, bytes: [1]))
        try await server.close()
    }

    @Test func aServerPingIsAnsweredWithItsPayload() async throws {
        let server = try await TestServer.webSocket()
        let services = NetworkServices(logger: logger)
        defer { services.shutdown() }
        let events = Recorder<WebSocketEvent>()
        let socket = services.openWebSocket(WebSocketOptions(url: "\(server.wsURL)/ping")) { events.record($0) }
        #expect(await server.pongs.wait { $0 == [Array("trellis".utf8)] })
        socket.close(code: 1000)
        try #require(await events.wait { $0.last == .close(outcome: .ok, code: 1000, reason: "") })
        try await server.close()
    }

    @Test func aServerCloseReportsItsCodeAndReason() async throws {
        let server = try await TestServer.webSocket()
        let services = NetworkServices(logger: logger)
        defer { services.shutdown() }
        let events = Recorder<WebSocketEvent>()
        _ = services.openWebSocket(WebSocketOptions(url: "\(server.wsURL)/close")) { events.record($0) }
        try #require(await events.wait { $0.count == 2 })
        #expect(events.all == [.open, .close(outcome: .closed, code: 4001, reason: "bye")])
        try await server.close()
    }

    @Test func aMissingPongClosesWithTimeout() async throws {
        let server = try await TestServer.webSocket()
        let services = NetworkServices(logger: logger)
        defer { services.shutdown() }
        let events = Recorder<WebSocketEvent>()
        let start = ContinuousClock.now
        _ = services.openWebSocket(WebSocketOptions(url: "\(server.wsURL)/nopong", pingInterval: .milliseconds(200))) { events.record($0) }
        try #require(await events.wait { $0.count == 2 })
        guard case .close(let outcome, _, _) = events.all.last else { Issue.record("no close: \(events.all)"); return }
        #expect(events.all.first == .open && outcome == .timeout)
        #expect(ContinuousClock.now - start < .seconds(10))
        try await server.close()
    }

    @Test func webSocketConnectFailuresAreReported() async throws {
        let services = NetworkServices(logger: logger)
        defer { services.shutdown() }
        let refused = Recorder<WebSocketEvent>()
        _ = services.openWebSocket(WebSocketOptions(url: "ws://127.0.0.1:\(try await TestServer.closedPort())/")) { refused.record($0) }
        try #require(await refused.wait { !$0.isEmpty })
        #expect(refused.all.count == 1 && { if case .close(.refused, _, _) = refused.all[0] { true } else { false } }())

        let silent = try await TestServer.silent()
        let timedOut = Recorder<WebSocketEvent>()
        let start = ContinuousClock.now
        _ = services.openWebSocket(WebSocketOptions(url: "ws://127.0.0.1:\(silent.port)/", connectTimeout: .milliseconds(300))) { timedOut.record($0) }
        #expect(await timedOut.wait { !$0.isEmpty })
        #expect(timedOut.all.count == 1 && { if case .close(.timeout, _, _) = timedOut.all[0] { true } else { false } }())
        #expect(ContinuousClock.now - start < .seconds(10))

        let abandoned = Recorder<WebSocketEvent>()
        let socket = services.openWebSocket(WebSocketOptions(url: "ws://127.0.0.1:\(silent.port)/")) { abandoned.record($0) }
        socket.close(code: 1000)
        try #require(await abandoned.wait { !$0.isEmpty })
        #expect(abandoned.all.count == 1 && { if case .close(.canceled, _, _) = abandoned.all[0] { true } else { false } }(), "closed before open")

        let invalid = Recorder<WebSocketEvent>()
        _ = services.openWebSocket(WebSocketOptions(url: "http://127.0.0.1:1/")) { invalid.record($0) }
        try #require(await invalid.wait { !$0.isEmpty })
        #expect(invalid.all.count == 1 && { if case .close(.protocolError, _, _) = invalid.all[0] { true } else { false } }())
        try await silent.close()
    }

    // MARK: TCP

    @Test func aListenerOnPortZeroExchangesBytesAndReportsCloses() async throws {
        let services = NetworkServices(logger: logger)
        defer { services.shutdown() }
        let events = Recorder<TCPEvent>()
        let listener = try services.listen(address: "127.0.0.1", port: 0) { events.record($0) }
        #expect(listener.port > 0)

        let first = try await TestClient.connect(port: listener.port)
        try #require(await events.wait { $0.count == 1 })
        guard case .open(let id, let peer) = events.all[0] else { Issue.record("no open: \(events.all)"); return }
        #expect(peer.hasPrefix("127.0.0.1:"))
        try await first.send("ping")
        try #require(await events.wait { $0.count == 2 })
        #expect(events.all[1] == .data(connection: id, bytes: Array("ping".utf8)))
        #expect(listener.send(connection: id, bytes: Array("pong".utf8)))
        #expect(await first.received.wait { $0 == Array("pong".utf8) })
        try await first.close()
        try #require(await events.wait { $0.count == 3 })
        #expect(events.all[2] == .close(connection: id, outcome: .closed))
        #expect(!listener.send(connection: id, bytes: [1]))

        let second = try await TestClient.connect(port: listener.port)
        try #require(await events.wait { $0.count == 4 })
        guard case .open(let secondID, _) = events.all[3] else { Issue.record("no open: \(events.all)"); return }
        #expect(secondID != id)
        listener.close(connection: secondID)
        try #require(await events.wait { $0.count == 5 })
        #expect(events.all[4] == .close(connection: secondID, outcome: .ok))
        #expect(await second.closed.wait { !$0.isEmpty })

        _ = try await TestClient.connect(port: listener.port)
        try #require(await events.wait { $0.count == 6 })
        guard case .open(let thirdID, _) = events.all[5] else { Issue.record("no open: \(events.all)"); return }
        listener.close()
        try #require(await events.wait { $0.count == 8 })
        #expect(Array(events.all.suffix(2)) == [.close(connection: thirdID, outcome: .ok), .listenerClosed(outcome: .ok)])
        #expect(throws: NetError.self) { try services.listen(address: "127.0.0.1", port: 70000) { _ in } }
    }

    // MARK: Allow list

    @Test func theAllowListMatchesHostsAndPortsExactly() {
        let list = AllowList(allow: ["API.Example.com:443", "stream.example.com", "[::1]:8080", "127.0.0.1:80"], listen: ["127.0.0.1:9000", "0.0.0.0"])
        #expect(list.invalidEntries.isEmpty)
        #expect(list.permits(url: "https://api.example.com/v1/orders?x=1"))
        #expect(list.permits(url: "https://API.EXAMPLE.COM:443"))
        #expect(!list.permits(url: "http://api.example.com/"), "http defaults to port 80")
        #expect(!list.permits(url: "https://api.example.com:8443/"))
        #expect(!list.permits(url: "https://example.com/") && !list.permits(url: "https://x.api.example.com/"))
        #expect(list.permits(url: "wss://stream.example.com:9443/ws") && list.permits(url: "ws://stream.example.com/ws"))
        #expect(list.permits(url: "http://[::1]:8080/") && !list.permits(url: "http://[::1]/"))
        #expect(list.permits(url: "http://user:pw@127.0.0.1/"))
        #expect(!list.permits(url: "http://127.0.0.1@evil.com/"), "the host is after the last @")
        #expect(!list.permits(url: "ftp://api.example.com:443/") && !list.permits(url: "api.example.com:443"))
        #expect(!list.permits(url: "http://127.0.0.1%2f@evil.com/") && !list.permits(url: "http://127.0.0.1:80:81/"))
        #expect(list.permitsListening(address: "127.0.0.1", port: 9000) && !list.permitsListening(address: "127.0.0.1", port: 9001))
        #expect(list.permitsListening(address: "0.0.0.0", port: 1234) && !list.permitsListening(address: "::", port: 9000))
        #expect(AllowList.endpoint(of: "wss://Stream.Example.com/x")! == ("stream.example.com", 443))
        #expect(AllowList.endpoint(of: "http://h:8080")! == ("h", 8080))
        #expect(AllowList.endpoint(of: "http://:80/") == nil && AllowList.endpoint(of: "http://h:99999/") == nil)
        let bad = AllowList(allow: ["host:port", "h:0", ""], listen: ["[::1"])
        #expect(bad.invalidEntries == ["host:port", "h:0", "", "[::1"])
        #expect(!bad.permits(url: "http://host/"))
    }
}

/// Collects what a handler receives, for a test to wait on.
private final class Recorder<Event: Sendable>: Sendable {
    private let events = Mutex<[Event]>([])

    func record(_ event: Event) { events.withLock { $0.append(event) } }

    var all: [Event] { events.withLock { $0 } }

    /// Waits until `condition` holds, five seconds at most; false when it never did.
    func wait(_ condition: ([Event]) -> Bool) async -> Bool {
        let deadline = ContinuousClock.now + .seconds(30)
        while ContinuousClock.now < deadline {
            if condition(all) { return true }
            try? await Task.sleep(for: .milliseconds(5))
        }
        return condition(all)
    }
}

/// A server on 127.0.0.1 (a free port) for one test.
private struct TestServer {
    let channel: any Channel
    let group: MultiThreadedEventLoopGroup
    let counter: Counter
    let pongs: Recorder<[UInt8]>

    var port: Int { channel.localAddress!.port! }
    /// Connections accepted so far.
    var accepted: Int { counter.value.load(ordering: .relaxed) }
    var url: String { "http://127.0.0.1:\(port)" }
    var wsURL: String { "ws://127.0.0.1:\(port)" }

    func close() async throws {
        try await channel.close()
        try await group.shutdownGracefully()
    }

    private static func start(_ initialize: @escaping @Sendable (any Channel, Recorder<[UInt8]>) throws -> Void) async throws -> TestServer {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let counter = Counter()
        let pongs = Recorder<[UInt8]>()
        let channel = try await ServerBootstrap(group: group)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                counter.value.add(1, ordering: .relaxed)
                return channel.eventLoop.makeCompletedFuture { try initialize(channel, pongs) }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        return TestServer(channel: channel, group: group, counter: counter, pongs: pongs)
    }

    /// An HTTP/1.1 server (keep-alive) that echoes: see ``HTTPEcho``.
    static func http() async throws -> TestServer {
        try await start { channel, _ in
            try channel.pipeline.syncOperations.configureHTTPServerPipeline()
            try channel.pipeline.syncOperations.addHandler(HTTPEcho())
        }
    }

    /// A WebSocket server whose behaviour the path picks: see ``WebSocketPeer``.
    static func webSocket() async throws -> TestServer {
        try await start { channel, pongs in
            let upgrader = NIOWebSocketServerUpgrader(
                shouldUpgrade: { channel, _ in channel.eventLoop.makeSucceededFuture(HTTPHeaders()) },
                upgradePipelineHandler: { channel, head in
                    channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(WebSocketPeer(mode: head.uri, pongs: pongs)) }
                })
            try channel.pipeline.syncOperations.configureHTTPServerPipeline(withServerUpgrade: (upgraders: [upgrader], completionHandler: { _ in }))
        }
    }

    /// A server that accepts and never says anything.
    static func silent() async throws -> TestServer {
        try await start { _, _ in }
    }

    /// A port nothing listens on (bound, then closed).
    /// A port on loopback that refuses connections and stays so while the test runs: a socket
    /// bound and never listening, held open (a port a closed server gave back could be taken by
    /// another test running in parallel before the connection is tried).
    static func closedPort() async throws -> Int { ClosedPort.shared.port }
}

private final class Counter: Sendable {
    let value = Atomic<Int>(0)
}

/// Answers every request: 200 with the request's body (or "METHOD URI" without one) for paths
/// under /echo, no answer for /hang, 404 otherwise; echoes X-Test and Content-Type as X-Test-Echo
/// and X-Content-Type, and the method as X-Method.
private final class HTTPEcho: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private var head: HTTPRequestHead?
    private var body: [UInt8] = []

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            self.head = head
            body = []
        case .body(let buffer):
            body += Array(buffer: buffer)
        case .end:
            guard let head, !head.uri.hasPrefix("/hang") else { return }
            let found = head.uri.hasPrefix("/echo")
            let payload = found ? (body.isEmpty ? Array("\(head.method.rawValue) \(head.uri)".utf8) : body) : []
            var headers = HTTPHeaders([("Content-Length", "\(payload.count)"), ("X-Method", head.method.rawValue)])
            if let test = head.headers.first(name: "X-Test") { headers.add(name: "X-Test-Echo", value: test) }
            if let type = head.headers.first(name: "Content-Type") { headers.add(name: "X-Content-Type", value: type) }
            context.write(wrapOutboundOut(.head(HTTPResponseHead(version: head.version, status: found ? .ok : .notFound, headers: headers))), promise: nil)
            context.write(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(bytes: payload)))), promise: nil)
            context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
        }
    }
}

/// The server side of a WebSocket: /echo echoes messages; /ping sends a ping "trellis" and records
/// pongs; /close closes with 4001 "bye"; /nopong never answers a ping. Every mode answers a close.
private final class WebSocketPeer: ChannelInboundHandler {
    typealias InboundIn = WebSocketFrame
    typealias OutboundOut = WebSocketFrame

    private let mode: String
    private let pongs: Recorder<[UInt8]>
    private var sentClose = false

    init(mode: String, pongs: Recorder<[UInt8]>) {
        self.mode = mode
        self.pongs = pongs
    }

    func handlerAdded(context: ChannelHandlerContext) {
        if mode == "/ping" {
            context.writeAndFlush(wrapOutboundOut(WebSocketFrame(fin: true, opcode: .ping, data: ByteBuffer(string: "trellis"))), promise: nil)
        } else if mode == "/close" {
            var data = ByteBuffer()
            data.write(webSocketErrorCode: .init(codeNumber: 4001))
            data.writeString("bye")
            sentClose = true
            context.writeAndFlush(wrapOutboundOut(WebSocketFrame(fin: true, opcode: .connectionClose, data: data)), promise: nil)
        }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let frame = unwrapInboundIn(data)
        switch frame.opcode {
        case .text where mode == "/echo", .binary where mode == "/echo":
            context.writeAndFlush(wrapOutboundOut(WebSocketFrame(fin: frame.fin, opcode: frame.opcode, data: frame.unmaskedData)), promise: nil)
        case .ping where mode != "/nopong":
            context.writeAndFlush(wrapOutboundOut(WebSocketFrame(fin: true, opcode: .pong, data: frame.unmaskedData)), promise: nil)
        case .pong:
            pongs.record(Array(buffer: frame.unmaskedData))
        case .connectionClose:
            if sentClose {
                context.close(promise: nil)
            } else {
                sentClose = true
                let echo = WebSocketFrame(fin: true, opcode: .connectionClose, data: frame.unmaskedData)
                let channel = context.channel
                context.writeAndFlush(wrapOutboundOut(echo)).whenComplete { _ in channel.close(promise: nil) }
            }
        default:
            break
        }
    }
}

/// A TCP client of a ``TCPListener``: what it received, and whether the listener closed it.
private struct TestClient {
    let channel: any Channel
    let received: Recorder<UInt8>
    let closed: Recorder<Bool>

    static func connect(port: Int) async throws -> TestClient {
        let received = Recorder<UInt8>(), closed = Recorder<Bool>()
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(Collector(received: received, closed: closed)) }
            }
            .connect(host: "127.0.0.1", port: port).get()
        return TestClient(channel: channel, received: received, closed: closed)
    }

    func send(_ text: String) async throws { try await channel.writeAndFlush(ByteBuffer(string: text)) }

    func close() async throws { try await channel.close() }

    private final class Collector: ChannelInboundHandler {
        typealias InboundIn = ByteBuffer
        let received: Recorder<UInt8>
        let closed: Recorder<Bool>

        init(received: Recorder<UInt8>, closed: Recorder<Bool>) {
            self.received = received
            self.closed = closed
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            for byte in unwrapInboundIn(data).readableBytesView { received.record(byte) }
        }

        func channelInactive(context: ChannelHandlerContext) {
            closed.record(true)
        }
    }
}

/// A socket bound to 127.0.0.1 and never listening, for the process's lifetime: connecting to its
/// port is refused.
private final class ClosedPort: Sendable {
    static let shared = ClosedPort()
    let port: Int

    private init() {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, length) } }
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) } }
        port = Int(UInt16(bigEndian: address.sin_port))
    }
}
