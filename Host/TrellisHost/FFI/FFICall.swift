import TrellisSDK

/// One `ffi` node's calls, set up once: where each argument's value lives, the windows of bar
/// values it passes, and the arrays the function fills. A call copies the windows in, calls, and
/// reads the outputs out; nothing is allocated per bar.
final class FFICall {
    enum Outcome {
        /// Not enough bars yet for the longest window.
        case warmingUp
        case done
        /// The function returned this non-zero code.
        case failed(Int64)
    }

    let function: FFIFunction
    let arguments: [FFIArgument]
    /// Bars needed before the first call: the longest window.
    let warmup: Int
    /// Values each call yields: a double or float result first, then every out array's elements.
    let outputCount: Int
    private let slots: UnsafeMutableRawPointer
    private let pointers: UnsafeMutablePointer<UnsafeMutableRawPointer?>
    private let arrays: [UnsafeMutableRawPointer?]
    private let result: UnsafeMutableRawPointer
    private var windows: [RingBuffer?]
    /// The bar values the windows hold, in the order of `windows` (read once: `allCases` builds
    /// a new array each time it is asked).
    private let fields: [BarField]
    /// Per argument, its window in `windows` (0 for arguments without one).
    private let windowOfArgument: [Int]
    private var bars = 0

    init(function: FFIFunction, arguments: [FFIArgument]) {
        self.function = function
        self.arguments = arguments
        let parameters = function.signature.parameters
        let count = max(arguments.count, 1)
        slots = .allocate(byteCount: 8 * count, alignment: 8)
        slots.initializeMemory(as: UInt8.self, repeating: 0, count: 8 * count)
        pointers = .allocate(capacity: count)
        result = .allocate(byteCount: 16, alignment: 16)
        var arrays: [UnsafeMutableRawPointer?] = []
        let fields = BarField.allCases
        var longest = [Int](repeating: 0, count: fields.count)
        var windowOfArgument = [Int](repeating: 0, count: arguments.count)
        for (index, argument) in arguments.enumerated() {
            pointers[index] = slots + 8 * index
            let elementSize = parameters[index] == .array(.int32) ? 4 : 8
            var array: UnsafeMutableRawPointer?
            switch argument {
            case .window(let field, let n):
                array = .allocate(byteCount: n * 8, alignment: 8)
                windowOfArgument[index] = fields.firstIndex(of: field)!
                longest[windowOfArgument[index]] = max(longest[windowOfArgument[index]], n)
            case .output(let n):
                array = .allocate(byteCount: n * elementSize, alignment: 8)
                array!.initializeMemory(as: UInt8.self, repeating: 0, count: n * elementSize)
            case .constants(let values):
                array = .allocate(byteCount: values.count * elementSize, alignment: 8)
                for (offset, value) in values.enumerated() {
                    if elementSize == 4 {
                        array!.storeBytes(of: Int32(value), toByteOffset: offset * 4, as: Int32.self)
                    } else {
                        array!.storeBytes(of: value, toByteOffset: offset * 8, as: Double.self)
                    }
                }
            case .constant(let value):
                if case .scalar(let type) = parameters[index] { Self.store(value, as: type, at: slots + 8 * index) }
            case .latest, .time:
                break
            }
            if let array { (slots + 8 * index).storeBytes(of: array, as: UnsafeMutableRawPointer.self) }
            arrays.append(array)
        }
        self.arrays = arrays
        self.fields = fields
        self.windowOfArgument = windowOfArgument
        windows = longest.map { $0 > 0 ? RingBuffer(capacity: $0) : nil }
        warmup = max(longest.max() ?? 0, 1)
        var outputs = function.signature.result == .double || function.signature.result == .float ? 1 : 0
        for argument in arguments { if case .output(let n) = argument { outputs += n } }
        outputCount = outputs
    }

    deinit {
        for array in arrays { array?.deallocate() }
        slots.deallocate()
        pointers.deallocate()
        result.deallocate()
    }

    /// Feeds `bar`; once every window is full, calls the function and writes its outputs at `out`.
    func call(_ bar: Bar, into out: UnsafeMutablePointer<Double>) -> Outcome {
        bars += 1
        for index in windows.indices where windows[index] != nil {
            windows[index]!.push(fields[index].value(bar))
        }
        guard bars >= warmup else { return .warmingUp }
        let parameters = function.signature.parameters
        for (index, argument) in arguments.enumerated() {
            switch argument {
            case .latest(let field):
                if case .scalar(let type) = parameters[index] { Self.store(field.value(bar), as: type, at: slots + 8 * index) }
            case .time:
                (slots + 8 * index).storeBytes(of: bar.header.ts_ns - bar.period_ns, as: Int64.self)
            case .window(_, let n):
                let window = windows[windowOfArgument[index]].unsafelyUnwrapped
                let array = arrays[index].unsafelyUnwrapped.assumingMemoryBound(to: Double.self)
                for position in 0..<n { array[position] = window[back: n - 1 - position] }
            case .output, .constant, .constants:
                break
            }
        }
        result.storeBytes(of: 0, as: Int64.self)
        function.call(pointers, result: result)
        var next = out
        switch function.signature.result {
        case .double?:
            next.pointee = result.load(as: Double.self)
            next += 1
        case .float?:
            next.pointee = Double(result.load(as: Float.self))
            next += 1
        case .int32?:
            let code = result.load(as: Int32.self)
            if code != 0 { return .failed(Int64(code)) }
        case .int64?:
            let code = result.load(as: Int64.self)
            if code != 0 { return .failed(code) }
        case nil:
            break
        }
        for (index, argument) in arguments.enumerated() {
            guard case .output(let n) = argument, let array = arrays[index] else { continue }
            if parameters[index] == .array(.int32) {
                for position in 0..<n { next[position] = Double(array.load(fromByteOffset: position * 4, as: Int32.self)) }
            } else {
                for position in 0..<n { next[position] = array.load(fromByteOffset: position * 8, as: Double.self) }
            }
            next += n
        }
        return .done
    }

    private static func store(_ value: Double, as type: FFISignature.Scalar, at slot: UnsafeMutableRawPointer) {
        switch type {
        case .double: slot.storeBytes(of: value, as: Double.self)
        case .float: slot.storeBytes(of: Float(value), as: Float.self)
        case .int32: slot.storeBytes(of: Int32(clamping: Int64(clamping: value)), as: Int32.self)
        case .int64: slot.storeBytes(of: Int64(clamping: value), as: Int64.self)
        }
    }
}
