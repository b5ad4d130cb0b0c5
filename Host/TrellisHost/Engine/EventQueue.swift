import CTrellis

/// FIFO of event records copied from `emit`, drained after every callback. Records are 8-byte
/// aligned. The buffer grows when needed; a buffer replaced while an event from it is being
/// delivered stays alive until the queue is empty again.
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

    /// Takes the oldest record; valid until the queue is next emptied.
    mutating func pop() -> UnsafeMutablePointer<trellis_event_header>? {
        guard head < tail else {
            reset()
            return nil
        }
        let event = (buffer + head).assumingMemoryBound(to: trellis_event_header.self)
        head += (Int(event.pointee.size) + 7) & ~7
        return event
    }

    private mutating func reset() {
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
