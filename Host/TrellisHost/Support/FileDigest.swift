import Crypto
import Foundation
import Synchronization

/// SHA-256 of files, for plugin pins and run provenance.
enum FileDigest {
    /// Lowercase hex SHA-256 of the file at `path`, or nil when it cannot be read.
    static func sha256(ofFile path: String) -> String? {
        guard let data = MappedFile.contents(atPath: path) else { return nil }
        return hex(SHA256.hash(data: data))
    }

    /// Lowercase hex SHA-256 of `parts` hashed one after the other.
    static func sha256(of parts: [Data]) -> String {
        var hasher = SHA256()
        for part in parts { hasher.update(data: part) }
        return hex(hasher.finalize())
    }

    /// The SHA-256 of a file, taken once, when first asked for; empty without a file.
    final class Deferred: Sendable {
        private let path: String?
        private let cached = Mutex<String?>(nil)

        init(path: String?) { self.path = path }

        var value: String {
            cached.withLock { cached in
                if let cached { return cached }
                let digest = path.flatMap { FileDigest.sha256(ofFile: $0) } ?? ""
                cached = digest
                return digest
            }
        }
    }

    static func hex(_ digest: some Sequence<UInt8>) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        for byte in digest {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}
