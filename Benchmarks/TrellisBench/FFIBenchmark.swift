import Foundation
import TrellisHost

/// What a call through the `ffi` node's libffi path costs against calling the same C function
/// through a typed function pointer, for a trivial function and for a 20-value z-score.
enum FFIBenchmark {
    typealias Scaled = @convention(c) (Float, Float) -> Float
    typealias ZScore = @convention(c) (UnsafePointer<Double>, Int32, UnsafeMutablePointer<Double>) -> Int32

    static func run(calls: Int) throws -> [Figure] {
        let library = try buildStatsLibrary()
        defer { try? FileManager.default.removeItem(atPath: library) }
        print("ffi: \(calls) calls per measurement, best of 5; library \(library)")
        print("function                     typed call   libffi call   ratio   libffi extra")

        let scaledAddress = try FFILibrary.function("scaled", in: library)
        let scaled = unsafeBitCast(scaledAddress, to: Scaled.self)
        let scaledFFI = try FFIFunction(address: scaledAddress, signature: try FFISignature.parse("float (float, float)"))
        let (price, factor): (Float, Float) = (101.5, 0.5)
        var sink: Float = 0
        let typedScaled = best { for _ in 0..<calls { sink += scaled(price, factor) } }
        let ffiScaled = withArguments([.float(price), .float(factor)]) { pointers in
            let result = UnsafeMutableRawPointer.allocate(byteCount: 16, alignment: 16)
            defer { result.deallocate() }
            return best {
                for _ in 0..<calls {
                    scaledFFI.call(pointers, result: result)
                    sink += result.load(as: Float.self)
                }
            }
        }
        var figures = report("scaled(float, float)", typed: typedScaled, ffi: ffiScaled, calls: calls)

        let zscoreAddress = try FFILibrary.function("zscore", in: library)
        let zscore = unsafeBitCast(zscoreAddress, to: ZScore.self)
        let zscoreFFI = try FFIFunction(address: zscoreAddress, signature: try FFISignature.parse("int32 (double[], int32, double[])"))
        let window = UnsafeMutablePointer<Double>.allocate(capacity: 20)
        let out = UnsafeMutablePointer<Double>.allocate(capacity: 1)
        defer { window.deallocate(); out.deallocate() }
        for index in 0..<20 { window[index] = 100 + Double(index % 7) }
        let count: Int32 = 20
        var total = 0.0
        let typedZ = best {
            for _ in 0..<calls {
                _ = zscore(window, count, out)
                total += out.pointee
            }
        }
        let ffiZ = withArguments([.pointer(UnsafeMutableRawPointer(window)), .int32(count), .pointer(UnsafeMutableRawPointer(out))]) { pointers in
            let result = UnsafeMutableRawPointer.allocate(byteCount: 16, alignment: 16)
            defer { result.deallocate() }
            return best {
                for _ in 0..<calls {
                    zscoreFFI.call(pointers, result: result)
                    total += out.pointee
                }
            }
        }
        figures += report("zscore(double[20], ...)", typed: typedZ, ffi: ffiZ, calls: calls)
        if sink == 0 || total == 0 { print("(results unused)") }
        return figures
    }

    /// The fastest of five runs of `body`, in seconds.
    static func best(_ body: () -> Void) -> Double {
        (0..<5).map { _ in
            let start = ContinuousClock.now
            body()
            return Bench.seconds(ContinuousClock.now - start)
        }.min()!
    }

    static func report(_ name: String, typed: Double, ffi: Double, calls: Int) -> [Figure] {
        let typedNs = typed / Double(calls) * 1e9, ffiNs = ffi / Double(calls) * 1e9
        let figures = String(format: "%7.2f ns   %8.2f ns   %4.1fx   %+6.2f ns", typedNs, ffiNs, ffiNs / typedNs, ffiNs - typedNs)
        print(name.padding(toLength: 28, withPad: " ", startingAt: 0) + " " + figures)
        return [Figure("ffi", name + ": typed call", typedNs, "ns"), Figure("ffi", name + ": libffi call", ffiNs, "ns")]
    }

    enum Argument {
        case float(Float)
        case int32(Int32)
        case pointer(UnsafeMutableRawPointer)
    }

    /// Calls `body` with one pointer per argument to a slot holding its value, as libffi takes them.
    static func withArguments<T>(_ values: [Argument], _ body: (UnsafeMutablePointer<UnsafeMutableRawPointer?>) -> T) -> T {
        let slots = UnsafeMutableRawPointer.allocate(byteCount: 8 * values.count, alignment: 8)
        let pointers = UnsafeMutablePointer<UnsafeMutableRawPointer?>.allocate(capacity: values.count)
        defer {
            slots.deallocate()
            pointers.deallocate()
        }
        for (index, value) in values.enumerated() {
            let slot = slots + 8 * index
            switch value {
            case .float(let number): slot.storeBytes(of: number, as: Float.self)
            case .int32(let number): slot.storeBytes(of: number, as: Int32.self)
            case .pointer(let address): slot.storeBytes(of: address, as: UnsafeMutableRawPointer.self)
            }
            pointers[index] = slot
        }
        return body(pointers)
    }

    /// Compiles Tests/Fixtures/ffi/stats.c with gcc -O2 into a temporary directory.
    static func buildStatsLibrary() throws -> String {
        let root = Bench.root
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("trellis-bench-\(getpid())-libstats.so").path
        let gcc = Process()
        gcc.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        gcc.arguments = ["gcc", "-shared", "-fPIC", "-O2", "-o", output, root.appendingPathComponent("Tests/Fixtures/ffi/stats.c").path, "-lm"]
        try gcc.run()
        gcc.waitUntilExit()
        guard gcc.terminationStatus == 0 else { throw FFIError("gcc could not build Tests/Fixtures/ffi/stats.c") }
        return output
    }
}
