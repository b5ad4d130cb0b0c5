/// The published JSON Schema of the graph format (Host/TrellisHost/Graph/graph.schema.json).
public enum GraphSchema {
    /// The schema's text, exactly as published.
    public static let text = String(decoding: PackageResources.graph_schema_json, as: UTF8.self)

    /// The schema, parsed once.
    public static let schema: JSONSchema = {
        let (root, problems) = YAMLReader.read(text, file: "graph.schema.json")
        precondition(problems.isEmpty && root != nil, "the bundled graph schema does not parse: \(problems)")
        return JSONSchema(root!)
    }()
}
