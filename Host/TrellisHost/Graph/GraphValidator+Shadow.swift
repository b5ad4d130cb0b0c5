/// The `shadow:` section (docs/shadow.md): each challenger becomes a copy of the node it replaces
/// and of every node downstream of it, in a branch of its own; testers become observer nodes.
extension GraphValidator {
    /// Appends the challengers' copies and the testers to `spec.nodes` (and their types and
    /// checked params), and notes which nodes make up each side of each comparison.
    mutating func expandShadow(types: inout [NodeType?], params: inout [ValueNode]) {
        let own = spec.nodes.count
        for (offset, challenger) in spec.shadow.challengers.enumerated() {
            guard let replaced = replacedNode(of: challenger, among: own, types: types) else { continue }
            let side = downstream(of: replaced, among: own, types: types)
            let names = Set(side.map { spec.nodes[$0].name })
            let replacedName = spec.nodes[replaced].name
            let rename = { (name: String) in name == replacedName ? challenger.name : "\(challenger.name)/\(name)" }
            var copies: [Int] = []
            for index in side {
                var copy = spec.nodes[index]
                copy.name = rename(copy.name)
                copy.branch = offset + 1
                copy.standsFor = spec.nodes[index].name
                copy.inputs = copy.inputs.map { names.contains($0.value) ? Located(rename($0.value), at: $0.location) : $0 }
                copy.when = copy.when.map { gate in
                    var gate = gate
                    if names.contains(gate.node.value) { gate.node = Located(rename(gate.node.value), at: gate.node.location) }
                    return gate
                }
                var type = types[index]
                var checked = params[index]
                if index == replaced {
                    copy.location = challenger.location
                    if let use = challenger.use {
                        copy.use = use
                        type = resolveType(copy)
                    }
                    let sameType = type?.qualifiedName == types[index]?.qualifiedName
                    copy.params = sameType ? copy.params.overriding(with: challenger.params) : challenger.params
                    checked = type.map { checkParams(copy, $0) } ?? copy.params
                }
                copies.append(spec.nodes.count)
                spec.nodes.append(copy)
                types.append(type)
                params.append(checked)
            }
            challengerIndexes.append((challenger.name, spec.nodes[replaced].name, side, copies, challenger.paperBaseline))
        }
        for tester in spec.shadow.testers {
            var node = tester
            node.isTester = true
            let type = resolveType(node)
            if let type, type.kind != .observer {
                error(
                    at: node.use.location, "shadow tester '\(node.name)' uses '\(type.name)', a \(type.kind) node type; a tester is an observer",
                    hint: "use: ab-shadow; a challenger entry names the node it replaces (replaces: ...)")
            }
            spec.nodes.append(node)
            types.append(type)
            params.append(type.map { checkParams(node, $0) } ?? node.params)
        }
        if !spec.shadow.testers.isEmpty, spec.shadow.challengers.isEmpty, let first = spec.shadow.testers.first {
            error(
                at: first.location, "shadow tester '\(first.name)' has no challenger to judge",
                hint: "add a challenger under shadow:, e.g. wide: { replaces: grid, params: { levels: 20 } }")
        }
    }

    /// The index of the node `challenger` replaces, or nil (reported) when it names none or one
    /// that cannot be replaced.
    private mutating func replacedNode(of challenger: GraphSpec.Challenger, among own: Int, types: [NodeType?]) -> Int? {
        let name = challenger.replaces.value
        guard let index = spec.nodes.prefix(own).firstIndex(where: { $0.name == name }) else {
            let guess = Suggestion.phrase(for: name, in: spec.nodes.prefix(own).map(\.name))
            error(
                at: challenger.replaces.location, "challenger '\(challenger.name)' replaces unknown node '\(name)'" + (guess.map { "; \($0)" } ?? ""),
                hint: guess == nil ? "replaces names a node under nodes:" : nil)
            return nil
        }
        guard let kind = types[index]?.kind else { return nil }  // its type's problem is reported
        guard [.model, .strategy, .risk].contains(kind) else {
            error(
                at: challenger.replaces.location, "challenger '\(challenger.name)' replaces '\(name)', \(kind == .observer ? "an" : "a") \(kind) node",
                hint: "a challenger replaces a model, strategy or risk node; its orders always fill on the simulated venue")
            return nil
        }
        return index
    }

    /// `start` and every model, strategy and risk node that takes its output or is gated on it,
    /// directly or through others, in file order. Brokers and observers stay the champion's.
    private func downstream(of start: Int, among own: Int, types: [NodeType?]) -> [Int] {
        var inside = [Bool](repeating: false, count: own)
        inside[start] = true
        var names: Set<String> = [spec.nodes[start].name]
        var grew = true
        while grew {
            grew = false
            for index in 0..<own where !inside[index] {
                guard let kind = types[index]?.kind, kind != .broker, kind != .observer else { continue }
                let node = spec.nodes[index]
                if node.inputs.contains(where: { names.contains($0.value) }) || node.when.contains(where: { names.contains($0.node.value) }) {
                    inside[index] = true
                    names.insert(node.name)
                    grew = true
                }
            }
        }
        return (0..<own).filter { inside[$0] }
    }
}
