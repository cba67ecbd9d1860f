/// What happens at an event. Raw values are the tie-break priority at equal times: request
/// flow first, then pods becoming ready, then metric samples, then controllers, so a
/// controller at time t sees every request event and sample of time t.
public enum EventKind: UInt8, Sendable {
    case arrival = 0
    case hopArrival = 1
    /// A side visit (a database query) reaching its station.
    case visit = 2
    case serviceDone = 3
    /// A timed job's work done (a = station, b = request): request flow, like `serviceDone`.
    case jobDone = 4
    case podReady = 5
    case sample = 6
    case controllerSync = 7
    /// A timed call's deadline (a = request, b = call id).
    case callTimeout = 8
    /// A retried attempt leaving after its backoff.
    case retry = 9
    case end = 10
    /// A station's timed job is due (a = station, b = job index).
    case job = 11
}

/// One scheduled event: 24 bytes, no references, so the heap never allocates per event.
public struct Event: Sendable {
    public var time: Double
    /// Priority in the top 8 bits, sequence number below: ties break by kind, then by the
    /// order scheduled (SimPy's (time, priority, id)), so reruns are identical.
    @usableFromInline var order: UInt64
    /// Kind-specific operands: station, pod, request index.
    public var a: Int32
    public var b: Int32

    public var kind: EventKind { EventKind(rawValue: UInt8(order >> 56))! }
    public var sequence: UInt64 { order & 0x00FF_FFFF_FFFF_FFFF }

    @inline(__always)
    static func < (l: Event, r: Event) -> Bool { l.time < r.time || (l.time == r.time && l.order < r.order) }
}

/// A binary min-heap of events ordered by (time, priority, sequence).
///
/// swift-collections' `Heap` leaves the order of equal elements unspecified; this heap's
/// keys are never equal (the sequence number is unique), so the order is total.
public struct EventQueue: Sendable {
    @usableFromInline var heap: ContiguousArray<Event> = []
    @usableFromInline var nextSequence: UInt64 = 0

    public init(capacity: Int = 1024) { heap.reserveCapacity(capacity) }

    public var count: Int { heap.count }
    public var isEmpty: Bool { heap.isEmpty }
    public var scheduled: UInt64 { nextSequence }

    @inline(__always)
    public mutating func schedule(_ kind: EventKind, at time: Double, _ a: Int32 = 0, _ b: Int32 = 0) {
        let e = Event(time: time, order: UInt64(kind.rawValue) << 56 | nextSequence, a: a, b: b)
        nextSequence &+= 1
        heap.append(e)
        siftUp(heap.count - 1)
    }

    @inline(__always)
    public mutating func pop() -> Event? {
        guard let last = heap.popLast() else { return nil }
        guard !heap.isEmpty else { return last }
        let top = heap[0]
        heap[0] = last
        siftDown(0)
        return top
    }

    public func peek() -> Event? { heap.first }

    @inline(__always)
    mutating func siftUp(_ start: Int) {
        var i = start
        let e = heap[i]
        while i > 0 {
            let parent = (i - 1) >> 1
            guard e < heap[parent] else { break }
            heap[i] = heap[parent]
            i = parent
        }
        heap[i] = e
    }

    @inline(__always)
    mutating func siftDown(_ start: Int) {
        var i = start
        let n = heap.count
        let e = heap[i]
        while true {
            let l = 2 * i + 1
            if l >= n { break }
            let r = l + 1
            let c = r < n && heap[r] < heap[l] ? r : l
            guard heap[c] < e else { break }
            heap[i] = heap[c]
            i = c
        }
        heap[i] = e
    }
}
