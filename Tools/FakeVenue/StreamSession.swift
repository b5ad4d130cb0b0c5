import Foundation
import HummingbirdWebSocket
import Logging
import NIOWebSocket

/// One WebSocket client: sends it the stream with the connection's faults applied, and reads
/// its `subscribe` messages.
struct StreamSession: Sendable {
    let hub: StreamHub
    let faults: FaultInjector
    let counters: VenueCounters
    let logger: Logger

    /// Serves the connection until either side closes it or the server stops.
    func run(inbound: WebSocketInboundStream, outbound: WebSocketOutboundWriter) async throws {
        let (id, messages) = hub.connect()
        defer { hub.disconnect(id) }
        let logger = {
            var logger = self.logger; logger[metadataKey: "venue.connection"] = "\(id)"; return logger
        }()
        logger.info("WebSocket client connected")
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await read(inbound, id: id, logger: logger) }
            group.addTask { try await write(messages, to: outbound, id: id, logger: logger) }
            _ = try await group.next()
            group.cancelAll()
        }
        logger.info("WebSocket client gone")
    }

    /// Applies `subscribe` messages; ignores anything else.
    private func read(_ inbound: WebSocketInboundStream, id: Int, logger: Logger) async throws {
        for try await message in inbound.messages(maxSize: 1 << 20) {
            guard case .text(let text) = message,
                let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any],
                object["type"] as? String == "subscribe"
            else {
                logger.debug("ignored a client message")
                continue
            }
            let symbols = object["symbols"] as? [String] ?? []
            hub.subscribe(id, symbols: Set(symbols))
            logger.info("subscribed", metadata: ["venue.symbols": "\(symbols.joined(separator: ","))"])
        }
    }

    /// Sends the stream: a reordered message waits for the next one, a duplicated one goes out
    /// twice, and after `disconnectEvery` frames the connection closes with code 1011.
    private func write(_ messages: AsyncStream<StreamMessage>, to outbound: WebSocketOutboundWriter, id: Int, logger: Logger) async throws {
        var generator = faults.connectionGenerator(id)
        var held: StreamMessage?
        var sent = 0
        for await message in messages {
            let settings = faults.settings
            let reorder = generator.chance(settings.reorder)
            var batch = [message]
            if let previous = held {
                batch.append(previous)
                held = nil
            } else if reorder {
                held = message
                counters.fault("reorder")
                continue
            }
            for message in batch {
                let copies = generator.chance(settings.duplicate) ? 2 : 1
                if copies == 2 { counters.fault("duplicate") }
                for _ in 0..<copies {
                    try await outbound.write(.text(message.text))
                    sent += 1
                    counters.update { $0.framesSent += 1 }
                    if settings.disconnectEvery > 0, sent >= settings.disconnectEvery {
                        counters.fault("disconnect")
                        logger.info("closing the WebSocket (injected fault)", metadata: ["venue.frames": "\(sent)"])
                        try await outbound.close(.unexpectedServerError, reason: "injected disconnect")
                        return
                    }
                }
            }
        }
    }
}
