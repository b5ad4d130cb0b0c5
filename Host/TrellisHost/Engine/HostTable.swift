import CTrellis
import Logging

/// The C functions of `trellis_host` and the host's extensions. Each reaches the engine through
/// the node's `HostContext` without retaining it.
enum HostTable {
    static func make(context: UnsafeMutablePointer<HostContext>) -> trellis_host {
        trellis_host(
            struct_size: UInt32(MemoryLayout<trellis_host>.size), abi_major: PluginLoader.abiMajor, abi_minor: PluginLoader.abiMinor,
            ctx: UnsafeMutableRawPointer(context),
            emit: { ctx, event in
                guard let event else { return TRELLIS_ERR_INVALID }
                let context = ctx.unsafelyUnwrapped.assumingMemoryBound(to: HostContext.self)
                return context.pointee.engine._withUnsafeGuaranteedRef { $0.emit(from: context.pointee.slot, event) }
            },
            log: { ctx, level, message in
                let context = ctx.unsafelyUnwrapped.assumingMemoryBound(to: HostContext.self)
                context.pointee.engine._withUnsafeGuaranteedRef { $0.log(from: context.pointee.slot, level: level, String(message)) }
            },
            now_ns: { ctx in
                let context = ctx.unsafelyUnwrapped.assumingMemoryBound(to: HostContext.self)
                return context.pointee.engine._withUnsafeGuaranteedRef { $0.state.pointee.now }
            },
            instrument_count: { ctx in
                let context = ctx.unsafelyUnwrapped.assumingMemoryBound(to: HostContext.self)
                return context.pointee.engine._withUnsafeGuaranteedRef { UInt32($0.instruments.count) }
            },
            instrument: { ctx, id, out in
                guard let out else { return TRELLIS_ERR_INVALID }
                let context = ctx.unsafelyUnwrapped.assumingMemoryBound(to: HostContext.self)
                return context.pointee.engine._withUnsafeGuaranteedRef { $0.instruments.copy(id, into: out) }
            },
            find_instrument: { ctx, symbol, out in
                let context = ctx.unsafelyUnwrapped.assumingMemoryBound(to: HostContext.self)
                guard let id = context.pointee.engine._withUnsafeGuaranteedRef({ $0.instruments.id(of: String(symbol)) }) else { return TRELLIS_ERR_NOT_FOUND }
                out?.pointee = id
                return TRELLIS_OK
            },
            get_extension: { ctx, id in
                switch String(id) {
                case TRELLIS_EXT_TIMER: UnsafeRawPointer(HostTable.timerExtension)
                case TRELLIS_EXT_RISK: UnsafeRawPointer(HostTable.riskExtension)
                case let other: HostTable.with(ctx) { engine, slot in HostTable.liveExtension(other, minor: engine.slots[slot].abiMinor) }
                }
            })
    }

    /// `trellis.timer/1`: timers in engine time.
    nonisolated(unsafe) static let timerExtension: UnsafeMutablePointer<trellis_timer_ext> = {
        let ext = UnsafeMutablePointer<trellis_timer_ext>.allocate(capacity: 1)
        ext.initialize(
            to: trellis_timer_ext(
                struct_size: UInt32(MemoryLayout<trellis_timer_ext>.size), _reserved: 0,
                schedule: { ctx, time, id in
                    let context = ctx.unsafelyUnwrapped.assumingMemoryBound(to: HostContext.self)
                    context.pointee.engine._withUnsafeGuaranteedRef { engine in
                        engine.timers.schedule(slot: context.pointee.slot, id: id, at: time)
                        engine.state.pointee.nextTimer = engine.timers.next?.time ?? .max
                    }
                    return TRELLIS_OK
                },
                cancel: { ctx, id in
                    let context = ctx.unsafelyUnwrapped.assumingMemoryBound(to: HostContext.self)
                    let found = context.pointee.engine._withUnsafeGuaranteedRef { engine in
                        defer { engine.state.pointee.nextTimer = engine.timers.next?.time ?? .max }
                        return engine.timers.cancel(slot: context.pointee.slot, id: id)
                    }
                    return found ? TRELLIS_OK : TRELLIS_ERR_NOT_FOUND
                }))
        return ext
    }()
}

extension HostTable {
    /// `trellis.risk/1`: a risk node's verdict on an order intent it holds.
    nonisolated(unsafe) static let riskExtension: UnsafeMutablePointer<trellis_risk_ext> = {
        let ext = UnsafeMutablePointer<trellis_risk_ext>.allocate(capacity: 1)
        ext.initialize(
            to: trellis_risk_ext(
                struct_size: UInt32(MemoryLayout<trellis_risk_ext>.size), _reserved: 0,
                approve: { ctx, origin, orderID, quantity, sizeMode in
                    let context = ctx.unsafelyUnwrapped.assumingMemoryBound(to: HostContext.self)
                    return context.pointee.engine._withUnsafeGuaranteedRef {
                        $0.approve(from: context.pointee.slot, origin: origin, orderID: orderID, quantity: quantity, sizeMode: sizeMode)
                    }
                },
                deny: { ctx, origin, orderID, code, reason in
                    let context = ctx.unsafelyUnwrapped.assumingMemoryBound(to: HostContext.self)
                    return context.pointee.engine._withUnsafeGuaranteedRef {
                        $0.deny(from: context.pointee.slot, origin: origin, orderID: orderID, code: code, reason: String(reason))
                    }
                },
                close_position: { ctx, origin, instrument, reason in
                    let context = ctx.unsafelyUnwrapped.assumingMemoryBound(to: HostContext.self)
                    return context.pointee.engine._withUnsafeGuaranteedRef {
                        $0.closePosition(from: context.pointee.slot, origin: origin, instrument: instrument, reason: String(reason))
                    }
                },
                cancel: { ctx, origin, orderID, reason in
                    let context = ctx.unsafelyUnwrapped.assumingMemoryBound(to: HostContext.self)
                    return context.pointee.engine._withUnsafeGuaranteedRef {
                        $0.cancelResting(from: context.pointee.slot, origin: origin, orderID: orderID, reason: String(reason))
                    }
                }))
        return ext
    }()
}

extension Engine {
    /// A plugin's log line, tagged with its node.
    func log(from slot: Int, level: Int32, _ message: String) {
        let metadata: Logger.Metadata = ["node": "\(names[Int(nodeID(slot))])", "time": "\(Timestamp.format(state.pointee.now))"]
        switch level {
        case TRELLIS_LOG_TRACE: logger.trace("\(message)", metadata: metadata)
        case TRELLIS_LOG_DEBUG: logger.debug("\(message)", metadata: metadata)
        case TRELLIS_LOG_INFO: logger.info("\(message)", metadata: metadata)
        case TRELLIS_LOG_WARNING: logger.warning("\(message)", metadata: metadata)
        default: logger.error("\(message)", metadata: metadata)
        }
    }
}
