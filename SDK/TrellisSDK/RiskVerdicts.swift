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
