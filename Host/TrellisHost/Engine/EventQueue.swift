import CTrellis

/// FIFO of event records copied from `emit`, drained after every callback. Records are 8-byte
/// aligned. A record stays where it is until the outermost drain ends (`reset`): delivering one
/// record drains what its consumers emit, and that nested drain must not reuse the space of the
/// record still being delivered. The buffer grows when needed; a buffer replaced meanwhile stays
/// alive until then too.
struct EventQueue {
    private(set) var buffer: UnsafeMutableRawPointer
    private var capacity: Int
    private var head = 0
    private var tail = 0
    private var retired: [UnsafeMutableRawPointer] = []

    init(capacity: Int = 64 * 1024) {
        self.capacity = capacity
        buffer = .allocate(byteCount: capacity, alignment: 16)
    }

    var isEmpty: Bool { head == tail }

    /// Copies `size` bytes of `event` to the end and returns the copy, for the host to stamp.
    @discardableResult
    mutating func append(_ event: UnsafeRawPointer, size: Int) -> UnsafeMutablePointer<trellis_event_header> {
        let slot = (size + 7) & ~7
        if tail + slot > capacity { grow(to: tail + slot) }
        let destination = buffer + tail
        destination.copyMemory(from: event, byteCount: size)
        tail += slot
        return destination.assumingMemoryBound(to: trellis_event_header.self)
    }

    /// Copies `size` bytes of `event` into zeroed space of at least `known` bytes and sets the
    /// copy's `header.size` to its new length: fields appended after the sender's ABI read as zero.
    @discardableResult
    mutating func append(_ event: UnsafeRawPointer, size: Int, paddedTo known: Int) -> UnsafeMutablePointer<trellis_event_header> {
        guard known > size else { return append(event, size: size) }
        let slot = (known + 7) & ~7
        if tail + slot > capacity { grow(to: tail + slot) }
        let destination = buffer + tail
        destination.copyMemory(from: event, byteCount: size)
        (destination + size).initializeMemory(as: UInt8.self, repeating: 0, count: known - size)
        tail += slot
        let copy = destination.assumingMemoryBound(to: trellis_event_header.self)
        copy.pointee.size = UInt32(known)
        return copy
    }

    /// Takes back the record `append` just returned (one the host refused after copying it).
    mutating func removeLast(_ event: UnsafeMutablePointer<trellis_event_header>) {
        tail = UnsafeMutableRawPointer(event) - buffer
    }

    /// Takes the oldest record; valid until `reset`.
    mutating func pop() -> UnsafeMutablePointer<trellis_event_header>? {
        guard head < tail else { return nil }
        let event = (buffer + head).assumingMemoryBound(to: trellis_event_header.self)
        head += (Int(event.pointee.size) + 7) & ~7
        return event
    }

    /// Reuses the space once every record is delivered (the outermost drain's end).
    mutating func reset() {
        guard head == tail else { return }
        head = 0
        tail = 0
        for old in retired { old.deallocate() }
        retired.removeAll(keepingCapacity: true)
    }

    private mutating func grow(to needed: Int) {
        var newCapacity = capacity * 2
        while newCapacity < needed { newCapacity *= 2 }
        let newBuffer = UnsafeMutableRawPointer.allocate(byteCount: newCapacity, alignment: 16)
        newBuffer.copyMemory(from: buffer, byteCount: tail)
        retired.append(buffer)
        buffer = newBuffer
        capacity = newCapacity
    }

    func release() {
        buffer.deallocate()
        for old in retired { old.deallocate() }
    }
}
