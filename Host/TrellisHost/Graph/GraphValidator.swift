import Foundation

/// Checks a graph against its plugins: node types, parameters, inputs, kinds, gates and cycles.
/// Every problem is reported, each at its line and column, with what to do.
public struct GraphValidator {
    /// The graph as written, then with the challengers' copies and the testers appended to its nodes.
    var spec: GraphSpec
    let catalog: PluginCatalog
    var diagnostics: [Diagnostic] = []
    /// Per challenger: its name, the node it replaces, and the indexes into `spec.nodes` of the
    /// champion nodes it stands in for and of its copies.
    var challengerIndexes: [(name: String, replaces: String, champion: [Int], challenger: [Int], paperBaseline: Bool)] = []

    /// Loads the graph's plugins and resolves it. `includeDefaultPluginPaths` adds
    /// `TRELLIS_PLUGIN_PATH` and the executable's directory to the graph's own search path;
    /// `plugins` (already loaded) come before all of them.
    public static func resolve(_ spec: GraphSpec, includeDefaultPluginPaths: Bool = true, plugins: [LoadedPlugin] = []) -> (ResolvedGraph?, [Diagnostic]) {
        let sources = PluginCatalog.Sources(
            plugins: [Builtins.plugin] + plugins,
            explicit: spec.plugins.load.map { spec.resolve($0.value) },
            directories: spec.plugins.search.map { spec.resolve($0.value) },
            includeDefaults: includeDefaultPluginPaths, pins: spec.plugins.pins.map { ($0.plugin, $0.digest.value) })
        let (catalog, loadErrors) = PluginCatalog.load(sources)
        var validator = GraphValidator(spec: spec, catalog: catalog)
        guard catalog.unmatchedPins.isEmpty else {
            // Nothing was loaded: the other problems would all be "unknown node type".
            let found = catalog.pinCandidates.prefix(5).map { "\($0.path) is sha256:\($0.sha256)" }
            let list =
                found.isEmpty ? "no plugin library was found" : "found: " + found.joined(separator: ", ") + (catalog.pinCandidates.count > 5 ? ", ..." : "")
            for (pluginID, digest) in spec.plugins.pins where catalog.unmatchedPins.contains(pluginID) {
                validator.error(
                    at: digest.location,
                    "pin mismatch: no plugin library has the SHA-256 the graph pins for plugin '\(pluginID)' (\(digest.value)), so no plugin was loaded and no unverified code ran; \(list)",
                    hint: "if you rebuilt the plugin on purpose, copy the new pin from 'trellis plugins inspect <file.so>'; else find out who changed it")
            }
            return (nil, validator.diagnostics)
        }
        guard catalog.pinFailures.isEmpty else {
            for failure in catalog.pinFailures {
                let location = spec.plugins.pins.first { $0.plugin == failure.plugin }?.digest.location
                validator.error(at: location, "pinned plugin '\(failure.plugin)': \(failure.reason); no other plugin was loaded")
            }
            return (nil, validator.diagnostics)
        }
        for (entry, error) in zip(spec.plugins.load, loadErrors) {
            if let error { validator.error(at: entry.location, error.description) }
        }
        let graph = validator.run()
        for plugin in graph.usedPlugins {
            for warning in [plugin.exportWarning, plugin.changeWarning].compactMap({ $0 }) {
                validator.diagnostics.append(Diagnostic(.warning, file: spec.file, at: nil, warning))
            }
        }
        return (validator.diagnostics.hasErrors ? nil : graph, validator.diagnostics)
    }

    mutating func error(at location: SourceLocation?, _ message: String, hint: String? = nil) {
        diagnostics.append(Diagnostic(file: spec.file, at: location, message, hint: hint))
    }

    private mutating func run() -> ResolvedGraph {
        checkPins()
        checkFeeds()
        var types: [NodeType?] = []
        for node in spec.nodes { types.append(resolveType(node)) }
        var params = zip(spec.nodes, types).map { node, type in type.map { checkParams(node, $0) } ?? node.params }
        expandShadow(types: &types, params: &params)
        let kinds = types.map { $0?.kind }
        let inputs = spec.nodes.map { resolveInputs($0, kinds: kinds) }
        let gates = spec.nodes.enumerated().map { index, node in resolveGates(node, index: index) }
        checkOrderPaths(inputs: inputs, kinds: kinds)
        let order = topologicalOrder(inputs: inputs, gates: gates)
        var position = [Int](repeating: 0, count: spec.nodes.count)
        for (rank, index) in order.enumerated() { position[index] = rank }
        func remap(_ endpoint: ResolvedGraph.Endpoint) -> ResolvedGraph.Endpoint {
            if case .node(let index) = endpoint { return .node(position[index]) }
            return endpoint
        }
        let nodes: [ResolvedGraph.Node] = order.compactMap { index in
            guard let type = types[index] else { return nil }
            return ResolvedGraph.Node(
                spec: spec.nodes[index], type: type, params: params[index], inputs: inputs[index].map(remap),
                gates: gates[index].map { (position[$0.node], $0.labels) })
        }
        var shadow = ResolvedGraph.ShadowPlan()
        shadow.testers = spec.nodes.indices.filter { spec.nodes[$0].isTester && types[$0] != nil }.map { position[$0] }.sorted()
        shadow.challengers = challengerIndexes.map { entry in
            ResolvedGraph.ShadowPlan.Challenger(
                name: entry.name, replaces: entry.replaces, championSlots: entry.champion.map { position[$0] }.sorted(),
                challengerSlots: entry.challenger.map { position[$0] }.sorted(), paperBaseline: entry.paperBaseline)
        }
        return ResolvedGraph(spec: spec, catalog: catalog, nodes: nodes, shadow: shadow)
    }

    private mutating func checkPins() {
        for (pluginID, digest) in spec.plugins.pins {
            guard let plugin = catalog.plugin(id: pluginID) else {
                let known = catalog.plugins.map(\.id)
                let guess = Suggestion.phrase(for: pluginID, in: known)
                error(
                    at: digest.location, "pin for plugin '\(pluginID)', but no plugin with that id was found" + (guess.map { "; \($0)" } ?? ""),
                    hint: known.isEmpty ? "no plugins were found; check plugins.search" : "plugins found: \(known.joined(separator: ", "))")
                continue
            }
            let actual = "sha256:" + plugin.sha256
            if actual != digest.value {
                let failure = PluginLoadError(
                    .pinMismatch, path: plugin.path, plugin: pluginID, "pin mismatch: the library is \(actual), the graph pins \(digest.value)")
                error(
                    at: digest.location, failure.description, hint: "if you rebuilt it on purpose, update the pin from 'trellis plugins inspect \(plugin.path)'"
                )
            }
        }
    }

    private mutating func checkFeeds() {
        // One venue, one instrument per symbol: two feeds of one symbol would interleave two price
        // streams of one instrument (and fill orders on prices from the other file).
        var firstFeed: [String: GraphSpec.FeedSpec] = [:]
        for feed in spec.feeds {
            guard let first = firstFeed[feed.symbol] else {
                firstFeed[feed.symbol] = feed
                continue
            }
            let line = first.location.map { " (line \($0.line))" } ?? ""
            error(
                at: feed.location,
                "feeds '\(first.name)'\(line) and '\(feed.name)' both carry symbol '\(feed.symbol)'; one venue has one instrument per symbol",
                hint: "give each feed its own symbol: (symbol defaults to the feed's name), or remove one of them")
        }
        for feed in spec.feeds {
            guard let live = feed.live, let node = spec.nodes.first(where: { $0.name == live.value }) else {
                if let live = feed.live {
                    error(
                        at: live.location, "feed '\(feed.name)': live: '\(live.value)' names no node",
                        hint: "name the feed or broker node whose events of \(feed.symbol) should arrive as this feed's in paper and live runs")
                }
                continue
            }
            if let type = catalog.nodeTypes(matching: node.use.value).first, type.kind != .feed, type.kind != .broker {
                error(at: live.location, "feed '\(feed.name)': live: '\(live.value)' is a \(type.kind) node", hint: "name a feed or broker node")
            }
        }
        for feed in spec.feeds where FeedFiles.expand(spec.resolve(feed.path.value)).isEmpty {
            error(
                at: feed.path.location, "feed '\(feed.name)': data file \(spec.resolve(feed.path.value)) not found",
                hint: "paths are relative to the graph file")
        }
    }

    mutating func resolveType(_ node: GraphSpec.NodeSpec) -> NodeType? {
        guard !node.use.value.isEmpty else { return nil }  // already reported by the format check
        let matches = catalog.nodeTypes(matching: node.use.value)
        if matches.count == 1 { return matches[0] }
        if matches.count > 1 {
            let names = matches.map(\.qualifiedName)
            error(
                at: node.use.location,
                "node type '\(node.use.value)' of node '\(node.name)' is offered by \(matches.count) plugins: \(names.joined(separator: ", "))",
                hint: "write one of them in full, e.g. use: \(names[0])")
            return nil
        }
        let known = Set(catalog.nodeTypes.map(\.name))
        let guess = Suggestion.phrase(for: node.use.value, in: known.sorted())
        var hint =
            known.isEmpty
            ? "no plugins were found; build them (swift build) or set plugins.search" : "known node types: \(known.sorted().joined(separator: ", "))"
        if !catalog.skipped.isEmpty { hint += "; \(catalog.skipped.count) libraries failed to load (trellis plugins list shows why)" }
        error(at: node.use.location, "unknown node type '\(node.use.value)' of node '\(node.name)'" + (guess.map { "; \($0)" } ?? ""), hint: hint)
        return nil
    }

    mutating func checkParams(_ node: GraphSpec.NodeSpec, _ type: NodeType) -> ValueNode {
        let violations = type.schema.validate(node.params)
        defer {
            if violations.isEmpty, type.pluginID == "trellis", type.name == "ffi" { checkForeignFunction(node) }
            if type.pluginID == "trellis", type.name == "feature-csv", node.inputs.count > 1 {
                error(
                    at: node.inputs[1].location ?? node.location, "node '\(node.name)' (feature-csv) writes the vectors of one input, not \(node.inputs.count)",
                    hint: "the columns are one node's feature names; give each input its own feature-csv node and file")
            }
        }
        for violation in violations {
            let location = violation.location ?? node.params.location ?? node.location
            let subject = "node '\(node.name)'"
            if let key = violation.unknownKey {
                let guess = Suggestion.phrase(for: key, in: violation.allowedKeys)
                error(
                    at: location, "unknown parameter '\(key)' of \(subject) (\(type.name))" + (guess.map { "; \($0)" } ?? ""),
                    hint: violation.allowedKeys.isEmpty
                        ? "\(type.name) takes no parameters" : "its parameters: \(violation.allowedKeys.joined(separator: ", "))")
            } else {
                let path = violation.path.isEmpty ? "params" : "parameter '\(violation.path.joined(separator: "."))'"
                error(
                    at: location, "\(path) of \(subject) \(violation.message)", hint: "'trellis plugins inspect \(type.pluginPath)' shows the parameter schema")
            }
        }
        let params = type.schema.withDefaults(node.params)
        guard violations.isEmpty, type.pluginID == "trellis" else { return params }
        // Built-in nodes read files by the paths resolved here, wherever trellis runs from.
        switch type.name {
        case "ffi":
            return params.replacing("library", with: .string(FFILibrary.resolve(params["library"]?.string ?? "", graphDirectory: spec.directory)))
        case "feature-csv":
            return params.replacing("path", with: .string(spec.resolve(params["path"]?.string ?? "")))
        default:
            return params
        }
    }

    /// An ffi node: the library opens, the function exists, the signature parses, the
    /// arguments fit; each problem at the parameter (and the character) it concerns.
    private mutating func checkForeignFunction(_ node: GraphSpec.NodeSpec) {
        let (_, problems) = FFINodeConfig.read(node.params, graphDirectory: spec.directory)
        for problem in problems {
            error(at: location(of: problem.value, offset: problem.offset) ?? node.location, "node '\(node.name)': \(problem.message)", hint: problem.hint)
        }
    }

    /// Where character `offset` of a scalar's text is: past the opening quote of a quoted one.
    private func location(of value: ValueNode?, offset: Int) -> SourceLocation? {
        guard var location = value?.location else { return nil }
        guard offset > 0 else { return location }
        let lines = spec.text.split(separator: "\n", omittingEmptySubsequences: false)
        if location.line - 1 < lines.count, let first = lines[location.line - 1].dropFirst(location.column - 1).first, first == "\"" || first == "'" {
            location.column += 1
        }
        location.column += offset
        return location
    }

    private mutating func resolveInputs(_ node: GraphSpec.NodeSpec, kinds: [NodeKind?]) -> [ResolvedGraph.Endpoint] {
        guard let myIndex = spec.nodes.firstIndex(where: { $0.name == node.name }) else { return [] }
        let myKind = kinds[myIndex]
        return node.inputs.compactMap { input in
            let endpoint: ResolvedGraph.Endpoint
            let inputKind: NodeKind?
            if let feed = spec.feeds.firstIndex(where: { $0.name == input.value }) {
                (endpoint, inputKind) = (.feed(feed), .feed)
            } else if let other = spec.nodes.firstIndex(where: { $0.name == input.value }) {
                (endpoint, inputKind) = (.node(other), kinds[other])
            } else {
                let guess = Suggestion.phrase(for: input.value, in: spec.endpointNames)
                error(
                    at: input.location, "unknown input '\(input.value)' of node '\(node.name)'" + (guess.map { "; \($0)" } ?? ""),
                    hint: guess == nil ? "inputs name feeds (\(spec.feeds.map(\.name).joined(separator: ", "))) or other nodes" : nil)
                return nil
            }
            if let myKind, let inputKind, !myKind.acceptedInputs.contains(inputKind) {
                let allowed = NodeKind.allCases.filter { myKind.acceptedInputs.contains($0) }.map(\.description)
                error(
                    at: input.location, "node '\(node.name)' (\(myKind)) cannot take input from '\(input.value)' (\(inputKind))",
                    hint: allowed.isEmpty ? "\(myKind) nodes take no inputs" : "\(myKind) nodes take input from \(allowed.joined(separator: ", ")) nodes")
            }
            return endpoint
        }
    }

    private mutating func resolveGates(_ node: GraphSpec.NodeSpec, index: Int) -> [(node: Int, labels: [String])] {
        node.when.compactMap { gate in
            guard let target = spec.nodes.firstIndex(where: { $0.name == gate.node.value }) else {
                let isFeed = spec.feeds.contains { $0.name == gate.node.value }
                let guess = Suggestion.phrase(for: gate.node.value, in: spec.nodes.map(\.name))
                error(
                    at: gate.node.location,
                    "when of node '\(node.name)' refers to " + (isFeed ? "feed '\(gate.node.value)'" : "unknown node '\(gate.node.value)'")
                        + (guess.map { "; \($0)" } ?? ""),
                    hint: "when names a node that emits signals, e.g. when: { regime: ranging }")
                return nil
            }
            if target == index { error(at: gate.node.location, "node '\(node.name)' cannot be gated on itself") }
            return (target, gate.labels)
        }
    }

    /// An order takes one path: a strategy or risk node may feed at most one risk or broker node.
    /// A risk node that no orders reach guards nothing, which its operator would not learn
    /// otherwise.
    private mutating func checkOrderPaths(inputs: [[ResolvedGraph.Endpoint]], kinds: [NodeKind?]) {
        // A node whose inputs are missing, misspelt or of unknown types has been reported already.
        for (index, node) in spec.nodes.enumerated()
        where kinds[index] == .risk && !node.inputs.isEmpty && inputs[index].count == node.inputs.count
            && inputs[index].allSatisfy({ if case .node(let other) = $0 { kinds[other] != nil } else { true } })
        {
            let placers = inputs[index].contains { endpoint in
                if case .node(let other) = endpoint { return kinds[other]?.placesOrders == true }
                return false
            }
            if !placers {
                error(
                    at: node.location, "risk node '\(node.name)' receives no orders: none of its inputs is a strategy or risk node",
                    hint: "list the node whose orders it guards among its inputs, e.g. inputs: [\(node.inputs.first?.value ?? "feed"), trend]")
            }
        }
        for (index, node) in spec.nodes.enumerated() where kinds[index]?.placesOrders == true {
            let takers = spec.nodes.indices.filter { other in
                kinds[other]?.takesOrders == true && inputs[other].contains(.node(index))
            }
            if takers.count > 1 {
                let names = takers.map { "'\(spec.nodes[$0].name)'" }.joined(separator: " and ")
                error(
                    at: node.location, "orders of node '\(node.name)' would go to both \(names); an order takes one path",
                    hint: "chain them instead: \(node.name) → \(spec.nodes[takers[0]].name) → \(spec.nodes[takers[1]].name)")
            }
        }
    }

    /// Kahn's algorithm, ready nodes in file order; reports every cycle it finds.
    private mutating func topologicalOrder(inputs: [[ResolvedGraph.Endpoint]], gates: [[(node: Int, labels: [String])]]) -> [Int] {
        let count = spec.nodes.count
        var dependencies = [Set<Int>](repeating: [], count: count)
        for index in 0..<count {
            for case .node(let other) in inputs[index] { dependencies[index].insert(other) }
            for gate in gates[index] { dependencies[index].insert(gate.node) }
        }
        var order: [Int] = []
        var done = [Bool](repeating: false, count: count)
        while order.count < count {
            guard let next = (0..<count).first(where: { !done[$0] && dependencies[$0].allSatisfy { done[$0] } }) else { break }
            done[next] = true
            order.append(next)
        }
        if order.count < count { reportCycle(dependencies: dependencies, done: done) }
        return order
    }

    private mutating func reportCycle(dependencies: [Set<Int>], done: [Bool]) {
        var reported: Set<Int> = []
        for start in dependencies.indices where !done[start] && !reported.contains(start) {
            var path = [start]
            var current = start
            while let next = dependencies[current].sorted().first(where: { !done[$0] }), !path.contains(next) {
                path.append(next)
                current = next
            }
            guard let next = dependencies[current].sorted().first(where: { !done[$0] }), let loopStart = path.firstIndex(of: next) else { continue }
            // `loop` follows inputs backwards; reverse it so it reads the way events flow, and
            // start at the node written first.
            var flow = Array(path[loopStart...].reversed())
            guard reported.isDisjoint(with: flow) else { continue }
            reported.formUnion(flow)
            let firstIndex = flow.indices.min { flow[$0] < flow[$1] }!
            flow = Array(flow[firstIndex...] + flow[..<firstIndex])
            let names = (flow + [flow[0]]).map { spec.nodes[$0].name }
            let first = spec.nodes[flow[0]]
            error(at: first.location, "cycle: \(names.joined(separator: " → "))", hint: "events must flow one way; remove one of these inputs or gates")
        }
    }
}
