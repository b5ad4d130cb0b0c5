import ArgumentParser
import TrellisHost

struct Plugins: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Lists and inspects plugin libraries.",
        subcommands: [List.self, Inspect.self])

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Lists the plugins found in the search path.",
            discussion:
                "Searches the --path directories, then TRELLIS_PLUGIN_PATH, then the trellis executable's directory, and names the libraries that failed to load and why."
        )

        @Option(name: .customLong("path"), help: "A directory to search first (repeatable).")
        var paths: [String] = []

        func run() {
            let (catalog, _) = PluginCatalog.load(.init(directories: paths))
            let sources = PluginCatalog.Sources(directories: paths).allDirectories
            guard !catalog.plugins.isEmpty || !catalog.skipped.isEmpty else {
                print("no plugins found in: \(sources.joined(separator: ", "))")
                return
            }
            var table = TextTable(columns: ["PLUGIN", "VERSION", "ABI", "NODE TYPES", "FILE"])
            for plugin in catalog.plugins {
                let types = plugin.nodeTypes.map { "\($0.name) (\($0.kind))" }.joined(separator: ", ")
                table.add([plugin.id, plugin.version, "\(plugin.abiMajor).\(plugin.abiMinor)", types, plugin.path])
            }
            print(table.text)
            for plugin in catalog.shadowed { print("shadowed: \(plugin.path) is also plugin '\(plugin.id)'; the one above is used") }
            for failure in catalog.skipped { print("skipped: \(failure)") }
            for plugin in catalog.plugins { if let warning = plugin.exportWarning { print("warning: \(warning)") } }
            if catalog.ignored > 0 {
                print(
                    "ignored: \(catalog.ignored) shared librar\(catalog.ignored == 1 ? "y" : "ies") named lib*.so without trellis_plugin_entry (not plugins; never loaded)"
                )
            }
        }
    }

    struct Inspect: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Shows what a plugin library offers: node types, kinds, versions, ABI, parameters and its SHA-256.")

        @Argument(help: "The plugin library (.so).", completion: .file(extensions: ["so"]))
        var file: String

        func run() throws {
            let plugin: LoadedPlugin
            do {
                plugin = try PluginLoader.load(file)
            } catch {
                printError("error: \(error)")
                throw ExitCode(1)
            }
            print(
                """
                plugin       \(plugin.id) \(plugin.version)
                description  \(plugin.description)
                ABI          \(plugin.abiMajor).\(plugin.abiMinor) (this host speaks \(PluginLoader.abiMajor).\(PluginLoader.abiMinor))
                file         \(plugin.path)
                sha256       sha256:\(plugin.sha256)
                """)
            if let warning = plugin.exportWarning { print("warning      \(warning)") }
            for type in plugin.nodeTypes {
                print("\nnode type    \(type.name) \(type.version) (\(type.kind))\n             \(type.description)")
                var table = TextTable(columns: ["PARAMETER", "TYPE", "DEFAULT", "ALLOWED", "DESCRIPTION"], indent: 13)
                let required = type.schema.required
                for (name, schema) in type.schema.properties {
                    table.add([
                        name, ParameterText.type(schema), schema["default"]?.jsonText ?? (required.contains(name) ? "required" : "—"),
                        ParameterText.constraints(schema),
                        schema["description"]?.string ?? "",
                    ])
                }
                if table.isEmpty { print("             no parameters") } else { print(table.text) }
                print("             schema: \(type.schema.root.jsonText)")
            }
        }
    }
}

/// Plain-words renderings of a parameter's schema.
enum ParameterText {
    static func type(_ schema: ValueNode) -> String {
        if let type = schema["type"]?.string { return type }
        if let types = schema["type"]?.array { return types.compactMap(\.string).joined(separator: "|") }
        if schema["enum"] != nil { return "enum" }
        return "any"
    }

    static func constraints(_ schema: ValueNode) -> String {
        var parts: [String] = []
        if let options = schema["enum"]?.array { parts.append(options.map(\.jsonText).joined(separator: " | ")) }
        if let value = schema["minimum"] { parts.append(">= \(value.jsonText)") }
        if let value = schema["exclusiveMinimum"] { parts.append("> \(value.jsonText)") }
        if let value = schema["maximum"] { parts.append("<= \(value.jsonText)") }
        if let value = schema["exclusiveMaximum"] { parts.append("< \(value.jsonText)") }
        if let value = schema["pattern"]?.string { parts.append("matches \(value)") }
        return parts.joined(separator: ", ")
    }
}
