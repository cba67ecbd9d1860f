/// A FIFO of request indices on a growable ring: amortised O(1), and after warm-up the
/// storage has reached its high-water mark, so pushes and pops allocate nothing.
public struct RingBuffer: Sendable {
    @usableFromInline var storage: ContiguousArray<Int32>
    @usableFromInline var head = 0
    public private(set) var count = 0

    public init(capacity: Int = 16) { storage = ContiguousArray(repeating: 0, count: max(1, capacity)) }

    public var isEmpty: Bool { count == 0 }

    /// The oldest element, left in place.
    public var first: Int32? { count > 0 ? storage[head] : nil }

    @inline(__always)
    public mutating func push(_ x: Int32) {
        if count == storage.count { grow() }
        var tail = head + count
        if tail >= storage.count { tail -= storage.count }
        storage[tail] = x
        count += 1
    }

    @inline(__always)
    public mutating func pop() -> Int32? {
        guard count > 0 else { return nil }
        let x = storage[head]
        head += 1
        if head == storage.count { head = 0 }
        count -= 1
        return x
    }

    /// Visits the queued indices, oldest first (for the end-of-run census, not the hot path).
    func forEach(_ body: (Int32) -> Void) {
        for i in 0..<count { body(storage[(head + i) % storage.count]) }
    }

    mutating func grow() {
        var bigger = ContiguousArray<Int32>(repeating: 0, count: storage.count * 2)
        for i in 0..<count { bigger[i] = storage[(head + i) % storage.count] }
        storage = bigger
        head = 0
    }
}
