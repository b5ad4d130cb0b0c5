import CTrellis
import CTrellisGuard
import Foundation

/// The engine's side of `trellis.http/1`, `trellis.websocket/1` and `trellis.tcp/1`: requests go
/// to the transport under ids the engine gives (the same in a replay); answers come back as
/// inputs and reach the node's callback on this thread, as a callback of that node.
extension Engine {
    typealias HTTPCallback = @convention(c) (UnsafeMutableRawPointer?, UnsafePointer<trellis_http_response>?) -> Void
    typealias WebSocketCallback = @convention(c) (UnsafeMutableRawPointer?, UnsafePointer<trellis_ws_event>?) -> Void
    typealias TCPCallback = @convention(c) (UnsafeMutableRawPointer?, UnsafePointer<trellis_tcp_event>?) -> Void

    private func nextNetworkID(_ live: LiveState) -> UInt64 {
        live.nextID += 1
        return live.nextID
    }

    /// Refuses what the graph does not allow, saying so once per target.
    private func refuse(slot: Int, _ what: String) -> trellis_status {
        noteProblem(slot: slot, "\(what): the graph does not allow it; list it under the node's network: (docs/live.md)")
        return TRELLIS_ERR_DENIED
    }

    /// The inbox's way in for the transport: answers become inputs of node `slot`.
    private func sink(_ live: LiveState) -> @Sendable (LiveInput) -> Void {
        let inbox = live.inbox
        guard live.inputTiming != nil else { return { input in inbox.put(input) } }
        return { input in
            var input = input
            input.arrivedAt = WallClock.now()
            inbox.put(input)
        }
    }

    func httpRequest(from slot: Int, _ request: UnsafePointer<trellis_http_request>, id out: UnsafeMutablePointer<UInt64>?) -> trellis_status {
        guard let live else { return TRELLIS_ERR_STATE }
        let minimum = MemoryLayout<trellis_http_request>.offset(of: \.on_response)! + 8
        guard Int(request.pointee.struct_size) >= minimum, let callback = request.pointee.on_response else { return TRELLIS_ERR_INVALID }
        let url = String(request.pointee.url)
        guard live.permissions[slot].permits(url: url) else { return refuse(slot: slot, "an HTTP request to \(Self.withoutQuery(url))") }
        let method = String(request.pointee.method).uppercased()
        guard ["GET", "POST", "PUT", "DELETE", "PATCH", "HEAD"].contains(method) else { return TRELLIS_ERR_INVALID }
        let id = nextNetworkID(live)
        let headers = Self.headers(request.pointee.headers, count: request.pointee.header_count)
        let body = Self.bytes(request.pointee.body)
        live.httpCalls[id] = LiveState.NetCallback(slot: slot, user: request.pointee.user, function: unsafeBitCast(callback, to: UnsafeRawPointer.self))
        live.outputs.add(kind: "http \(method)", slot: slot, target: url, bytes: body)
        let timeout = request.pointee.timeout_ms == 0 ? 10_000 : Int(request.pointee.timeout_ms)
        live.transport.request(
            LiveRequest(id: id, slot: slot, method: method, url: url, headers: headers, body: body, timeout: .milliseconds(timeout)), deliver: sink(live))
        out?.pointee = id
        return TRELLIS_OK
    }

    func webSocketOpen(from slot: Int, _ open: UnsafePointer<trellis_ws_open>, id out: UnsafeMutablePointer<UInt64>?) -> trellis_status {
        guard let live else { return TRELLIS_ERR_STATE }
        let minimum = MemoryLayout<trellis_ws_open>.offset(of: \.on_event)! + 8
        guard Int(open.pointee.struct_size) >= minimum, let callback = open.pointee.on_event else { return TRELLIS_ERR_INVALID }
        let url = String(open.pointee.url)
        guard live.permissions[slot].permits(url: url) else { return refuse(slot: slot, "a WebSocket to \(Self.withoutQuery(url))") }
        let id = nextNetworkID(live)
        live.sockets[id] = LiveState.NetCallback(slot: slot, user: open.pointee.user, function: unsafeBitCast(callback, to: UnsafeRawPointer.self))
        live.outputs.add(kind: "ws open", slot: slot, target: url, bytes: [])
        let connect = open.pointee.connect_timeout_ms == 0 ? 10_000 : Int(open.pointee.connect_timeout_ms)
        live.transport.openWebSocket(
            LiveWebSocketOpen(
                id: id, slot: slot, url: url, headers: Self.headers(open.pointee.headers, count: open.pointee.header_count),
                connectTimeout: .milliseconds(connect),
                pingInterval: open.pointee.ping_interval_ms == 0 ? nil : .milliseconds(Int(open.pointee.ping_interval_ms))),
            deliver: sink(live))
        out?.pointee = id
        return TRELLIS_OK
    }

    func webSocketSend(from slot: Int, socket: UInt64, binary: Bool, data: trellis_str) -> trellis_status {
        guard let live, let entry = live.sockets[socket], entry.slot == slot else { return TRELLIS_ERR_NOT_FOUND }
        let bytes = Self.bytes(data)
        live.outputs.add(kind: binary ? "ws binary" : "ws text", slot: slot, target: "\(socket)", bytes: bytes)
        // The engine's table decides, not the network thread's view (a replay must answer alike):
        // a send that finds the socket closed underneath is followed by its CLOSE.
        _ = live.transport.sendWebSocket(id: socket, binary: binary, bytes: bytes)
        return TRELLIS_OK
    }

    func webSocketClose(from slot: Int, socket: UInt64, code: Int32) -> trellis_status {
        guard let live, let entry = live.sockets[socket], entry.slot == slot else { return TRELLIS_ERR_NOT_FOUND }
        live.transport.closeWebSocket(id: socket, code: code == 0 ? 1000 : Int(code))
        return TRELLIS_OK
    }

    func tcpListen(from slot: Int, _ request: UnsafePointer<trellis_tcp_listen>, id out: UnsafeMutablePointer<UInt64>?) -> trellis_status {
        guard let live else { return TRELLIS_ERR_STATE }
        let minimum = MemoryLayout<trellis_tcp_listen>.offset(of: \.on_event)! + 8
        guard Int(request.pointee.struct_size) >= minimum, let callback = request.pointee.on_event else { return TRELLIS_ERR_INVALID }
        let written = String(request.pointee.address)
        let address = written.isEmpty ? "127.0.0.1" : written
        let port = Int(request.pointee.port)
        guard port <= 65535, live.permissions[slot].permitsListening(address: address, port: port) else {
            return refuse(slot: slot, "listening on \(TerminalText.safe(address, limit: 100)):\(port)")
        }
        let id = nextNetworkID(live)
        live.listeners[id] = LiveState.NetCallback(slot: slot, user: request.pointee.user, function: unsafeBitCast(callback, to: UnsafeRawPointer.self))
        live.outputs.add(kind: "tcp listen", slot: slot, target: "\(address):\(port)", bytes: [])
        switch live.transport.listen(id: id, slot: slot, address: address, port: port, deliver: sink(live)) {
        case .success(let bound):
            live.inbox.put(LiveInput(kind: .tcp, slot: slot, id: id, event: TRELLIS_NET_EVENT_LISTENING, code: Int32(bound)))
        case .failure(let error):
            noteProblem(slot: slot, "could not listen on \(address):\(port): \(error.message)")
            live.inbox.put(LiveInput(kind: .tcp, slot: slot, id: id, event: TRELLIS_NET_EVENT_CLOSE, outcome: TRELLIS_NET_REFUSED, text: error.message))
        }
        out?.pointee = id
        return TRELLIS_OK
    }

    func tcpSend(from slot: Int, connection: UInt64, data: trellis_str) -> trellis_status {
        guard let live, let listener = live.connections[connection], live.listeners[listener]?.slot == slot else { return TRELLIS_ERR_NOT_FOUND }
        let bytes = Self.bytes(data)
        live.outputs.add(kind: "tcp send", slot: slot, target: "\(connection)", bytes: bytes)
        _ = live.transport.sendTCP(connection: connection, bytes: bytes)
        return TRELLIS_OK
    }

    func tcpClose(from slot: Int, id: UInt64) -> trellis_status {
        guard let live else { return TRELLIS_ERR_NOT_FOUND }
        let owner = live.listeners[id]?.slot ?? live.connections[id].flatMap { live.listeners[$0]?.slot }
        guard owner == slot else { return TRELLIS_ERR_NOT_FOUND }
        live.transport.closeTCP(id: id)
        return TRELLIS_OK
    }

    // MARK: - Answers

    func deliverHTTP(_ input: LiveInput) {
        guard let live, let entry = live.httpCalls.removeValue(forKey: input.id) else { return }
        let callback = unsafeBitCast(entry.function, to: HTTPCallback.self)
        Self.withHeaders(input.headers) { headers, count in
            input.payload.withUnsafeBufferPointer { body in
                input.text.withTrellisString { text in
                    var response = trellis_http_response(
                        struct_size: UInt32(MemoryLayout<trellis_http_response>.size), error: input.outcome, status: input.status, _reserved: 0,
                        request_id: input.id, headers: headers, header_count: UInt64(count),
                        body: trellis_str(ptr: body.baseAddress.map { UnsafeRawPointer($0).assumingMemoryBound(to: CChar.self) }, len: UInt64(body.count)),
                        error_text: text, elapsed_ns: input.elapsed)
                    asCallback(of: entry.slot) { callback(entry.user, &response) }
                }
            }
        }
    }

    func deliverWebSocket(_ input: LiveInput) {
        guard let live, let entry = live.sockets[input.id] else { return }
        if input.event == TRELLIS_NET_EVENT_CLOSE { live.sockets[input.id] = nil }
        let callback = unsafeBitCast(entry.function, to: WebSocketCallback.self)
        input.payload.withUnsafeBufferPointer { data in
            var event = trellis_ws_event(
                struct_size: UInt32(MemoryLayout<trellis_ws_event>.size), kind: input.event, socket: input.id, binary: input.status, error: input.outcome,
                code: input.code, _reserved: 0,
                data: trellis_str(ptr: data.baseAddress.map { UnsafeRawPointer($0).assumingMemoryBound(to: CChar.self) }, len: UInt64(data.count)))
            asCallback(of: entry.slot) { callback(entry.user, &event) }
        }
    }

    func deliverTCP(_ input: LiveInput) {
        guard let live, let entry = live.listeners[input.id] else { return }
        switch input.event {
        case TRELLIS_NET_EVENT_OPEN: live.connections[input.connection] = input.id
        case TRELLIS_NET_EVENT_CLOSE where input.connection != 0: live.connections[input.connection] = nil
        case TRELLIS_NET_EVENT_CLOSE: live.listeners[input.id] = nil
        default: break
        }
        let callback = unsafeBitCast(entry.function, to: TCPCallback.self)
        input.payload.withUnsafeBufferPointer { data in
            var event = trellis_tcp_event(
                struct_size: UInt32(MemoryLayout<trellis_tcp_event>.size), kind: input.event, listener: input.id, connection: input.connection,
                error: input.outcome, port: UInt32(clamping: Int(input.code)),
                data: trellis_str(ptr: data.baseAddress.map { UnsafeRawPointer($0).assumingMemoryBound(to: CChar.self) }, len: UInt64(data.count)))
            asCallback(of: entry.slot) { callback(entry.user, &event) }
        }
    }

    /// Runs `body` (a plugin's network callback) as a callback of node `slot`: it may emit, and
    /// what it emits is delivered when it returns.
    func asCallback(of slot: Int, _ body: () -> Void) {
        guard slots[slot].instance != nil else { return }
        watch.pointee.current = Int32(slot)
        watch.pointee.calls &+= 1
        state.pointee.emitted = 0
        body()
        watch.pointee.current = -1
        if !queue.pointee.isEmpty { drain() }
    }

    // MARK: - Copies

    /// A URL fit for a log line: no query or fragment (they may carry keys), no user info, bounded.
    static func withoutQuery(_ url: String) -> String {
        var kept = String(url.prefix { $0 != "?" && $0 != "#" })
        if let scheme = kept.range(of: "://"), let at = kept[scheme.upperBound...].firstIndex(of: "@"),
            !kept[scheme.upperBound..<at].contains("/")
        {
            kept.removeSubrange(scheme.upperBound...at)
        }
        return TerminalText.safe(kept, limit: 200)
    }

    static func bytes(_ value: trellis_str) -> [UInt8] {
        guard let pointer = value.ptr, value.len > 0 else { return [] }
        return Array(UnsafeRawBufferPointer(start: pointer, count: Int(value.len)))
    }

    static func headers(_ list: UnsafePointer<trellis_http_header>?, count: UInt64) -> [LiveInput.HTTPHeaderField] {
        guard let list, count > 0, count <= 1000 else { return [] }
        return (0..<Int(count)).map { LiveInput.HTTPHeaderField(name: String(list[$0].name), value: String(list[$0].value)) }
    }

    /// Calls `body` with the fields as a C array of `trellis_http_header` that lives for the call.
    static func withHeaders<R>(_ fields: [LiveInput.HTTPHeaderField], _ body: (UnsafePointer<trellis_http_header>?, Int) -> R) -> R {
        var storage: [UInt8] = []
        var spans: [(Int, Int, Int, Int)] = []
        for field in fields {
            let name = Array(field.name.utf8), value = Array(field.value.utf8)
            spans.append((storage.count, name.count, storage.count + name.count, value.count))
            storage += name + value
        }
        return storage.withUnsafeBufferPointer { bytes in
            let base = bytes.baseAddress.map { UnsafeRawPointer($0).assumingMemoryBound(to: CChar.self) }
            let headers = spans.map { span in
                trellis_http_header(
                    name: trellis_str(ptr: base.map { $0 + span.0 }, len: UInt64(span.1)),
                    value: trellis_str(ptr: base.map { $0 + span.2 }, len: UInt64(span.3)))
            }
            return headers.withUnsafeBufferPointer { body($0.baseAddress, $0.count) }
        }
    }
}
