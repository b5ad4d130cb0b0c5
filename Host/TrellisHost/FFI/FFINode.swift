import TrellisSDK

/// The `ffi` node type: calls a C function of a shared library on every bar, by a signature the
/// graph declares, and emits what it yields as a feature vector (docs/ffi.md). Built into the
/// host; the graph checks everything about it before the run.
struct FFINode: Node {
    static let descriptor = NodeDescriptor(
        type: "ffi", kind: .model, version: "1.0.0", description: "Calls a C function of a shared library on every bar (docs/ffi.md).",
        parameters: ffiParameters)

    let context: NodeContext
    let call: FFICall
    let emitter: FeatureEmitter
    var failures = 0

    init(context: NodeContext, parameters: Parameters) throws(PluginError) {
        self.context = context
        let (value, _) = YAMLReader.read(parameters.json, file: "params")
        let (config, problems) = FFINodeConfig.read(value ?? ValueNode(.null), graphDirectory: "")
        guard let config else { throw PluginError(problems.map { $0.message }.joined(separator: "; ")) }
        call = config.call
        emitter = FeatureEmitter(names: config.names)
    }

    var warmupBars: Int? { call.warmup }

    mutating func onBar(_ bar: Bar) {
        let values = emitter.values
        switch call.call(bar, into: values.baseAddress!) {
        case .done:
            break
        case .warmingUp:
            for index in values.indices { values[index] = .nan }
        case .failed(let code):
            for index in values.indices { values[index] = .nan }
            failures += 1
            if failures <= 5 {
                context.log(
                    .warning,
                    "the function returned \(code) on the bar of \(Timestamp.format(bar.header.ts_ns - bar.period_ns)); its values are NaN"
                        + (failures == 5 ? " (further failures are not logged)" : ""))
            }
        }
        emitter.emit(context, for: bar)
    }
}

let ffiParameters = """
    {
      "type": "object",
      "required": ["library", "function", "signature", "arguments"],
      "additionalProperties": false,
      "properties": {
        "library": {"type": "string", "minLength": 1,
                    "description": "The shared library: a path relative to the graph file, or a name the system loader finds (libm.so.6)."},
        "function": {"type": "string", "minLength": 1, "description": "The exported C function to call."},
        "signature": {"type": "string", "minLength": 1,
                      "description": "Its C signature: double (double), int32 f(double[] x, int32 n, double[] out). Types: double, float, int32, int64, double[], int32[]."},
        "arguments": {"type": "array", "description": "One per parameter: close, close[20], out[1], time, a number or a list of numbers."},
        "outputs": {"type": "array", "items": {"type": "string", "minLength": 1}, "description": "Names of the values the call yields."}
      }
    }
    """
