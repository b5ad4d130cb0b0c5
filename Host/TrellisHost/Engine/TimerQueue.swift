/// Pending timers, earliest first; ties fire in the order they were scheduled.
struct TimerQueue {
    struct Timer {
        var time: Int64
        var sequence: Int
        var slot: Int
        var id: UInt64
    }

    private var heap: [Timer] = []
    private var sequence = 0

    var next: Timer? { heap.first }

    /// Schedules `id` for `slot` at `time`, replacing a pending timer with the same id.
    mutating func schedule(slot: Int, id: UInt64, at time: Int64) {
        _ = cancel(slot: slot, id: id)
        sequence += 1
        heap.append(Timer(time: time, sequence: sequence, slot: slot, id: id))
        siftUp(heap.count - 1)
    }

    /// Removes the pending timer `id` of `slot`; false when there is none.
    mutating func cancel(slot: Int, id: UInt64) -> Bool {
        guard let index = heap.firstIndex(where: { $0.slot == slot && $0.id == id }) else { return false }
        heap.swapAt(index, heap.count - 1)
        heap.removeLast()
        if index < heap.count {
            siftDown(index)
            siftUp(index)
        }
        return true
    }

    mutating func pop() -> Timer? {
        guard !heap.isEmpty else { return nil }
        heap.swapAt(0, heap.count - 1)
        let first = heap.removeLast()
        if !heap.isEmpty { siftDown(0) }
        return first
    }

    private func before(_ a: Timer, _ b: Timer) -> Bool { (a.time, a.sequence) < (b.time, b.sequence) }

    private mutating func siftUp(_ start: Int) {
        var child = start
        while child > 0 {
            let parent = (child - 1) / 2
            guard before(heap[child], heap[parent]) else { return }
            heap.swapAt(child, parent)
            child = parent
        }
    }

    private mutating func siftDown(_ start: Int) {
        var parent = start
        while true {
            let left = 2 * parent + 1, right = left + 1
            var first = parent
            if left < heap.count, before(heap[left], heap[first]) { first = left }
            if right < heap.count, before(heap[right], heap[first]) { first = right }
            guard first != parent else { return }
            heap.swapAt(parent, first)
            parent = first
        }
    }
}
