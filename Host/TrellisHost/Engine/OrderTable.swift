/// The orders in flight: each record lives once, in an arena (a contiguous array whose freed
/// places are reused), and an open-addressed index (linear probing, a multiplicative hash,
/// backward-shift deletion) maps an order's key to its place. The order path reads and changes a
/// record where it lives, by place, instead of copying it out and back; Dictionary's seeded
/// SipHash, and copies of whole records (an intent, its risk path), cost a tenth of a trading
/// backtest's loop each.
struct OrderTable {
    /// Places in the arena by key; `Self.empty` marks a free bucket.
    private var buckets: [Int32]
    private var bucketKeys: [OrderKey]
    private var mask: Int
    private(set) var count = 0

    /// The arena: records by place, and which places hold a live order.
    private var records: [OrderRecord] = []
    private var live: [Bool] = []
    private var freePlaces: [Int32] = []

    private static let empty: Int32 = -1

    init() {
        buckets = Array(repeating: Self.empty, count: 16)
        bucketKeys = Array(repeating: OrderKey(origin: 0, orderID: 0), count: 16)
        mask = 15
    }

    /// The place of order `key`, or nil when no such order is in flight.
    func place(of key: OrderKey) -> Int? {
        guard let bucket = find(key) else { return nil }
        return Int(buckets[bucket])
    }

    /// The record at `place` (from `place(of:)` or `insert`), read and changed where it lives.
    /// Valid until the order is removed. Never hold it across a call into a node: a node's call
    /// back into the host may change the table.
    subscript(place place: Int) -> OrderRecord {
        _read {
            assert(live[place], "order place \(place) was freed")
            yield records[place]
        }
        _modify {
            assert(live[place], "order place \(place) was freed")
            yield &records[place]
        }
    }

    /// A copy of order `key`'s record; setting nil removes the order. For the paths off the
    /// hot loop (recovery, the status page, brokers' reports).
    subscript(key: OrderKey) -> OrderRecord? {
        get { place(of: key).map { records[$0] } }
        set {
            if let newValue {
                if let place = place(of: key) { records[place] = newValue } else { insert(newValue, for: key) }
            } else {
                remove(key)
            }
        }
    }

    /// Adds order `key` (not in the table) and returns its place.
    @discardableResult
    mutating func insert(_ record: OrderRecord, for key: OrderKey) -> Int {
        let place: Int
        if let reused = freePlaces.popLast() {
            place = Int(reused)
            records[place] = record
            live[place] = true
        } else {
            place = records.count
            records.append(record)
            live.append(true)
        }
        if (count + 1) * 2 > buckets.count { grow() }
        insertBucket(key, place: Int32(place))
        return place
    }

    /// Removes order `key`; its place is reused by a later order.
    mutating func remove(_ key: OrderKey) {
        guard let bucket = find(key) else { return }
        let place = Int(buckets[bucket])
        removeBucket(at: bucket)
        live[place] = false
        // The risk path's storage goes now, not when the place is reused.
        records[place].path = []
        freePlaces.append(Int32(place))
    }

    /// Sets the state of the order `key`, in place.
    mutating func setStatus(_ status: Int32, of key: OrderKey) {
        guard let place = place(of: key) else { return }
        records[place].status = status
    }

    /// Every live record, in no particular order.
    var values: [OrderRecord] { records.indices.filter { live[$0] }.map { records[$0] } }

    private func home(_ key: OrderKey) -> Int {
        let mixed = (key.orderID ^ UInt64(key.origin) &* 0x9E37_79B9_7F4A_7C15) &* 0xBF58_476D_1CE4_E5B9
        return Int(truncatingIfNeeded: mixed >> 32) & mask
    }

    private func find(_ key: OrderKey) -> Int? {
        var bucket = home(key)
        while buckets[bucket] != Self.empty {
            if bucketKeys[bucket] == key { return bucket }
            bucket = (bucket + 1) & mask
        }
        return nil
    }

    private mutating func insertBucket(_ key: OrderKey, place: Int32) {
        var bucket = home(key)
        while buckets[bucket] != Self.empty { bucket = (bucket + 1) & mask }
        buckets[bucket] = place
        bucketKeys[bucket] = key
        count += 1
    }

    /// Empties `bucket` and moves later buckets of the same run back, so no lookup meets a gap.
    private mutating func removeBucket(at bucket: Int) {
        buckets[bucket] = Self.empty
        count -= 1
        var hole = bucket
        var index = (bucket + 1) & mask
        while buckets[index] != Self.empty {
            if (index - home(bucketKeys[index])) & mask >= (index - hole) & mask {
                buckets[hole] = buckets[index]
                bucketKeys[hole] = bucketKeys[index]
                buckets[index] = Self.empty
                hole = index
            }
            index = (index + 1) & mask
        }
    }

    private mutating func grow() {
        let (oldBuckets, oldKeys) = (buckets, bucketKeys)
        buckets = Array(repeating: Self.empty, count: oldBuckets.count * 2)
        bucketKeys = Array(repeating: OrderKey(origin: 0, orderID: 0), count: oldBuckets.count * 2)
        mask = buckets.count - 1
        count = 0
        for (bucket, place) in oldBuckets.enumerated() where place != Self.empty { insertBucket(oldKeys[bucket], place: place) }
    }
}
