import CFFI

/// A C function called through libffi by a signature known only at run time. Preparing the call
/// description happens once; each call then costs libffi's dispatch (docs/ffi.md measures it
/// against a typed call).
public final class FFIFunction: @unchecked Sendable {
    public let signature: FFISignature
    private let address: UnsafeMutableRawPointer
    private let description: UnsafeMutablePointer<ffi_cif>
    private let types: UnsafeMutablePointer<UnsafeMutablePointer<ffi_type>?>

    /// Prepares calls to the function at `address`.
    public init(address: UnsafeMutableRawPointer, signature: FFISignature) throws(FFIError) {
        self.address = address
        self.signature = signature
        description = .allocate(capacity: 1)
        description.initialize(to: ffi_cif())
        types = .allocate(capacity: max(signature.parameters.count, 1))
        for (index, parameter) in signature.parameters.enumerated() {
            switch parameter {
            case .scalar(let scalar): types[index] = Self.type(scalar)
            case .array: types[index] = trellis_ffi_pointer()
            }
        }
        let result = signature.result.map(Self.type) ?? trellis_ffi_void()
        let status = trellis_ffi_prepare(description, UInt32(signature.parameters.count), result, types)
        guard status == FFI_OK else {
            description.deallocate()
            types.deallocate()
            throw FFIError("libffi cannot prepare a call of this signature (status \(status.rawValue))")
        }
    }

    deinit {
        description.deallocate()
        types.deallocate()
    }

    /// Calls the function. `arguments` holds one pointer per parameter, to where its value is (for
    /// an array, to where the array's address is); the result is written at `result`, which must
    /// hold at least 8 bytes (libffi widens small integer results).
    @inline(__always)
    public func call(_ arguments: UnsafeMutablePointer<UnsafeMutableRawPointer?>, result: UnsafeMutableRawPointer) {
        ffi_call(description, unsafeBitCast(address, to: (@convention(c) () -> Void).self), result, arguments)
    }

    private static func type(_ scalar: FFISignature.Scalar) -> UnsafeMutablePointer<ffi_type> {
        switch scalar {
        case .double: trellis_ffi_double()
        case .float: trellis_ffi_float()
        case .int32: trellis_ffi_sint32()
        case .int64: trellis_ffi_sint64()
        }
    }
}

public struct FFIError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
