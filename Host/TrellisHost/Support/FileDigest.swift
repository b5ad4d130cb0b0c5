import Crypto
import Foundation
import Synchronization

/// SHA-256 of files, for plugin pins and run provenance.
enum FileDigest {
    /// Lowercase hex SHA-256 of the file at `path`, or nil when it cannot be read.
    static func sha256(ofFile path: String) -> String? {
        MappedFile.read(path) { hex(SHA256.hash(data: $0)) }
    }

    /// Lowercase hex SHA-256 of `parts` hashed one after the other.
    static func sha256(of parts: [Data]) -> String {
        var hasher = SHA256()
        for part in parts { hasher.update(data: part) }
        return hex(hasher.finalize())
    }

    /// The SHA-256 of an open file, taken once, when first asked for; empty without one. Owns
    /// the descriptor, which stays open as long as the digest may be asked for: the bytes hashed
    /// are those of the file that was opened, whatever the path names by then.
    final class Deferred: Sendable {
        let descriptor: Int32?
        private let cached = Mutex<String?>(nil)

        init(descriptor: Int32?) { self.descriptor = descriptor }

        deinit { if let descriptor { close(descriptor) } }

        var value: String {
            cached.withLock { cached in
                if let cached { return cached }
                let digest = descriptor.flatMap(FileDigest.sha256(ofDescriptor:)) ?? ""
                cached = digest
                return digest
            }
        }
    }

    /// Lowercase hex SHA-256 of everything in the open file `descriptor`, read from its start.
    static func sha256(ofDescriptor descriptor: Int32) -> String? {
        var hasher = SHA256()
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 16)
        defer { buffer.deallocate() }
        var offset: off_t = 0
        while true {
            let count = pread(descriptor, buffer.baseAddress, buffer.count, offset)
            if count < 0, errno == EINTR { continue }
            guard count >= 0 else { return nil }
            if count == 0 { break }
            hasher.update(bufferPointer: UnsafeRawBufferPointer(rebasing: buffer[..<count]))
            offset += off_t(count)
        }
        return hex(hasher.finalize())
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
