import CTrellis
import Logging
import Synchronization
import TrellisNet

/// The transport of paper and live runs: the host's network services (TrellisNet). Each answer
/// or event becomes a `LiveInput` for the node that asked, under the engine's id.
final class NetworkTransport: LiveTransport {
    private let services: NetworkServices
    private let sockets = Locked<[UInt64: WebSocketConnection]>([:])
    private let listeners = Locked<[UInt64: TCPListener]>([:])
    /// The engine's connection ids (which a replay repeats) for the services' ones, and the listener of each.
    private let connections = Locked<(ids: [UInt64: UInt64], owners: [UInt64: (listener: TCPListener, native: UInt64)], next: UInt64)>(([:], [:], 1 << 40))

    init(logger: Logger) { services = NetworkServices(logger: logger) }

    func request(_ request: LiveRequest, deliver: @escaping @Sendable (LiveInput) -> Void) {
        let http = HTTPRequest(
            method: request.method, url: request.url, headers: request.headers.map { Header(name: $0.name, value: $0.value) }, body: request.body,
            timeout: request.timeout)
        let id = request.id, slot = request.slot
        services.request(http) { response in
            deliver(
                LiveInput(
                    kind: .http, slot: slot, id: id, status: Int32(clamping: response.status), outcome: response.outcome.rawValue,
                    elapsed: response.elapsedNanoseconds, headers: response.headers.map { LiveInput.HTTPHeaderField(name: $0.name, value: $0.value) },
                    payload: response.body, text: response.errorText))
        }
    }

    func openWebSocket(_ open: LiveWebSocketOpen, deliver: @escaping @Sendable (LiveInput) -> Void) {
        let options = WebSocketOptions(
            url: open.url, headers: open.headers.map { Header(name: $0.name, value: $0.value) }, connectTimeout: open.connectTimeout,
            pingInterval: open.pingInterval)
        let id = open.id, slot = open.slot
        let connection = services.openWebSocket(options) { [sockets] event in
            switch event {
            case .open:
                deliver(LiveInput(kind: .webSocket, slot: slot, id: id, event: TRELLIS_NET_EVENT_OPEN))
            case .message(let binary, let bytes):
                deliver(LiveInput(kind: .webSocket, slot: slot, id: id, event: TRELLIS_NET_EVENT_MESSAGE, status: binary ? 1 : 0, payload: bytes))
            case .close(let outcome, let code, let reason):
                _ = sockets.withLock { $0.removeValue(forKey: id) }
                deliver(
                    LiveInput(
                        kind: .webSocket, slot: slot, id: id, event: TRELLIS_NET_EVENT_CLOSE, outcome: outcome.rawValue, code: Int32(clamping: code),
                        payload: Array(reason.utf8)))
            }
        }
        sockets.withLock { $0[id] = connection }
    }

    func sendWebSocket(id: UInt64, binary: Bool, bytes: [UInt8]) -> Bool {
        sockets.withLock { $0[id] }?.send(binary: binary, bytes: bytes) ?? false
    }

    func closeWebSocket(id: UInt64, code: Int) {
        sockets.withLock { $0[id] }?.close(code: code)
    }

    func listen(id: UInt64, slot: Int, address: String, port: Int, deliver: @escaping @Sendable (LiveInput) -> Void) -> Result<Int, LiveTransportError> {
        let connections = self.connections
        let holder = Locked<TCPListener?>(nil)
        do {
            let listener = try services.listen(address: address, port: port) { event in
                switch event {
                case .open(let native, let peer):
                    let engineID = connections.withLock { state -> UInt64 in
                        state.next += 1
                        state.ids[native] = state.next
                        if let listener = holder.withLock({ $0 }) { state.owners[state.next] = (listener, native) }
                        return state.next
                    }
                    deliver(LiveInput(kind: .tcp, slot: slot, id: id, connection: engineID, event: TRELLIS_NET_EVENT_OPEN, payload: Array(peer.utf8)))
                case .data(let native, let bytes):
                    guard let engineID = connections.withLock({ $0.ids[native] }) else { return }
                    deliver(LiveInput(kind: .tcp, slot: slot, id: id, connection: engineID, event: TRELLIS_NET_EVENT_MESSAGE, payload: bytes))
                case .close(let native, let outcome):
                    guard
                        let engineID = connections.withLock({ state -> UInt64? in
                            let engineID = state.ids.removeValue(forKey: native)
                            if let engineID { state.owners[engineID] = nil }
                            return engineID
                        })
                    else { return }
                    deliver(LiveInput(kind: .tcp, slot: slot, id: id, connection: engineID, event: TRELLIS_NET_EVENT_CLOSE, outcome: outcome.rawValue))
                case .listenerClosed(let outcome):
                    deliver(LiveInput(kind: .tcp, slot: slot, id: id, event: TRELLIS_NET_EVENT_CLOSE, outcome: outcome.rawValue))
                }
            }
            holder.withLock { $0 = listener }
            listeners.withLock { $0[id] = listener }
            return .success(listener.port)
        } catch {
            return .failure(LiveTransportError(message: error.description))
        }
    }

    func sendTCP(connection: UInt64, bytes: [UInt8]) -> Bool {
        guard let owner = connections.withLock({ $0.owners[connection] }) else { return false }
        return owner.listener.send(connection: owner.native, bytes: bytes)
    }

    func closeTCP(id: UInt64) {
        if let listener = listeners.withLock({ $0.removeValue(forKey: id) }) {
            listener.close()
        } else if let owner = connections.withLock({ $0.owners.removeValue(forKey: id) }) {
            owner.listener.close(connection: owner.native)
        }
    }

    func shutdown(timeout: Duration) { services.shutdown(timeout: timeout) }
}

/// A value behind a lock, shareable between closures.
final class Locked<Value>: @unchecked Sendable {
    private let mutex: Mutex<Value>

    init(_ value: sending Value) { mutex = Mutex(value) }

    func withLock<R>(_ body: (inout sending Value) -> sending R) -> sending R { mutex.withLock(body) }
}
