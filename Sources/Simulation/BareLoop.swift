import CapsimModel
import Foundation

/// The reference ceiling for benchmarks: the smallest honest M/M/c simulation — a binary heap
/// of (time, kind) events, a FIFO of arrival times, a busy-server count — with no routes,
/// pods, metrics or autoscaling. The engine is measured against it on the same queue.
public enum BareLoop {
    public struct Result: Sendable { public let customers: Int; public let meanWait: Double; public let events: Int }

    public static func mmc(lambda: Double, mu: Double, servers: Int, customers: Int, seed: UInt64) -> Result {
        var rng = RandomStream(seed: seed, name: "bare/mmc")
        // Heap of (time, isArrival) with ties broken by insertion order.
        var heap: ContiguousArray<(Double, UInt64)> = []
        heap.reserveCapacity(servers + 2)
        var seq: UInt64 = 0
        func push(_ t: Double, _ arrival: Bool) {
            heap.append((t, seq << 1 | (arrival ? 1 : 0))); seq += 1
            var i = heap.count - 1
            let e = heap[i]
            while i > 0 {
                let p = (i - 1) >> 1
                if heap[p].0 < e.0 || (heap[p].0 == e.0 && heap[p].1 < e.1) { break }
                heap[i] = heap[p]; i = p
            }
            heap[i] = e
        }
        func pop() -> (Double, UInt64) {
            let top = heap[0], last = heap.removeLast()
            if !heap.isEmpty {
                var i = 0
                let n = heap.count
                while true {
                    let l = 2 * i + 1
                    if l >= n { break }
                    var c = l
                    if l + 1 < n && (heap[l + 1].0 < heap[l].0 || (heap[l + 1].0 == heap[l].0 && heap[l + 1].1 < heap[l].1)) { c = l + 1 }
                    if last.0 < heap[c].0 || (last.0 == heap[c].0 && last.1 < heap[c].1) { break }
                    heap[i] = heap[c]; i = c
                }
                heap[i] = last
            }
            return top
        }
        var waiting = RingBuffer(capacity: 1024)
        var arrivalTimes = ContiguousArray<Double>(repeating: 0, count: 1 << 16)
        var slotFree: [Int32] = Array((0..<Int32(1 << 16)).reversed())
        var busy = 0, arrived = 0, served = 0, events = 0
        var waitSum = 0.0
        push(-log(rng.uniformPositive()) / lambda, true)
        while served < customers, !heap.isEmpty {
            let (now, key) = pop()
            events += 1
            if key & 1 == 1 {
                arrived += 1
                if busy < servers {
                    busy += 1
                    push(now - log(rng.uniformPositive()) / mu, false)
                } else {
                    let slot = slotFree.popLast()!
                    arrivalTimes[Int(slot)] = now
                    waiting.push(slot)
                }
                if arrived < customers { push(now - log(rng.uniformPositive()) / lambda, true) }
            } else {
                served += 1
                if let slot = waiting.pop() {
                    waitSum += now - arrivalTimes[Int(slot)]
                    slotFree.append(slot)
                    push(now - log(rng.uniformPositive()) / mu, false)
                } else {
                    busy -= 1
                }
            }
        }
        return Result(customers: served, meanWait: waitSum / Double(max(1, served)), events: events)
    }

    /// The one-station scenario the engine runs for the same queue: c slots on one pod, one
    /// shared FIFO queue, metrics sampled every 15 s, no autoscaling.
    public static func scenario(lambda: Double, mu: Double, servers: Int) throws -> Scenario {
        try ScenarioLoader.parse("""
        capsim: 1
        name: bench-mmc
        services:
          s:
            capacity: {service_time: \(1 / mu)s, concurrency: \(servers)}
            replicas: 1
            queue: {discipline: shared}
        traffic:
          entry: s
          peak: \(lambda)/s
          hop_latency: 0s
          routes:
            all: {share: 100%, path: [s]}
        """, file: "bench-mmc")
    }
}
