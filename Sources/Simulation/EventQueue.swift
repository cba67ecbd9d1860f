/// What happens at an event. Raw values are the tie-break priority at equal times: request
/// flow first, then pods becoming ready, then metric samples, then controllers, so a
/// controller at time t sees every request event and sample of time t. The client kinds
/// (19 and up) come last: their times are drawn (round trips, jitter) or a fixed timeout after
/// a drawn time, so a tie with a sample, a sync or the end has probability zero. (An answer
/// arriving at the instant of its deadline counts as in time: `clientServed`.)
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
    /// A scheduled-scaling rule's window opens or closes (a = rule index): logged before a
    /// controller syncing at the same instant acts on it.
    case scheduleEdge = 7
    case controllerSync = 8
    /// A timed call's deadline (a = request, b = call id).
    case callTimeout = 9
    /// A retried attempt leaving after its backoff.
    case retry = 10
    case end = 11
    /// A station's timed job is due (a = station, b = job index).
    case job = 12
    /// A fault's window opens (a = fault index).
    case faultStart = 13
    /// A fault's window closes (a = fault index).
    case faultEnd = 14
    /// A pod of a `pod-crash` fault with a mean time between failures dies (a = fault index).
    case podCrash = 15
    /// A spot pod of a `spot-preemption` fault gets its notice (a = fault index).
    case spotPreemption = 16
    /// A preempted spot pod's notice ends: what it still holds is lost (a = fault index, b = pod).
    case spotNoticeEnd = 17
    /// A `database-failover` fault's replication lag before its start: the primary's writes
    /// from here on have not reached the replicas when it fails (a = fault index).
    case replicationMark = 18
    /// A client's attempt reaches the platform's entry (a = client attempt).
    case clientReach = 19
    /// The oldest open client attempt's deadline (the deadline queue's timer).
    case clientTimeout = 20
    /// A client sends its next attempt after the backoff (a = client user).
    case clientRetry = 21
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

/// A FIFO of events on a growable ring (no allocation once it has reached its high-water mark).
@usableFromInline
struct EventFIFO: Sendable {
    @usableFromInline var storage = ContiguousArray<Event>(repeating: Event(time: 0, order: 0, a: 0, b: 0), count: 64)
    @usableFromInline var head = 0
    @usableFromInline var count = 0

    @inline(__always)
    mutating func push(_ e: Event) {
        if count == storage.count { grow() }
        var tail = head + count
        if tail >= storage.count { tail -= storage.count }
        storage[tail] = e
        count += 1
    }

    @inline(__always)
    mutating func removeFirst() {
        head += 1
        if head == storage.count { head = 0 }
        count -= 1
    }

    mutating func grow() {
        var bigger = ContiguousArray<Event>()
        bigger.reserveCapacity(storage.count * 2)
        for i in 0..<count { bigger.append(storage[(head + i) % storage.count]) }
        bigger.append(contentsOf: repeatElement(storage[0], count: storage.count * 2 - count))
        storage = bigger
        head = 0
    }

    func forEach(_ body: (Event) -> Void) {
        for i in 0..<count { body(storage[(head + i) % storage.count]) }
    }
}

/// The future event list: a binary min-heap ordered by (time, priority, sequence), beside
/// *lanes* — FIFOs for events that are always scheduled a fixed delay after the current time
/// (a hop, a call's timeout). Such events arrive in order, so a lane keeps them sorted for
/// free, and the heap holds only events with random delays (service completions). Popping
/// takes the least of the heap's top and the lanes' heads by the same key, so the order of
/// events is exactly a single heap's.
///
/// swift-collections' `Heap` leaves the order of equal elements unspecified; this queue's
/// keys are never equal (the sequence number is unique), so the order is total.
public struct EventQueue: Sendable {
    @usableFromInline var heap: ContiguousArray<Event> = []
    @usableFromInline var lanes: [EventFIFO] = []
    @usableFromInline var nextSequence: UInt64 = 0

    public init(capacity: Int = 1024) { heap.reserveCapacity(capacity) }

    public var count: Int { heap.count + lanes.reduce(0) { $0 + $1.count } }
    public var isEmpty: Bool { count == 0 }
    public var scheduled: UInt64 { nextSequence }

    /// A new lane for events scheduled at `now + d` for one fixed `d` (and one kind), with a
    /// clock that never goes back: their times never decrease, so FIFO order is time order.
    public mutating func addLane() -> Int {
        lanes.append(EventFIFO())
        return lanes.count - 1
    }

    @inline(__always)
    public mutating func schedule(_ kind: EventKind, at time: Double, _ a: Int32 = 0, _ b: Int32 = 0) {
        let e = Event(time: time, order: UInt64(kind.rawValue) << 56 | nextSequence, a: a, b: b)
        nextSequence &+= 1
        heap.append(e)
        siftUp(heap.count - 1)
    }

    /// Schedules on a lane: `time` must not be earlier than the lane's last event.
    @inline(__always)
    public mutating func schedule(_ kind: EventKind, lane: Int, at time: Double, _ a: Int32 = 0, _ b: Int32 = 0) {
        let e = Event(time: time, order: UInt64(kind.rawValue) << 56 | nextSequence, a: a, b: b)
        nextSequence &+= 1
        lanes[lane].push(e)
    }

    @inline(__always)
    public mutating func pop() -> Event? {
        // The lane whose head comes first, if one comes before the heap's top.
        var lane: Int?
        var best = heap.first
        for i in lanes.indices where lanes[i].count > 0 {
            let e = lanes[i].storage[lanes[i].head]
            if best == nil || e < best! { best = e; lane = i }
        }
        guard let lane else { return popHeap() }
        lanes[lane].removeFirst()
        return best
    }

    @inline(__always)
    mutating func popHeap() -> Event? {
        guard let last = heap.popLast() else { return nil }
        guard !heap.isEmpty else { return last }
        let top = heap[0]
        heap[0] = last
        siftDown(0)
        return top
    }

    /// Takes out every event `match` selects and returns them in the order they would have
    /// been popped (a pod that dies takes its completions with it). Off the hot path: it rebuilds
    /// the heap, which pops the rest in the same order since every key is unique.
    public mutating func removeAll(where match: (Event) -> Bool) -> [Event] {
        var taken: [Event] = []
        var kept = ContiguousArray<Event>()
        kept.reserveCapacity(heap.count)
        for e in heap { if match(e) { taken.append(e) } else { kept.append(e) } }
        if taken.isEmpty { return [] }
        heap = []
        for e in kept { heap.append(e); siftUp(heap.count - 1) }
        return taken.sorted { $0 < $1 }
    }

    /// Every scheduled event, in no particular order (for censuses and invariant checks).
    public func forEach(_ body: (Event) -> Void) {
        for e in heap { body(e) }
        for l in lanes { l.forEach(body) }
    }

    /// Whether every lane is in (time, order) order: the lanes' precondition.
    public var lanesInOrder: Bool {
        lanes.allSatisfy { l in
            var previous: Event?, ok = true
            l.forEach { e in if let p = previous, e < p { ok = false }; previous = e }
            return ok
        }
    }

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
