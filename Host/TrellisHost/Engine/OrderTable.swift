/// The orders in flight, by key: an open-addressed table with linear probing, a multiplicative
/// hash and backward-shift deletion. Few orders are live at once, and Dictionary's seeded SipHash
/// cost a tenth of a trading backtest's loop.
struct OrderTable {
    private var entries: [(key: OrderKey, record: OrderRecord)?]
    private var mask: Int
    private(set) var count = 0

    init() {
        entries = Array(repeating: nil, count: 16)
        mask = 15
    }

    subscript(key: OrderKey) -> OrderRecord? {
        get {
            guard let index = find(key) else { return nil }
            return entries[index]?.record
        }
        set {
            if let index = find(key) {
                if let newValue { entries[index]?.record = newValue } else { remove(at: index) }
            } else if let newValue {
                if (count + 1) * 2 > entries.count { grow() }
                insert((key, newValue))
            }
        }
    }

    /// Sets the state of the order `key`, in place (no copy of its record).
    mutating func setStatus(_ status: Int32, of key: OrderKey) {
        guard let index = find(key) else { return }
        entries[index]?.record.status = status
    }

    /// Every record, in no particular order.
    var values: [OrderRecord] { entries.compactMap { $0?.record } }

    private func home(_ key: OrderKey) -> Int {
        let mixed = (key.orderID ^ UInt64(key.origin) &* 0x9E37_79B9_7F4A_7C15) &* 0xBF58_476D_1CE4_E5B9
        return Int(truncatingIfNeeded: mixed >> 32) & mask
    }

    private func find(_ key: OrderKey) -> Int? {
        var index = home(key)
        while let entry = entries[index] {
            if entry.key == key { return index }
            index = (index + 1) & mask
        }
        return nil
    }

    private mutating func insert(_ entry: (key: OrderKey, record: OrderRecord)) {
        var index = home(entry.key)
        while entries[index] != nil { index = (index + 1) & mask }
        entries[index] = entry
        count += 1
    }

    /// Empties `slot` and moves later entries of the same run back, so no lookup meets a gap.
    private mutating func remove(at slot: Int) {
        entries[slot] = nil
        count -= 1
        var hole = slot
        var index = (slot + 1) & mask
        while let entry = entries[index] {
            if (index - home(entry.key)) & mask >= (index - hole) & mask {
                entries[hole] = entry
                entries[index] = nil
                hole = index
            }
            index = (index + 1) & mask
        }
    }

    private mutating func grow() {
        let old = entries
        entries = Array(repeating: nil, count: old.count * 2)
        mask = entries.count - 1
        count = 0
        for case let entry? in old { insert(entry) }
    }
}
