/// Exports Swift node types through the C ABI. A plugin's whole export is:
///
/// ```swift
/// @c(trellis_plugin_entry)
/// public func entry(_ info: UnsafePointer<trellis_loader_info>?) -> UnsafePointer<trellis_plugin>? {
///     Plugin.entry(info, id: "my-plugin", version: "1.0.0", description: "…", nodes: [MyNode.self])
/// }
/// ```
public enum Plugin {
    /// Builds the plugin's descriptor. It lives as long as the process, as the ABI asks.
    public static func entry(
        _ info: UnsafePointer<trellis_loader_info>?, id: String, version: String,
        description: String, nodes: [any Node.Type]
    ) -> UnsafePointer<trellis_plugin>? {
        let factories = UnsafeMutablePointer<UnsafePointer<trellis_node_factory>>.allocate(capacity: max(nodes.count, 1))
        for (index, node) in nodes.enumerated() {
            factories[index] = makeFactory(node)
        }
        let record = UnsafeMutableRawPointer.allocate(byteCount: pluginStride + MemoryLayout<UnsafeRawPointer>.size, alignment: 16)
        let plugin = record.bindMemory(to: trellis_plugin.self, capacity: 1)
        plugin.initialize(
            to: trellis_plugin(
                struct_size: UInt32(MemoryLayout<trellis_plugin>.size),
                abi_major: UInt16(TRELLIS_ABI_MAJOR), abi_minor: UInt16(TRELLIS_ABI_MINOR),
                id: permanent(id), version: permanent(version), description: permanent(description),
                factory_count: UInt32(nodes.count), _reserved: 0,
                get_factory: { plugin, index in
                    guard let plugin, index < plugin.pointee.factory_count else { return nil }
                    let factories = UnsafeRawPointer(plugin).load(fromByteOffset: pluginStride, as: UnsafePointer<UnsafePointer<trellis_node_factory>>.self)
                    return factories[Int(index)]
                }))
        (record + pluginStride).storeBytes(of: UnsafePointer(factories), as: UnsafePointer<UnsafePointer<trellis_node_factory>>.self)
        return UnsafePointer(plugin)
    }

    private static func makeFactory<N: Node>(_: N.Type) -> UnsafePointer<trellis_node_factory> {
        let descriptor = N.descriptor
        let record = UnsafeMutableRawPointer.allocate(byteCount: factoryStride + MemoryLayout<UnsafeRawPointer>.size, alignment: 16)
        let factory = record.bindMemory(to: trellis_node_factory.self, capacity: 1)
        factory.initialize(
            to: trellis_node_factory(
                struct_size: UInt32(MemoryLayout<trellis_node_factory>.size), kind: descriptor.kind.rawValue,
                type: permanent(descriptor.type), version: permanent(descriptor.version),
                description: permanent(descriptor.description), params_schema: permanent(descriptor.parameters),
                create: { factory, args, out in
                    guard let factory, let args, let out else { return TRELLIS_ERR_INVALID }
                    let maker = UnsafeRawPointer(factory).load(fromByteOffset: factoryStride, as: Unmanaged<AnyFactory>.self)
                    switch maker.takeUnretainedValue().make(args.pointee) {
                    case .success(let box):
                        out.pointee = Unmanaged.passRetained(box).toOpaque()
                        return TRELLIS_OK
                    case .failure(let error):
                        write(error.message, to: args.pointee.error, capacity: args.pointee.error_capacity)
                        return error.status < 0 ? error.status : TRELLIS_ERR_PLUGIN
                    }
                },
                methods: UnsafePointer(swiftNodeMethods)))
        (record + factoryStride).storeBytes(of: Unmanaged<AnyFactory>.passRetained(Factory<N>()), as: Unmanaged<AnyFactory>.self)
        return UnsafePointer(factory)
    }
}

private let pluginStride = MemoryLayout<trellis_plugin>.stride
private let factoryStride = MemoryLayout<trellis_node_factory>.stride

/// Makes node instances of one type; `Factory<N>` overrides `make`.
class AnyFactory {
    func make(_ args: trellis_create_args) -> Result<AnyNodeBox, PluginError> {
        .failure(PluginError("no node type", status: TRELLIS_ERR_INTERNAL))
    }
}

final class Factory<N: Node>: AnyFactory {
    override func make(_ args: trellis_create_args) -> Result<AnyNodeBox, PluginError> {
        guard let host = args.host, let params = args.params else {
            return .failure(PluginError("the host passed no host table or parameters", status: TRELLIS_ERR_INVALID))
        }
        let context = NodeContext(host: host, nodeID: args.node_id, name: string(args.node_name))
        do {
            return .success(NodeBox(try N(context: context, parameters: Parameters(params))))
        } catch {
            return .failure(error)
        }
    }
}

/// A copy of `text` that is never freed, as a `trellis_str`.
private func permanent(_ text: String) -> trellis_str {
    let bytes = Array(text.utf8)
    let storage = UnsafeMutablePointer<CChar>.allocate(capacity: bytes.count + 1)
    for (index, byte) in bytes.enumerated() { storage[index] = CChar(bitPattern: byte) }
    storage[bytes.count] = 0
    return trellis_str(ptr: storage, len: UInt64(bytes.count))
}

func string(_ value: trellis_str) -> String {
    guard let start = value.ptr else { return "" }
    return String(decoding: UnsafeRawBufferPointer(start: start, count: Int(value.len)), as: UTF8.self)
}

/// Writes `message` NUL-terminated into a host buffer of `capacity` bytes, cut to fit.
private func write(_ message: String, to buffer: UnsafeMutablePointer<CChar>?, capacity: UInt64) {
    guard let buffer, capacity > 0 else { return }
    let bytes = Array(message.utf8.prefix(Int(capacity) - 1))
    for (index, byte) in bytes.enumerated() { buffer[index] = CChar(bitPattern: byte) }
    buffer[bytes.count] = 0
}
