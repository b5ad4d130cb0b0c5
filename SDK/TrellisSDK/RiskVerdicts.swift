/// A risk node's verdicts on the order intents it receives (`trellis.risk/1`). Every intent a
/// risk node receives waits until the node approves or denies it.
public struct RiskVerdicts {
    @usableFromInline let ext: UnsafePointer<trellis_risk_ext>
    @usableFromInline let ctx: UnsafeMutableRawPointer?

    /// Passes `order` on unchanged.
    @inlinable @discardableResult
    public func approve(_ order: Order) -> Status {
        ext.pointee.approve!(ctx, order.origin, order.order_id, order.quantity, order.size_mode)
    }

    /// Passes `order` on, sized `quantity` read by `sizeMode`.
    @inlinable @discardableResult
    public func approve(_ order: Order, quantity: Double, sizeMode: Int32) -> Status {
        ext.pointee.approve!(ctx, order.origin, order.order_id, quantity, sizeMode)
    }

    /// Refuses `order`; its origin receives a denial with `code` (a TRELLIS_REASON_*) and `reason`.
    @discardableResult
    public func deny(_ order: Order, code: Int32 = TRELLIS_REASON_RISK, reason: String) -> Status {
        withTrellisString(reason) { ext.pointee.deny!(ctx, order.origin, order.order_id, code, $0) }
    }

    /// Closes node `origin`'s position in `instrument` at market, on the origin's behalf; the
    /// order goes on from this node down the rest of the path. `TRELLIS_ERR_UNSUPPORTED` from a
    /// 1.0 host.
    @discardableResult
    public func closePosition(origin: UInt32, instrument: UInt32, reason: String) -> Status {
        guard has(\.close_position), let close = ext.pointee.close_position else { return TRELLIS_ERR_UNSUPPORTED }
        return withTrellisString(reason) { close(ctx, origin, instrument, $0) }
    }

    /// Cancels an order of `origin` that passed this node and rests at the venue.
    /// `TRELLIS_ERR_UNSUPPORTED` from a 1.0 host.
    @discardableResult
    public func cancel(origin: UInt32, orderID: UInt64, reason: String) -> Status {
        guard has(\.cancel), let cancel = ext.pointee.cancel else { return TRELLIS_ERR_UNSUPPORTED }
        return withTrellisString(reason) { cancel(ctx, origin, orderID, $0) }
    }

    /// Whether the host's extension table reaches `field` (later versions append functions).
    private func has<T>(_ field: KeyPath<trellis_risk_ext, T>) -> Bool {
        Int(ext.pointee.struct_size) >= MemoryLayout<trellis_risk_ext>.offset(of: field)! + MemoryLayout<T>.size
    }
}

extension NodeContext {
    /// The host's risk verdicts, or nil when it offers none. Ask once, in `init`.
    public func risk() -> RiskVerdicts? {
        hostExtension(TRELLIS_EXT_RISK, as: trellis_risk_ext.self).map { RiskVerdicts(ext: $0, ctx: host.pointee.ctx) }
    }
}

extension trellis_order_update {
    /// Why the order was rejected, denied, canceled or expired, for people.
    public var reasonText: String {
        withUnsafeBytes(of: reason) { buffer in String(decoding: buffer.prefix { $0 != 0 }, as: UTF8.self) }
    }
}
