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
