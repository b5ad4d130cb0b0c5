import Foundation
import HummingbirdCore
import HummingbirdWebSocket
import Logging
import NIOCore

/// Answers a WebSocket upgrade with a missing or wrong `X-API-Key` with HTTP 401 and the
/// protocol's error JSON.
///
/// Hummingbird answers every refused upgrade with a bare 400, so this handler sits in front of
/// the HTTP codec and reads the head of a connection's first request: an upgrade with a bad
/// key is answered here and the connection closed; anything else passes on untouched and the
/// handler leaves the pipeline.
final class UpgradeKeyGate: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let apiKey: String
    private var buffered: ByteBuffer?

    init(apiKey: String) { self.apiKey = apiKey }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var chunk = unwrapInboundIn(data)
        if buffered == nil { buffered = chunk } else { buffered!.writeBuffer(&chunk) }
        guard let buffer = buffered else { return }
        let view = buffer.readableBytesView
        guard let end = view.firstRange(of: Array("\r\n\r\n".utf8)) else {
            if buffer.readableBytes > 16_384 { pass(context: context) }
            return
        }
        let head = String(decoding: view[view.startIndex..<end.lowerBound], as: UTF8.self)
        if let refusal = refusal(head) {
            buffered = nil
            context.writeAndFlush(wrapOutboundOut(ByteBuffer(string: refusal)), promise: nil)
            context.close(promise: nil)
        } else {
            pass(context: context)
        }
    }

    /// Hands what was read to the HTTP codec and leaves the pipeline.
    private func pass(context: ChannelHandlerContext) {
        if let buffer = buffered {
            buffered = nil
            context.fireChannelRead(wrapInboundOut(buffer))
        }
        context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
    }

    /// The raw 401 response when `head` is a WebSocket upgrade without the right key, else nil.
    private func refusal(_ head: String) -> String? {
        let lines = head.split(separator: "\r\n", omittingEmptySubsequences: false)
        guard let requestLine = lines.first else { return nil }
        var upgrade = false
        var key: String?
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let name = line[..<colon].trimmingCharacters(in: .whitespaces).lowercased()
            let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            if name == "upgrade", value.lowercased() == "websocket" { upgrade = true }
            if name == "x-api-key" { key = value }
        }
        guard upgrade, key != apiKey, requestLine.hasPrefix("GET ") else { return nil }
        let body = VenueRoutes.errorJSON("UNAUTHORIZED", "missing or wrong X-API-Key header")
        return "HTTP/1.1 401 Unauthorized\r\nContent-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\nConnection: close\r\n\r\n" + body
    }
}

/// Hummingbird's HTTP/1 + WebSocket channel with an ``UpgradeKeyGate`` in front.
struct GatedWebSocketChannel: ServerChildChannel {
    typealias Value = HTTP1WebSocketUpgradeChannel.Value

    let apiKey: String
    let inner: HTTP1WebSocketUpgradeChannel

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        channel.eventLoop.makeCompletedFuture {
            try channel.pipeline.syncOperations.addHandler(UpgradeKeyGate(apiKey: apiKey))
        }.flatMap { inner.setup(channel: channel, logger: logger) }
    }

    func handle(value: Value, logger: Logger) async { await inner.handle(value: value, logger: logger) }
}
