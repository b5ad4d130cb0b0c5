import Dispatch
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle
import Synchronization

/// The operator endpoint: `/metrics`, `/health`, `/status` and the status page, over HTTP.
///
/// Binds 127.0.0.1 unless told otherwise; any other address needs a bearer token, and with a
/// token every path but `/health` needs it. The server runs on a thread of its own
/// (``OperatorThread``): `start()` and `stop()` are synchronous and may be called from any thread.
public final class OperatorServer: Sendable {
    let board: OperatorBoard
    let address: String
    let port: Int
    let token: [UInt8]?
    let staleAfter: Duration
    let logger: Logger

    private enum Phase {
        case idle
        case starting
        case running(Runner)
        case stopped
    }

    private let phase = Mutex(Phase.idle)

    /// How long `start()` waits for the server to listen.
    static let startTimeout = Duration.seconds(10)
    /// How long `stop()` lets the server shut down gracefully, then after cancelling it.
    static let stopGrace = Duration.seconds(2)

    /// An endpoint for `board` on `address`:`port` (port 0: any free port).
    ///
    /// Throws when the address is not loopback and there is no token, or the token is too weak
    /// to guard it (shorter than 16 characters, or with spaces inside). Whitespace around the
    /// token, such as a token file's last newline, is ignored.
    public init(
        board: OperatorBoard, address: String = "127.0.0.1", port: Int, token: String?, staleAfter: Duration = .seconds(5), logger: Logger
    ) throws(OperatorError) {
        let address = address.trimmingWhitespace
        guard !address.isEmpty else { throw OperatorError(.invalidAddress, "the operator endpoint needs an address to listen on, e.g. 127.0.0.1") }
        guard (0...65535).contains(port) else { throw OperatorError(.invalidAddress, "the operator port \(port) is not in 0…65535") }
        var tokenBytes: [UInt8]?
        if let token {
            let trimmed = token.trimmingWhitespace
            guard trimmed.count >= 16, !trimmed.utf8.contains(where: { $0 <= 0x20 || $0 == 0x7F }) else {
                throw OperatorError(
                    .invalidToken,
                    "the operator token must be at least 16 characters with no spaces or control characters (make one with: openssl rand -hex 32)")
            }
            tokenBytes = Array(trimmed.utf8)
        }
        guard tokenBytes != nil || Self.isLoopback(address) else {
            throw OperatorError(
                .insecureBind,
                "the operator endpoint binds \(address), which is not loopback, without a token: set one (--operator-token-file or TRELLIS_OPERATOR_TOKEN) or bind 127.0.0.1"
            )
        }
        guard staleAfter > .zero else { throw OperatorError(.invalidAddress, "staleAfter must be positive") }
        self.board = board
        self.address = address
        self.port = port
        self.token = tokenBytes
        self.staleAfter = staleAfter
        self.logger = logger
    }

    deinit {
        stop()
    }

    /// Starts listening and returns the bound port; returns only once it accepts connections.
    ///
    /// Blocks the calling thread for at most 10 s. Throws when the address cannot be bound, or
    /// when the server was started before.
    @discardableResult
    public func start() throws(OperatorError) -> Int {
        try phase.withLock { phase throws(OperatorError) in
            guard case .idle = phase else { throw OperatorError(.notStartable, "the operator endpoint was started before; make a new one") }
            phase = .starting
        }
        let router = OperatorRoutes.router(board: board, token: token, staleAfter: staleAfter)
        let runner = Runner(router: router, address: address, port: port, logger: logger)
        switch runner.waitUntilListening(timeout: Self.startTimeout, address: address, port: port) {
        case .success(let bound):
            phase.withLock { $0 = .running(runner) }
            var logger = logger
            logger[metadataKey: "operator.address"] = "\(address)"
            logger[metadataKey: "operator.port"] = "\(bound)"
            logger[metadataKey: "operator.token"] = token == nil ? "none" : "required"
            logger.info("operator endpoint listening")
            return bound
        case .failure(let error):
            runner.stop(grace: Self.stopGrace, logger: logger)
            phase.withLock { $0 = .stopped }
            throw error
        }
    }

    /// Stops listening, lets requests in flight finish, and ends the server's thread.
    ///
    /// Waits at most 2 s for a graceful shutdown, then cancels what is left and waits at most
    /// 2 s more. Safe to call more than once, or on a server never started.
    public func stop() {
        let runner: Runner? = phase.withLock { phase in
            defer { phase = .stopped }
            if case .running(let runner) = phase { return runner }
            return nil
        }
        guard let runner else { return }
        runner.stop(grace: Self.stopGrace, logger: logger)
        logger.info("operator endpoint stopped", metadata: ["operator.address": "\(address)"])
    }

    /// True for 127.0.0.0/8, ::1 and localhost.
    static func isLoopback(_ address: String) -> Bool {
        let lowered = address.lowercased()
        if lowered == "localhost" || lowered == "::1" || lowered == "[::1]" { return true }
        let parts = lowered.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 4 && parts[0] == "127" && parts.allSatisfy { UInt8($0) != nil }
    }
}

extension String {
    /// The string without leading and trailing spaces, tabs and newlines.
    var trimmingWhitespace: String {
        let isSpace: (Character) -> Bool = { $0.isWhitespace }
        return String(drop(while: isSpace).reversed().drop(while: isSpace).reversed())
    }
}
