import NIOCore
import NIOPosix

/// A TCP listener made by ``NetworkServices/listen(address:port:handler:)``, and its connections.
///
/// Every method returns at once; the work happens on the event loop.
public final class TCPListener: Sendable {
    /// Unique among everything one ``NetworkServices`` made (connection ids too).
    public let id: UInt64
    /// The port bound (the one the system chose when asked for port 0).
    public let port: Int
    private let server: any Channel
    private let connections: TCPConnections
    private let onFinish: @Sendable () -> Void

    /// Binds `address:port` on `group` and starts accepting; throws when binding fails.
    init(
        id: UInt64, address: String, port: Int, group: any EventLoopGroup, makeID: @escaping @Sendable () -> UInt64,
        handler: @escaping @Sendable (TCPEvent) -> Void, onFinish: @escaping @Sendable () -> Void
    ) throws(NetError) {
        guard (0...65535).contains(port) else { throw NetError(.protocolError, "invalid port \(port)") }
        let connections = TCPConnections(makeID: makeID, handler: handler)
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(TCPConnectionHandler(connections: connections, id: makeID()))
                }
            }
        let server: any Channel
        do {
            server = try bootstrap.bind(host: address, port: port).wait()
        } catch {
            throw NetError(.refused, "cannot listen on \(address):\(port): \(error)")
        }
        self.id = id
        self.port = server.localAddress?.port ?? port
        self.server = server
        self.connections = connections
        self.onFinish = onFinish
        // The listening socket closing by itself (an error) ends the listener too.
        server.closeFuture.whenComplete { [connections, server] _ in
            connections.closeAll(.closed, server: server, onFinish: onFinish)
        }
    }

    /// Queues `bytes` on connection `connection`; false when it is not open.
    public func send(connection: UInt64, bytes: [UInt8]) -> Bool {
        guard let channel = connections.channel(connection) else { return false }
        channel.writeAndFlush(ByteBuffer(bytes: bytes), promise: nil)
        return true
    }

    /// Closes connection `connection`; its `close` reports `.ok`.
    public func close(connection: UInt64) {
        connections.close(connection, outcome: .ok)
    }

    /// Stops listening and closes every connection; `listenerClosed(.ok)` comes last.
    public func close() {
        connections.closeAll(.ok, server: server, onFinish: onFinish)
    }

    /// Closes like `close()`, reporting `outcome` (shutdown).
    func close(_ outcome: NetOutcome) {
        connections.closeAll(outcome, server: server, onFinish: onFinish)
    }

    /// Reports `listenerClosed(outcome)` now if it has not gone out (shutdown gave up waiting).
    func abandon(_ outcome: NetOutcome) {
        connections.finish(outcome, onFinish: onFinish)
    }

    /// Whether `listenerClosed` has been reported.
    var isFinished: Bool { connections.isFinished }
}
