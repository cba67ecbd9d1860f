import CapsimModel
import Testing
@testable import Simulation

/// Randomly generated small platforms, run with the kernel's invariant checks on: the clock
/// never goes back, busy slots stay within 0…slots on working pods only, the routable set is
/// exactly the ready pods, and every request is completed, dropped, timed out or in flight.
@Suite("Kernel invariants over random scenarios")
struct InvariantTests {
    struct Gen {
        var x: UInt64
        mutating func next(_ n: Int) -> Int { x = x &* 6364136223846793005 &+ 1442695040888963407; return Int((x >> 33) % UInt64(n)) }
        mutating func pick<T>(_ xs: [T]) -> T { xs[next(xs.count)] }
    }

    static func scenario(seed: UInt64) -> String {
        var g = Gen(x: seed)
        let n = 1 + g.next(3)
        var services = ""
        for i in 0..<n {
            let st = g.pick(["5ms", "20ms", "{distribution: lognormal, mean: 10ms, p99: 80ms}", "{distribution: deterministic, value: 8ms}", "{distribution: erlang, mean: 15ms, shape: 3}"])
            let q = g.pick(["{discipline: shared}", "{discipline: per-instance, balancing: random}", "{discipline: per-instance, balancing: round-robin, limit: 5}",
                            "{discipline: per-instance, balancing: least-outstanding, timeout: 50ms}", "{discipline: shared, limit: 20, timeout: 100ms}"])
            let lo = 1 + g.next(2), hi = lo + g.next(4)
            let hpa = g.next(2) == 0 ? "autoscaling: {hpa: {metrics: [{metric: cpu_utilization, target: 60%}]}, triggers: [{metric: queue_length, above: 5, for: 30s, add: 1, cooldown: 1m}]}" : ""
            services += "  s\(i): {capacity: {service_time: \(st), concurrency: \(1 + g.next(4))}, replicas: {min: \(lo), max: \(hi)}, startup: \(g.pick(["0s", "10s", "45s"])), queue: \(q), \(hpa)}\n"
        }
        var routes = "", left = 100
        for i in 0..<n {
            let share = i == n - 1 ? left : max(1, left / 2)
            left -= share
            var path = (["s0"] + (i > 0 ? ["s\(i)"] : [])).joined(separator: ", ")
            // Some routes call with policies: timeouts and retries, pools, probabilities, fan-outs.
            if i > 0 {
                switch g.next(4) {
                case 0: path = "s0, {service: s\(i), timeout: \(g.pick(["20ms", "200ms"])), retries: \(g.next(3)), backoff: 10ms}"
                case 1: path = "s0, {service: s\(i), pool: \(1 + g.next(8)), probability: 70%}"
                case 2 where n > 2: path = "s0, {fanout: [s1, {service: s2, timeout: 50ms, retries: 1}]}"
                default: break
                }
            }
            routes += "    r\(i): {share: \(share)%, path: [\(path)]}\n"
        }
        // Half the platforms get a database (with cache and replicas) and an event bus on s0.
        var platform = ""
        if g.next(2) == 0 {
            services = services.replacingOccurrences(of: "  s0: {", with: "  s0: {database: db0, queries_per_request: \(g.pick(["0.5", "1", "2.5"])), cache: {hit_ratio: \(g.pick(["0%", "50%"]))}, publishes: [{topic: t0, per_request: \(g.pick(["1", "0.3"]))}], ")
            platform = """
            databases:
              db0: {owner: s0, cpus: \(1 + g.next(4)), query_time: \(g.pick(["1ms", "5ms"])), read_replicas: \(g.next(3)), read_ratio: 70%, key_skew: \(g.pick(["0", "1.5", "4"])), keys: 100}
            event_bus:
              topics: {t0: {partitions: \(1 + g.next(4))}}
              consumer_groups:
                g0: {service: s0, topic: t0, workers: {min: 1, max: 6}, service_time: \(g.pick(["2ms", "20ms"])), lag_scaler: {lag_threshold: 50}, triggers: [{metric: consumer_lag, above: 100, add_queue_workers: 1, cooldown: 1m}]}
            """
        }
        return """
        capsim: 1
        name: random-\(seed)
        services:
        \(services)
        \(platform)
        traffic:
          entry: s0
          peak: \(g.pick(["50/s", "200/s", "600/s"]))
          surges: [{name: burst, at: 2m, duration: 3m, multiplier: \(g.pick(["2", "4"]))}]
          routes:
        \(routes)
        """
    }

    @Test("invariants hold on 24 random platforms", arguments: 1...24)
    func random(seed: Int) throws {
        let yaml = InvariantTests.scenario(seed: UInt64(seed))
        let s = try load(yaml)
        let (r, violation) = try simulate(s, seed: UInt64(seed), duration: 600, check: true)
        #expect(violation == nil, "scenario seed \(seed): \(violation ?? "")\n\(yaml)")
        let total = r.services.reduce(0) { $0 + $1.arrivals }
        #expect(total > 0, "scenario seed \(seed) produced no traffic")
    }
}
