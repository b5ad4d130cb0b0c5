import Glibc

/// Reads decimal numbers from bytes with the result `strtod` gives, several times faster.
///
/// Plain decimals (`535.60`, `0.0001`) of at most 19 digits whose digits make a number up to 2^53
/// and that have at most 22 after the point take Clinger's fast path: the digits and the power of
/// ten are both exact doubles, so one IEEE division rounds correctly, as strtod does. Everything
/// else (signs, exponents, more digits, hex, inf, nan) goes to strtod itself.
///
/// `plainPrefix` reads a number where it starts and says where it stops, so a CSV row's numbers
/// are read without first looking for the delimiters between them.
enum DecimalText {
    /// The number that is the whole of `bytes`, or nil when they are not exactly one number.
    static func value(_ bytes: UnsafeBufferPointer<UInt8>) -> Double? {
        guard let base = bytes.baseAddress, !bytes.isEmpty else { return nil }
        if let (value, next) = plainPrefix(base, from: 0, to: bytes.count), next == bytes.count { return value }
        return strtodValue(base, bytes.count)
    }

    /// The plain decimal that starts at `start` and where it stops, or nil when none starts there
    /// that the fast path can read. Stops at the first byte that is neither a digit nor the point.
    @inline(__always)
    static func plainPrefix(_ base: UnsafePointer<UInt8>, from start: Int, to end: Int) -> (value: Double, next: Int)? {
        var index = start
        var digits: UInt64 = 0
        while index < end, case let digit = base[index] &- 48, digit < 10 {
            digits = digits &* 10 &+ UInt64(digit)
            index += 1
        }
        var count = index - start
        var exponent = 0
        if index < end, base[index] == 46 {
            index += 1
            let fraction = index
            while index < end, case let digit = base[index] &- 48, digit < 10 {
                digits = digits &* 10 &+ UInt64(digit)
                index += 1
            }
            exponent = fraction - index
            count -= exponent
        }
        // More than 19 digits (leading zeros included) could have wrapped; strtod reads those.
        guard count > 0, count <= 19, digits <= 1 << 53, exponent >= -22 else { return nil }
        let mantissa = Double(digits)
        return (exponent < 0 ? mantissa / exactPowerOfTen(-exponent) : mantissa, index)
    }

    /// 10^power for 0 ≤ power ≤ 22, each exact in a double.
    @inline(__always)
    private static func exactPowerOfTen(_ power: Int) -> Double {
        switch power {
        case 0: 1e0
        case 1: 1e1
        case 2: 1e2
        case 3: 1e3
        case 4: 1e4
        case 5: 1e5
        case 6: 1e6
        case 7: 1e7
        case 8: 1e8
        case 9: 1e9
        case 10: 1e10
        case 11: 1e11
        case 12: 1e12
        case 13: 1e13
        case 14: 1e14
        case 15: 1e15
        case 16: 1e16
        case 17: 1e17
        case 18: 1e18
        case 19: 1e19
        case 20: 1e20
        case 21: 1e21
        default: 1e22
        }
    }

    /// strtod on a NUL-terminated copy, when the whole copy is one number.
    private static func strtodValue(_ base: UnsafePointer<UInt8>, _ count: Int) -> Double? {
        withUnsafeTemporaryAllocation(of: CChar.self, capacity: count + 1) { copy in
            let start = copy.baseAddress!
            UnsafeMutableRawPointer(start).copyMemory(from: base, byteCount: count)
            start[count] = 0
            var end: UnsafeMutablePointer<CChar>?
            let value = strtod(start, &end)
            return end == start + count ? value : nil
        }
    }
}
