import CTrellis
import CTrellisGuard

/// The C tables of the 1.2 extensions. Each function finds the engine through the node's
/// `HostContext`; those marked engine-thread-only refuse other threads with TRELLIS_ERR_STATE.
extension HostTable {
    /// The extension `id` for the node behind `ctx`: 1.2 extensions only for plugins that declare 1.2.
    static func liveExtension(_ id: String, minor: Int) -> UnsafeRawPointer? {
        guard minor >= 2 else { return nil }
        switch id {
        case TRELLIS_EXT_POST: return UnsafeRawPointer(postExtension)
        case TRELLIS_EXT_INSTRUMENTS: return UnsafeRawPointer(instrumentsExtension)
        case TRELLIS_EXT_SECRETS: return UnsafeRawPointer(secretsExtension)
        case TRELLIS_EXT_HTTP: return UnsafeRawPointer(httpExtension)
        case TRELLIS_EXT_WEBSOCKET: return UnsafeRawPointer(webSocketExtension)
        case TRELLIS_EXT_TCP: return UnsafeRawPointer(tcpExtension)
        default: return nil
        }
    }

    /// Runs `body` with the engine and the node's slot behind `ctx`.
    @inline(__always)
    static func with<R>(_ ctx: UnsafeMutableRawPointer?, _ body: (Engine, Int) -> R) -> R {
        let context = ctx.unsafelyUnwrapped.assumingMemoryBound(to: HostContext.self)
        return context.pointee.engine._withUnsafeGuaranteedRef { body($0, context.pointee.slot) }
    }

    /// Runs `body` on the engine thread only.
    @inline(__always)
    static func onEngineThread(_ ctx: UnsafeMutableRawPointer?, _ body: (Engine, Int) -> trellis_status) -> trellis_status {
        with(ctx) { engine, slot in trellis_guard_on_engine_thread(engine.watch) != 0 ? body(engine, slot) : TRELLIS_ERR_STATE }
    }

    static func table<T>(_ value: T) -> UnsafeMutablePointer<T> {
        let pointer = UnsafeMutablePointer<T>.allocate(capacity: 1)
        pointer.initialize(to: value)
        return pointer
    }

    nonisolated(unsafe) static let postExtension = table(
        trellis_post_ext(
            struct_size: UInt32(MemoryLayout<trellis_post_ext>.size), _reserved: 0,
            post: { ctx, event in
                guard let event else { return TRELLIS_ERR_INVALID }
                return with(ctx) { engine, slot in engine.post(from: slot, event) }
            },
            wall_ns: { _ in WallClock.now() }))

    nonisolated(unsafe) static let instrumentsExtension = table(
        trellis_instruments_ext(
            struct_size: UInt32(MemoryLayout<trellis_instruments_ext>.size), _reserved: 0,
            register_instrument: { ctx, record, out in
                guard let record else { return TRELLIS_ERR_INVALID }
                return onEngineThread(ctx) { engine, slot in engine.registerInstrument(from: slot, record, id: out) }
            }))

    nonisolated(unsafe) static let secretsExtension = table(
        trellis_secrets_ext(
            struct_size: UInt32(MemoryLayout<trellis_secrets_ext>.size), _reserved: 0,
            get: { ctx, name, out, capacity, length in
                with(ctx) { engine, slot in engine.secret(for: slot, named: String(name), into: out, capacity: capacity, length: length) }
            }))

    nonisolated(unsafe) static let httpExtension = table(
        trellis_http_ext(
            struct_size: UInt32(MemoryLayout<trellis_http_ext>.size), _reserved: 0,
            request: { ctx, request, out in
                guard let request else { return TRELLIS_ERR_INVALID }
                return onEngineThread(ctx) { engine, slot in engine.httpRequest(from: slot, request, id: out) }
            }))

    nonisolated(unsafe) static let webSocketExtension = table(
        trellis_websocket_ext(
            struct_size: UInt32(MemoryLayout<trellis_websocket_ext>.size), _reserved: 0,
            open: { ctx, open, out in
                guard let open else { return TRELLIS_ERR_INVALID }
                return onEngineThread(ctx) { engine, slot in engine.webSocketOpen(from: slot, open, id: out) }
            },
            send: { ctx, socket, binary, data in
                onEngineThread(ctx) { engine, slot in engine.webSocketSend(from: slot, socket: socket, binary: binary != 0, data: data) }
            },
            close: { ctx, socket, code in
                onEngineThread(ctx) { engine, slot in engine.webSocketClose(from: slot, socket: socket, code: code) }
            }))

    nonisolated(unsafe) static let tcpExtension = table(
        trellis_tcp_ext(
            struct_size: UInt32(MemoryLayout<trellis_tcp_ext>.size), _reserved: 0,
            listen: { ctx, request, out in
                guard let request else { return TRELLIS_ERR_INVALID }
                return onEngineThread(ctx) { engine, slot in engine.tcpListen(from: slot, request, id: out) }
            },
            send: { ctx, connection, data in
                onEngineThread(ctx) { engine, slot in engine.tcpSend(from: slot, connection: connection, data: data) }
            },
            close: { ctx, id in
                onEngineThread(ctx) { engine, slot in engine.tcpClose(from: slot, id: id) }
            }))
}
