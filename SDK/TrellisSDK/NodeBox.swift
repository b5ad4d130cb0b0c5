/// Type-erased home of one node instance; the C thunks reach the node through it.
///
/// `NodeBox<N>` overrides these methods, so one set of C functions serves every Swift node type.
/// The thunks borrow the box without retaining it.
@usableFromInline
class AnyNodeBox {
    func activate() -> Status { TRELLIS_OK }
    func onEvent(_ event: UnsafePointer<trellis_event_header>) -> Status { TRELLIS_OK }
    func deactivate() -> Status { TRELLIS_OK }
    var warmupBars: Int? { nil }
}

/// Holds one `N` in memory that never moves, so events mutate it in place.
final class NodeBox<N: Node>: AnyNodeBox {
    let node: UnsafeMutablePointer<N>

    init(_ value: consuming N) {
        node = .allocate(capacity: 1)
        node.initialize(to: value)
    }

    deinit {
        node.deinitialize(count: 1)
        node.deallocate()
    }

    override func activate() -> Status {
        do { try node.pointee.activate() } catch { return error.status }
        return TRELLIS_OK
    }

    override func onEvent(_ event: UnsafePointer<trellis_event_header>) -> Status {
        node.pointee.onEvent(Event(event))
        return TRELLIS_OK
    }

    override func deactivate() -> Status {
        do { try node.pointee.deactivate() } catch { return error.status }
        return TRELLIS_OK
    }

    override var warmupBars: Int? { node.pointee.warmupBars }
}

/// The methods table shared by every Swift node; `node` is an unretained `AnyNodeBox`.
nonisolated(unsafe) let swiftNodeMethods: UnsafeMutablePointer<trellis_node_methods> = {
    let table = UnsafeMutablePointer<trellis_node_methods>.allocate(capacity: 1)
    table.initialize(
        to: trellis_node_methods(
            struct_size: UInt32(MemoryLayout<trellis_node_methods>.size), _reserved: 0,
            activate: { node in box(node).activate() },
            on_event: { node, event in
                Unmanaged<AnyNodeBox>.fromOpaque(node.unsafelyUnwrapped)._withUnsafeGuaranteedRef {
                    $0.onEvent(event.unsafelyUnwrapped)
                }
            },
            deactivate: { node in box(node).deactivate() },
            destroy: { node in
                guard let node else { return }
                Unmanaged<AnyNodeBox>.fromOpaque(node).release()
            },
            get_extension: { node, id in
                guard matches(id, TRELLIS_EXT_NODE_WARMUP), box(node).warmupBars != nil else { return nil }
                return UnsafeRawPointer(warmupExtension)
            }))
    return table
}()

nonisolated(unsafe) let warmupExtension: UnsafeMutablePointer<trellis_node_warmup_ext> = {
    let ext = UnsafeMutablePointer<trellis_node_warmup_ext>.allocate(capacity: 1)
    ext.initialize(
        to: trellis_node_warmup_ext(
            struct_size: UInt32(MemoryLayout<trellis_node_warmup_ext>.size), _reserved: 0,
            bars: { node in UInt32(clamping: box(node).warmupBars ?? 0) }))
    return ext
}()

private func box(_ node: UnsafeMutableRawPointer?) -> AnyNodeBox {
    Unmanaged<AnyNodeBox>.fromOpaque(node.unsafelyUnwrapped).takeUnretainedValue()
}

/// Whether the borrowed string `id` equals `text`.
func matches(_ id: trellis_str, _ text: String) -> Bool {
    guard let start = id.ptr else { return text.isEmpty }
    let bytes = UnsafeRawBufferPointer(start: start, count: Int(id.len))
    return bytes.elementsEqual(text.utf8)
}
