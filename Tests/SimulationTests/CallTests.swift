import CapsimModel
import Foundation
import Testing
@testable import Simulation

/// Synchronous calls with policies: probability, fan-out, connection pools, timeouts and retries.
@Suite("Calls: probability, fan-out, pools, timeouts and retries")
struct CallTests {
    func run(_ yaml: String, seconds: Double = 600) throws -> SimulationResult {
        let s = try ScenarioLoader.parse(yaml, file: "t.yaml")
        var o = SimulationOptions(scenario: s)
        o.duration = seconds
        return try Simulator(scenario: s, options: o).run()
    }

    func yaml(path: String, rate: String = "50/s", extra: String = "") -> String {
        """
        capsim: 1
        name: calls
        services:
          gw: {capacity: {service_time: {distribution: deterministic, value: 1ms}, concurrency: 256}, replicas: 1, peak: 1/s}
          a: {capacity: {service_time: {distribution: deterministic, value: 10ms}, concurrency: 256}, replicas: 1, peak: 1/s}
          b: {capacity: {service_time: {distribution: deterministic, value: 30ms}, concurrency: 256}, replicas: 1, peak: 1/s}
          slow: {capacity: {service_time: {distribution: deterministic, value: 2s}, concurrency: 4096}, replicas: 1, peak: 1/s}
        \(extra)
        traffic:
          entry: gw
          peak: \(rate)
          hop_latency: 0s
          routes:
            r: {share: 100%, path: \(path)}
        """
    }

    /// Every attempt at a 2 s service outlives the 1 s timeout, so each request makes
    /// 1 + retries attempts: the callee sees 3× the traffic and every request fails. (The
    /// slow service has capacity to spare, so there is no queueing to muddy the count; the
    /// band covers the requests still in their retry cycle at the end of the run.)
    @Test("a retry storm multiplies the callee's load by 1 + retries")
    func retryStorm() throws {
        let r = try run(yaml(path: "[gw, {service: slow, timeout: 1s, retries: 2, backoff: 100ms}]"))
        let gw = try #require(r.services.first { $0.service == "gw" }), slow = try #require(r.services.first { $0.service == "slow" })
        let factor = Double(slow.arrivals) / Double(gw.arrivals)
        #expect(abs(factor - 3) < 0.02, "amplification \(factor)")
        let route = try #require(r.routes.first)
        #expect(route.completed == 0)
        #expect(abs(Double(route.failed ?? 0) / Double(gw.arrivals) - 1) < 0.02)
    }

    @Test("without retries the same slow call fails once per request and adds no load")
    func noRetries() throws {
        let r = try run(yaml(path: "[gw, {service: slow, timeout: 1s}]"))
        let gw = try #require(r.services.first { $0.service == "gw" }), slow = try #require(r.services.first { $0.service == "slow" })
        #expect(abs(Double(slow.arrivals) / Double(gw.arrivals) - 1) < 0.01)
    }

    /// A call made with probability 30 %: the callee sees 30 % of the requests. Over ~30,000
    /// requests the binomial sd is 0.3 % absolute; the band is 1.5 %.
    @Test("a call's probability thins its callee's traffic")
    func probability() throws {
        let r = try run(yaml(path: "[gw, {service: a, probability: 30%}, b]"))
        let gw = try #require(r.services.first { $0.service == "gw" })
        let a = try #require(r.services.first { $0.service == "a" }), b = try #require(r.services.first { $0.service == "b" })
        #expect(abs(Double(a.arrivals) / Double(gw.arrivals) - 0.3) < 0.015)
        #expect(abs(Double(b.arrivals) / Double(gw.arrivals) - 1) < 0.002)
    }

    /// Deterministic times and spare capacity: a fan-out to a (10 ms) and b (30 ms) returns
    /// when the slower answers, so end to end is 1 + 30 ms, not 1 + 10 + 30.
    @Test("a fan-out waits for its slowest call, not the sum")
    func fanout() throws {
        let r = try run(yaml(path: "[gw, {fanout: [a, b]}]"))
        let route = try #require(r.routes.first)
        #expect(abs((route.latency?.mean ?? 0) - 0.031) < 1e-6)
        let a = try #require(r.services.first { $0.service == "a" }), b = try #require(r.services.first { $0.service == "b" })
        #expect(a.arrivals == b.arrivals)
    }

    /// One pooled connection in front of a 10 ms call makes the pool an M/D/1 queue: at
    /// λ = 50/s (ρ = 0.5) Pollaczek–Khinchine gives a 5 ms wait, so end to end is
    /// 1 + 5 + 10 = 16 ms. 200,000 requests put the mean within a fraction of a percent; 3 % band.
    @Test("a call waits for a pooled connection (one connection: an M/D/1 queue)")
    func pool() throws {
        let r = try run(yaml(path: "[gw, {service: a, pool: 1}]"), seconds: 4000)
        let route = try #require(r.routes.first)
        let mean = try #require(route.latency?.mean)
        #expect(abs(mean - 0.016) / 0.016 < 0.03, "e2e \(mean)")
        let a = try #require(r.services.first { $0.service == "a" })
        #expect((a.latency?.max ?? 1) <= 0.0101)    // the callee itself never queues: the pool admits one at a time
    }

    @Test("a plain path and the same path spelled as calls give identical runs")
    func plainEqualsExplicit() throws {
        let plain = try run(yaml(path: "[gw, a, b]"), seconds: 120)
        let spelled = try run(yaml(path: "[gw, {service: a}, {service: b, probability: 100%}]"), seconds: 120)
        #expect(plain.services == spelled.services)
    }
}
