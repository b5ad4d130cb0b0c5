import Crypto

/// A SHA-256 over what nodes sent out through the host's network services, in order: a replay
/// that sends the same requests and messages has the same digest.
struct OutputDigest {
    private var hasher = SHA256()
    private(set) var count = 0

    mutating func add(kind: String, slot: Int, target: String, bytes: [UInt8]) {
        hasher.update(data: Array("\(kind) \(slot) \(target) \(bytes.count)\n".utf8))
        hasher.update(data: bytes)
        count += 1
    }

    func hex() -> String { FileDigest.hex(hasher.finalize()) }
}
