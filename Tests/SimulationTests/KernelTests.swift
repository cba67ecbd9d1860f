import Testing
@testable import Simulation

@Suite("Event kernel")
struct KernelTests {
    @Test("events pop by time, then kind priority, then the order scheduled")
    func trace() {
        var q = EventQueue()
        q.schedule(.sample, at: 2, 1)
        q.schedule(.arrival, at: 2, 2)
        q.schedule(.serviceDone, at: 1, 3)
        q.schedule(.arrival, at: 2, 4)
        q.schedule(.controllerSync, at: 2, 5)
        q.schedule(.serviceDone, at: 1, 6)
        var trace: [(EventKind, Double, Int32)] = []
        while let e = q.pop() { trace.append((e.kind, e.time, e.a)) }
        #expect(trace.map(\.2) == [3, 6, 2, 4, 1, 5])
        #expect(trace.map(\.1) == [1, 1, 2, 2, 2, 2])
    }

    @Test("a thousand equal-time events come out in the order scheduled")
    func fifoTies() {
        var q = EventQueue()
        for i in 0..<1000 { q.schedule(.arrival, at: 5, Int32(i)) }
        var out: [Int32] = []
        while let e = q.pop() { out.append(e.a) }
        #expect(out == Array(0..<1000))
    }

    @Test("random times pop sorted (heap property)")
    func sorted() {
        var q = EventQueue()
        var x: UInt64 = 88172645463325252
        var times: [Double] = []
        for _ in 0..<5000 {
            x ^= x << 13; x ^= x >> 7; x ^= x << 17
            let t = Double(x % 100_000) / 100
            times.append(t)
            q.schedule(.arrival, at: t)
        }
        var out: [Double] = []
        while let e = q.pop() { out.append(e.time) }
        #expect(out == times.sorted())
    }

    @Test("lanes and the heap together pop in exactly a single heap's order")
    func lanesMatchOneHeap() {
        // A simulation-like schedule: a clock that only moves forward, random-delay events on
        // the heap, and two fixed delays on lanes (a hop at +2 ms, a timeout at +3 s, both of
        // which tie with heap events at times), interleaved with pops.
        var mixed = EventQueue(), single = EventQueue()
        let hop = mixed.addLane(), timeout = mixed.addLane()
        var x: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next() -> UInt64 { x ^= x << 13; x ^= x >> 7; x ^= x << 17; return x }
        var now = 0.0
        var fromMixed: [(Double, EventKind, Int32)] = [], fromSingle: [(Double, EventKind, Int32)] = []
        for i in 0..<20_000 {
            let id = Int32(i)
            switch next() % 4 {
            case 0:
                mixed.schedule(.hopArrival, lane: hop, at: now + 0.002, id); single.schedule(.hopArrival, at: now + 0.002, id)
            case 1:
                mixed.schedule(.callTimeout, lane: timeout, at: now + 3, id); single.schedule(.callTimeout, at: now + 3, id)
            default:
                // Delays on a 1 ms grid, so heap events tie with lane events at equal times.
                let t = now + Double(next() % 4000) / 1000
                mixed.schedule(.serviceDone, at: t, id); single.schedule(.serviceDone, at: t, id)
            }
            if next() % 2 == 0, let a = mixed.pop(), let b = single.pop() {
                fromMixed.append((a.time, a.kind, a.a)); fromSingle.append((b.time, b.kind, b.a))
                now = a.time
            }
        }
        #expect(mixed.lanesInOrder)
        while let a = mixed.pop() { fromMixed.append((a.time, a.kind, a.a)) }
        while let b = single.pop() { fromSingle.append((b.time, b.kind, b.a)) }
        #expect(fromMixed.count == 20_000)
        #expect(fromMixed.map(\.2) == fromSingle.map(\.2))
        #expect(fromMixed.map(\.0) == fromSingle.map(\.0))
    }

    @Test("the ring buffer is FIFO across growth and wrap-around")
    func ring() {
        var r = RingBuffer(capacity: 2)
        var model: [Int32] = []
        for i in 0..<100 {
            r.push(Int32(i)); model.append(Int32(i))
            if i % 3 == 0 { #expect(r.pop() == model.removeFirst()) }
        }
        while let x = r.pop() { #expect(x == model.removeFirst()) }
        #expect(model.isEmpty)
    }
}
