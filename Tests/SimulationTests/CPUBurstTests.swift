import CapsimModel
import Foundation
import Testing
@testable import Simulation

/// Four pods of 4 slots × 10 ms (400/s each, 1,600/s together) offered 3,200/s: every pod is
/// saturated from the first milliseconds. Request 250m; the limit and CPU per request vary. The
/// HPA's scale-up policy allows 10× a sync, so its first decision is the ratio's whole ask.
func burstScenario(resources: String = "{requests: {cpu: 250m}, limits: {cpu: 500m}}", extra: String = "", hpa: Bool = true) -> String {
    """
    capsim: 1
    name: burst
    services:
      s:
        capacity: {service_time: {distribution: deterministic, value: 10ms}, concurrency: 4}
        resources: \(resources)
        replicas: {min: 4, max: 100, initial: 4}
        startup: 60s
    \(extra)
    \(hpa ? "    autoscaling: {hpa: {metrics: [{metric: cpu_utilization, target: 70%}], behavior: {scale_up: {policies: [{type: percent, value: 1000%, period: 15s}]}}}}" : "")
    traffic:
      entry: s
      peak: 3200/s
      hop_latency: 0s
      routes:
        all: {share: 100%, path: [s]}
    simulation: {duration: 2m, warmup: 30s}
    """
}

@Suite("CPU as a cluster measures it: bursting to the limit, throttling above it")
struct CPUBurstTests {
    func run(_ yaml: String, overrides: [String] = []) throws -> SimulationResult {
        try simulate(try load(yaml, overrides: overrides)).0
    }

    /// Tolerances: the first sample (0–15 s) holds the first milliseconds before the pods fill,
    /// so it reads a little under the ceiling (< 0.5 % under); a full window counts ±1 start of
    /// 6,000 per pod (0.02 %), and usage is clamped at the ceiling, so the peak is the ceiling
    /// to within 0.1 %.
    @Test("a saturated pod whose limit is twice its request reads 200 % of it, and the first sync asks for ceil(4 × 2.0 ÷ 0.7) = 12 pods, not 1.43 × 4")
    func saturatedPodBurstsToItsLimit() throws {
        let r = try run(burstScenario())
        let first = try #require(r.timeline.first { $0.service == "s" })
        #expect(first.cpuUtilization > 1.99 && first.cpuUtilization <= 2.0)
        let up = try #require(r.scaling.first { $0.policy == "hpa" })
        #expect(up.time == 15 && up.from == 4 && up.to == 12, "\(up)")
        #expect(Double(up.to) > 1.43 * 4)
        #expect(abs((r.services[0].cpuPeak ?? 0) - 2.0) < 2e-3)
        #expect(r.services[0].throttledPodSeconds == 0)
    }

    @Test("with the limit equal to the request the same pods read 100 % and the sync asks for ceil(4 × 1.0 ÷ 0.7) = 6: the old behaviour")
    func limitAtRequestKeepsTheOldBehaviour() throws {
        let r = try run(burstScenario(), overrides: ["services.s.resources.limits.cpu=250m"])
        let first = try #require(r.timeline.first { $0.service == "s" })
        #expect(first.cpuUtilization > 0.99 && first.cpuUtilization <= 1.0)
        #expect(r.timeline.allSatisfy { $0.cpuUtilization <= 1.0 })
        let up = try #require(r.scaling.first { $0.policy == "hpa" })
        #expect(up.from == 4 && up.to == 6, "\(up)")
    }

    /// Deterministic service, every start at 4 busy slots once the pods are full: demand
    /// 4 × 2 ms ÷ 10 ms = 0.8 cores against a 0.5 limit, so 10 ms × 1.6 = 16 ms exactly and
    /// 4 pods × 0.5 ÷ 2 ms = 1,000/s. Pods are throttled for the whole measured 90 s.
    @Test("CPU demand above the limit is throttled: service × demand ÷ limit, the limit's worth of throughput, usage never above the limit")
    func demandAboveTheLimitIsThrottled() throws {
        let r = try run(burstScenario(extra: "    cpu_per_request: 2ms", hpa: false))
        let s = r.services[0]
        #expect(abs((s.serviceMean ?? 0) - 0.016) < 1e-9)
        for x in r.timeline.dropFirst() { #expect(abs(x.throughput - 1000) < 10, "\(x.time): \(x.throughput)/s") }
        #expect(r.timeline.allSatisfy { $0.cpuUtilization <= 2.0 })
        #expect(abs((s.throttledPodSeconds ?? 0) - 4 * 90) < 1e-6)
    }

    @Test("a pod with no CPU limit bursts to its node's spare CPU: platform.node_cpu 1 is 400 % of a 250m request, and throttles there")
    func noLimitBurstsToTheNode() throws {
        let yaml = burstScenario(resources: "{requests: {cpu: 250m}}", hpa: false).replacingOccurrences(of: "name: burst", with: "name: burst\nplatform: {node_cpu: 1}")
        let s = try load(yaml)
        #expect(s.services["s"]?.resources.limits.cpu == nil)
        // Left out altogether, resources are the seed's Deployment: a 500m limit, 200 % at saturation.
        let seed = try load(singleStation(rate: "1/s", serviceTime: "10ms", concurrency: 4)).services["s"]
        #expect(seed?.resources.limits.cpu == CPU(millicores: 500) && abs((seed?.cpuPerRequest ?? 0) - 0.5 / 400) < 1e-15)
        let r = try run(yaml)
        #expect(abs((r.services[0].cpuPeak ?? 0) - 4.0) < 4e-3)
        let throttled = try run(yaml, overrides: ["services.s.cpu_per_request=5ms"])
        #expect(throttled.timeline.allSatisfy { $0.cpuUtilization <= 4.0 })
        #expect(abs((throttled.services[0].serviceMean ?? 0) - 0.020) < 1e-9)   // 4 × 5 ms ÷ 10 ms = 2 cores on 1: × 2
    }

    @Test("a pod's request above the node's spare CPU, with no limit to say otherwise, is a validation error")
    func requestAboveTheNodeIsAnError() {
        let yaml = burstScenario(resources: "{requests: {cpu: 3}}").replacingOccurrences(of: "name: burst", with: "name: burst\nplatform: {node_cpu: 2}")
        #expect(throws: (any Error).self) { try load(yaml) }
        do { _ = try load(yaml) } catch { #expect("\(error)".contains("platform.node_cpu (2000m), which is below its request 3000m"), "\(error)") }
    }
}
