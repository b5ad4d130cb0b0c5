import CTrellis
import Foundation

/// Checks a plugin's factories and methods tables before anything uses them.
enum PluginChecks {
    /// Bytes of `trellis_node_methods` a 1.0 plugin must provide: through `destroy`. Later fields
    /// (`get_extension`) are read only when the table is large enough.
    static let minimumMethodsSize = MemoryLayout<trellis_node_methods>.offset(of: \.destroy)! + MemoryLayout<UnsafeRawPointer>.size

    static func nodeTypes(of descriptor: UnsafePointer<trellis_plugin>, id: String, path: String) throws(PluginLoadError) -> [NodeType] {
        func failure(_ code: PluginLoadError.Code, _ reason: String) -> PluginLoadError {
            PluginLoadError(code, path: path, plugin: id, reason)
        }
        guard !id.isEmpty else { throw PluginLoadError(.invalidFactory, path: path, "its descriptor has an empty id") }
        guard let getFactory = descriptor.pointee.get_factory else { throw failure(.nullFactory, "get_factory is NULL") }
        let count = descriptor.pointee.factory_count
        guard count > 0 else { throw failure(.invalidFactory, "it offers no node types (factory_count is 0)") }
        var types: [NodeType] = []
        for index in 0..<count {
            guard let factory = getFactory(descriptor, index) else {
                throw failure(.nullFactory, "get_factory(\(index)) returned NULL; factory_count says \(count)")
            }
            let type = try nodeType(factory, index: index, pluginID: id, path: path, abiMinor: Int(descriptor.pointee.abi_minor), failure)
            guard !types.contains(where: { $0.name == type.name }) else {
                throw failure(.invalidFactory, "it offers node type '\(type.name)' twice")
            }
            types.append(type)
        }
        return types
    }

    private static func nodeType(
        _ factory: UnsafePointer<trellis_node_factory>, index: UInt32, pluginID: String, path: String, abiMinor: Int,
        _ failure: (PluginLoadError.Code, String) -> PluginLoadError
    ) throws(PluginLoadError) -> NodeType {
        let size = Int(factory.pointee.struct_size)
        guard size >= MemoryLayout<trellis_node_factory>.size else {
            throw failure(.structTooSmall, "factory \(index) (trellis_node_factory) is \(size) bytes; ABI 1.0 needs \(MemoryLayout<trellis_node_factory>.size)")
        }
        let name = String(factory.pointee.type)
        guard isValidTypeName(name) else {
            throw failure(.invalidFactory, "factory \(index) has type name '\(name)'; use letters, digits, '-', '_' and '.'")
        }
        guard let kind = NodeKind(rawValue: factory.pointee.kind) else {
            throw failure(.invalidFactory, "node type '\(name)' has unknown kind \(factory.pointee.kind); use a TRELLIS_KIND_* value")
        }
        guard factory.pointee.create != nil else { throw failure(.invalidFactory, "node type '\(name)' has no create function") }
        guard let methods = factory.pointee.methods else { throw failure(.invalidFactory, "node type '\(name)' has no methods table") }
        guard Int(methods.pointee.struct_size) >= minimumMethodsSize else {
            throw failure(
                .structTooSmall,
                "node type '\(name)': its methods table (trellis_node_methods) is \(methods.pointee.struct_size) bytes; ABI 1.0 needs at least \(minimumMethodsSize)"
            )
        }
        guard methods.pointee.destroy != nil else { throw failure(.invalidFactory, "node type '\(name)' has no destroy function") }
        let schemaText = String(factory.pointee.params_schema)
        let schema = try parseSchema(schemaText, type: name, failure)
        return NodeType(
            name: name, kind: kind, version: TerminalText.safe(String(factory.pointee.version), limit: 100),
            description: TerminalText.safe(String(factory.pointee.description), limit: 500),
            schemaText: schemaText, schema: schema, pluginID: pluginID, pluginPath: path, abiMinor: abiMinor, factory: factory)
    }

    private static func parseSchema(
        _ text: String, type: String, _ failure: (PluginLoadError.Code, String) -> PluginLoadError
    ) throws(PluginLoadError) -> JSONSchema {
        let source = "schema of \(type)"
        let trimmed = text.trimmingPrefix(while: \.isWhitespace)
        if trimmed.isEmpty { return JSONSchema(ValueNode(.object([.init(key: "type", value: ValueNode(.string("object")))]))) }
        let (root, problems) = YAMLReader.read(text, file: source)
        if let problem = problems.first {
            let place = problem.location.map { " at line \($0.line), column \($0.column)" } ?? ""
            let detail = problem.message.replacingOccurrences(of: "YAML syntax: ", with: "")
            throw failure(
                .invalidFactory,
                "node type '\(type)': its parameter schema is not valid JSON\(place): \(detail); check the quotes, commas and braces of the schema string")
        }
        guard let root, root.members != nil else {
            throw failure(.invalidFactory, "node type '\(type)': its parameter schema must be a JSON object")
        }
        return JSONSchema(root)
    }

    static func isValidTypeName(_ name: String) -> Bool {
        !name.isEmpty && name.utf8.count <= 64
            && name.unicodeScalars.allSatisfy { scalar in
                scalar.isASCII && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || "-_.".unicodeScalars.contains(scalar))
            }
    }
}

extension String {
    func trimmingPrefix(while predicate: (Character) -> Bool) -> Substring {
        self[...].drop(while: predicate)
    }
}
