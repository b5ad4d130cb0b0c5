import Foundation

/// Walks the lines of a buffer, counting them from 1; a CR before the LF is dropped.
struct LineCursor {
    let text: UnsafeBufferPointer<UInt8>
    let end: Int
    private var position = 0
    private var number = 0

    init(text: UnsafeBufferPointer<UInt8>, end: Int) {
        self.text = text
        self.end = end
    }

    mutating func next() -> (range: Range<Int>, number: Int)? {
        guard position < end else { return nil }
        let start = position
        let base = text.baseAddress!
        let stop = memchr(base + start, 10, end - start).map { UnsafeRawPointer($0) - UnsafeRawPointer(base) } ?? end
        position = stop + 1
        number += 1
        let upper = stop > start && text[stop - 1] == 13 ? stop - 1 : stop
        return (start..<upper, number)
    }
}
