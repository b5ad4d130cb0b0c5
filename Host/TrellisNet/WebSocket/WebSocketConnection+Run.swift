import HTTPTypes
import Logging
import NIOCore
import NIOWebSocket
import Synchronization
import WSClient

extension WebSocketConnection {
    /// Connects with `options` over `group` and runs until the socket closes; reports every event.
    func run(_ options: WebSocketOptions, group: any EventLoopGroup) async {
        var fields = HTTPFields()
        for header in options.headers {
            guard let name = HTTPField.Name(header.name), !header.value.utf8.contains(where: { $0 == 0x0A || $0 == 0x0D || $0 == 0 }) else {
                finish(.protocolError, code: 1006, reason: "invalid header \"\(header.name)\"")
                return
            }
            fields.append(HTTPField(name: name, value: header.value))
        }
        let configuration = WebSocketClientConfiguration(
            maxFrameSize: max(1 << 10, options.maximumMessageBytes), additionalHeaders: fields,
            extensions: [.nonNegotiatedExtension { CloseWatcher(connection: self) }], closeTimeout: .seconds(2),
            autoPing: options.pingInterval.map { .enabled(timePeriod: $0) } ?? .disabled, validateUTF8: false)
        let result = await withTaskGroup(of: Result<WebSocketCloseFrame?, any Error>?.self) { tasks in
            tasks.addTask {
                let client = WebSocketClient(url: options.url, configuration: configuration, eventLoopGroup: group, logger: self.logger) {
                    inbound, outbound, _ in
                    try await self.converse(inbound, outbound, maximumBytes: options.maximumMessageBytes)
                }
                do { return .success(try await client.run()) } catch { return .failure(error) }
            }
            tasks.addTask {
                try? await Task.sleep(for: options.connectTimeout)
                if !Task.isCancelled { self.connectDeadlinePassed() }
                return nil
            }
            var result: Result<WebSocketCloseFrame?, any Error> = .success(nil)
            for await next in tasks {
                guard let next else { continue }
                result = next
                tasks.cancelAll()
            }
            return result
        }
        let (outcome, code, reason) = closing(result)
        finish(outcome, code: code, reason: reason)
    }

    /// Reports `open`, then reads and writes until the socket closes.
    private func converse(_ inbound: WebSocketInboundStream, _ outbound: WebSocketOutboundWriter, maximumBytes: Int) async throws {
        guard opened() else { return }
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { await self.write(to: outbound) }
            try await self.read(inbound, outbound, maximumBytes: maximumBytes)
            tasks.cancelAll()
        }
    }

    /// Sends what `send` and `close` queued, in order, until the queue ends or the task is canceled.
    private func write(to outbound: WebSocketOutboundWriter) async {
        for await command in commands {
            do {
                switch command {
                case .send(let binary, let bytes):
                    // One frame with the bytes as given (text is not re-encoded).
                    try await outbound.write(.custom(WebSocketFrame(fin: true, opcode: binary ? .binary : .text, data: ByteBuffer(bytes: bytes))))
                case .close(let code):
                    try await outbound.close(WebSocketErrorCode(codeNumber: code), reason: nil)
                }
            } catch {
                logger.debug("websocket write failed", metadata: ["net.error": "\(error)"])
                return
            }
        }
    }

    /// Joins frames into messages and reports them, until the peer's close or the end of input.
    private func read(_ inbound: WebSocketInboundStream, _ outbound: WebSocketOutboundWriter, maximumBytes: Int) async throws {
        var message: [UInt8] = []
        var binary = false
        var inMessage = false
        for try await frame in inbound {
            switch frame.opcode {
            case .text, .binary:
                guard !inMessage else { return try await fail(outbound, .protocolError, "a new message inside a fragmented one") }
                message = Array(buffer: frame.data)
                binary = frame.opcode == .binary
            case .continuation:
                guard inMessage else { return try await fail(outbound, .protocolError, "a continuation frame outside a message") }
                message.append(contentsOf: frame.data.readableBytesView)
            }
            guard message.count <= maximumBytes else { return try await fail(outbound, .messageTooLarge, "a message larger than \(maximumBytes) bytes") }
            inMessage = !frame.fin
            if frame.fin {
                emit(.message(binary: binary, bytes: message))
                message = []
            }
        }
    }

    /// Closes the socket with `code` because the peer broke the protocol; `close` reports `.protocolError`.
    private func fail(_ outbound: WebSocketOutboundWriter, _ code: WebSocketErrorCode, _ reason: String) async throws {
        state.withLock { state in
            if state.override == nil { state.override = (.protocolError, reason) }
            state.phase = .closing
        }
        try await outbound.close(code, reason: nil)
    }

    /// Reports `close` with `.timeout` if the socket has not opened yet.
    private func connectDeadlinePassed() {
        let expired: Bool = state.withLock { state in
            guard state.phase == .connecting else { return false }
            state.phase = .closed
            state.override = (.timeout, "no connection within the connect timeout")
            return true
        }
        if expired { finish(.timeout, code: 1006, reason: "no connection within the connect timeout") }
    }

    /// Called when the client sends "going away" on its own, which it does only when a pong is missing.
    func sentGoingAway() {
        state.withLock { state in
            if state.requestedCode == nil && state.override == nil { state.pingTimedOut = true }
        }
    }

    /// The outcome, code and reason that `close` reports, from how the client ended.
    private func closing(_ result: Result<WebSocketCloseFrame?, any Error>) -> (NetOutcome, Int, String) {
        let state = state.withLock { $0 }
        if let override = state.override { return (override.outcome, 1006, override.reason) }
        if state.pingTimedOut { return (.timeout, 1006, "no pong within the ping interval") }
        switch result {
        case .success(let frame):
            let code = frame.map { Int(UInt16(webSocketErrorCode: $0.closeCode)) }
            if let requested = state.requestedCode { return (.ok, code ?? requested, frame?.reason ?? "") }
            return (.closed, code ?? 1006, frame?.reason ?? "")
        case .failure(let error):
            if let requested = state.requestedCode, state.wasOpened { return (.ok, requested, "") }
            if !state.wasOpened { return (Self.connectOutcome(error), 1006, "\(error)") }
            if error is WebSocketClientError { return (.protocolError, 1002, "\(error)") }
            return (.closed, 1006, "\(error)")
        }
    }

    /// The outcome of an error that kept the socket from opening.
    private static func connectOutcome(_ error: any Error) -> NetOutcome {
        switch error {
        case ChannelError.connectTimeout: .timeout
        case let error as WebSocketClientError where error == .invalidURL: .protocolError
        case is CancellationError: .canceled
        default: .refused
        }
    }
}

/// Watches the frames the client sends, to tell a missing pong from the peer going away.
///
/// swift-websocket closes a socket whose ping got no pong by sending "going away" (1001) and
/// reports nothing else; this side sends 1001 in no other case unless `close` asked for it.
struct CloseWatcher: WebSocketExtension {
    let connection: WebSocketConnection

    var name: String { "trellis-close-watcher" }

    func processReceivedFrame(_ frame: WebSocketFrame, context: WebSocketExtensionContext) async throws -> WebSocketFrame { frame }

    func processFrameToSend(_ frame: WebSocketFrame, context: WebSocketExtensionContext) async throws -> WebSocketFrame {
        if frame.opcode == .connectionClose, frame.data.peekWebSocketErrorCode() == .goingAway { connection.sentGoingAway() }
        return frame
    }

    func shutdown() async {}
}
