/// The parameters of an `ffi` node, read and checked: the library opens, the function is in it,
/// the signature parses, the arguments fit it. Each problem is said at the parameter it concerns
/// (`at` gives the value and a character offset within it, for the signature).
struct FFINodeConfig {
    struct Problem {
        var value: ValueNode?
        var offset: Int
        var message: String
        var hint: String?
    }

    let library: String
    let call: FFICall
    let names: [String]

    /// Reads `params` (already checked against the node type's schema); relative library paths
    /// resolve from `graphDirectory`. Returns the configuration or every problem found.
    static func read(_ params: ValueNode, graphDirectory: String) -> (FFINodeConfig?, [Problem]) {
        var problems: [Problem] = []
        func problem(_ value: ValueNode?, _ message: String, offset: Int = 0, hint: String? = nil) {
            problems.append(Problem(value: value, offset: offset, message: message, hint: hint))
        }
        let libraryValue = params["library"], functionValue = params["function"], signatureValue = params["signature"]
        let argumentValues = params["arguments"]
        let library = FFILibrary.resolve(libraryValue?.string ?? "", graphDirectory: graphDirectory)
        let functionName = functionValue?.string ?? ""

        var signature: FFISignature?
        do {
            signature = try FFISignature.parse(signatureValue?.string ?? "")
        } catch {
            problem(
                signatureValue, "signature: \(error.message)", offset: error.offset,
                hint: "a signature reads like int32 zscore(double[] x, int32 n, double[] out)")
        }
        if let name = signature?.name, name != functionName {
            problem(
                signatureValue, "the signature names '\(name)' but function is '\(functionName)'", offset: signature?.nameOffset ?? 0,
                hint: "drop the name from the signature, or make them agree")
        }

        // Each argument on its own, so one bad argument hides nothing about the others.
        let items: [ValueNode] = if case .array(let list)? = argumentValues?.kind { list } else { [] }
        var parsed: [FFIArgument?] = []
        for (index, item) in items.enumerated() {
            switch FFIArgument.parse(item) {
            case .success(let argument): parsed.append(argument)
            case .failure(let error):
                parsed.append(nil)
                problem(item, "argument \(index + 1): \(error.message)")
            }
        }
        if let signature {
            if items.count != signature.parameters.count {
                problem(
                    argumentValues,
                    "\(count(items.count, "argument")) for \(count(signature.parameters.count, "parameter")) (\(signature.parameters.map(\.description).joined(separator: ", ")))",
                    hint: "give one argument per parameter, in order")
            } else {
                for (index, (argument, parameter)) in zip(parsed, signature.parameters).enumerated() {
                    if let mismatch = argument?.mismatch(with: parameter) { problem(items[index], "argument \(index + 1): \(mismatch)") }
                }
            }
        }
        let arguments = parsed.compactMap { $0 }

        // The values a call yields: a double or float result, then every out array's elements.
        var outputCount: Int?
        if let signature, arguments.count == items.count {
            outputCount =
                (signature.result == .double || signature.result == .float ? 1 : 0)
                + arguments.reduce(0) { total, argument in
                    if case .output(let n) = argument { total + n } else { total }
                }
        }
        let outputValue = params["outputs"]
        if outputCount == 0 {
            problem(signatureValue, "the function gives the graph no value", hint: "return a double, or fill an out[N] argument")
        }
        if let outputCount, outputCount > 0, case .array(let given)? = outputValue?.kind, given.count != outputCount {
            problem(
                outputValue, "\(count(given.count, "output name")) for \(count(outputCount, "value"))",
                hint: "name every value the call yields, the result first, then each out array's elements")
        }

        var address: UnsafeMutableRawPointer?
        do {
            address = try FFILibrary.function(functionName, in: library)
        } catch {
            let opened = !error.message.hasPrefix("cannot open")
            let file = opened ? FFILibrary.file(of: library) ?? library : library
            problem(
                opened ? functionValue : libraryValue, "\(error.message) (\(file))",
                hint: opened
                    ? "nm -D --defined-only \(file) lists its functions"
                    : "give a path relative to the graph file, or a library name the system loader finds (ldconfig -p)")
        }
        guard problems.isEmpty, let signature, let address else { return (nil, problems) }
        let function: FFIFunction
        do {
            function = try FFIFunction(address: address, signature: signature)
        } catch {
            return (nil, [Problem(value: signatureValue, offset: 0, message: error.message)])
        }
        let call = FFICall(function: function, arguments: arguments)
        var names = (0..<call.outputCount).map { call.outputCount == 1 ? functionName : "\(functionName).\($0)" }
        if case .array(let given)? = outputValue?.kind { names = given.map { $0.string ?? "" } }
        return (FFINodeConfig(library: library, call: call, names: names), [])
    }
}

/// "1 argument", "2 arguments".
private func count(_ number: Int, _ noun: String) -> String { "\(number) \(noun)\(number == 1 ? "" : "s")" }
