import CapsimModel
import Foundation
import Testing
@testable import Checks
@testable import Simulation

/// api loses one of its two pods at 4 m (the replacement is ready 30 s later): the survivor
/// alone holds 200/s × 20 ms = 4 busy slots of its 4, saturated, so the route's p99 climbs
/// while the replacement starts, then settles as the queue drains.
let crashOnAPI = """
capsim: 1
name: crash-on-api
services:
  web:
    capacity: {service_time: 5ms, concurrency: 8}
    replicas: 2
  api:
    capacity: {service_time: 20ms, concurrency: 4}
    replicas: 2
    startup: 30s
traffic:
  entry: web
  peak: 200/s
  hop_latency: 1ms
  routes:
    browse: {share: 100%, path: [web, api]}
faults:
  - {name: api-crash, kind: pod-crash, service: api, pods: 1, at: 4m, duration: 30s}
  - {name: later, kind: pod-crash, service: api, pods: 1, at: 8m, enabled: false}
simulation: {duration: 10m, warmup: 0s}
expect:
  - {route: browse, metric: latency_p99, below: 200ms, recovers_within: 3m, after: api-crash}
  - {route: browse, metric: latency_p99, below: 200ms, recovers_within: 0s, after: api-crash}
  - {service: api, metric: latency_p99, below: 200ms, recovers_within: 3m, after: later}
"""

@Suite("check: recovery after a fault")
struct RecoveryCheckTests {
    @Test("recovers_within passes when every sample from the deadline on keeps the bound, and names when it last broke it")
    func recoveryJudgedOnSamplesAfterTheFault() throws {
        let (s, r) = try run(crashOnAPI)
        let out = ExpectationChecker.check(s.expectations, scenario: s, result: r)
        // The last sample breaking 200 ms after the fault, found from the route timeline itself.
        let end = 270.0
        let lastBad = r.routeTimeline.filter { $0.route == "browse" && $0.time > end && ($0.latencyP99 ?? 0) >= 0.2 }.last?.time
        let late = try #require(lastBad, "the crash should push the p99 past 200 ms after the window")
        #expect(out[0].passed == (late - end <= 180), "\(out[0])")
        #expect(out[0].observed == late - end)
        #expect(!out[1].passed && out[1].detail.contains("last broke the bound"), "\(out[1])")
        // A row about a fault written off is skipped, not failed.
        #expect(out[2].passed && out[2].skipped != nil)
    }

    @Test("recovers_within needs after: a fault, and a sampled latency")
    func recoveryInputIsChecked() {
        func errors(_ row: String) -> [String] {
            let yaml = crashOnAPI.replacingOccurrences(of: "expect:\n", with: "expect:\n  - \(row)\n")
            do { _ = try ScenarioLoader.parse(yaml, file: "r.yaml"); return [] } catch { return error.diagnostics.map(\.message) }
        }
        #expect(errors("{route: browse, metric: latency_p99, below: 1s, recovers_within: 1m}").contains { $0.contains("missing: the fault whose end") })
        #expect(errors("{route: browse, metric: latency_p99, below: 1s, recovers_within: 1m, after: nope}").contains { $0.contains("\"nope\" is not a declared fault") })
        #expect(errors("{route: browse, metric: throughput, above: 1/s, recovers_within: 1m, after: api-crash}").contains { $0.contains("recovers_within judges a latency") })
        #expect(errors("{route: browse, metric: latency_p99, below: 1s, after: api-crash}").contains { $0.contains("after belongs to scales_up_within") })
    }

    @Test("survives: every service's slo: holds over the fault's window; a breach names the service and its statistic")
    func survivesJudgesEverySLOInTheWindow() throws {
        let yaml = crashOnAPI.replacingOccurrences(of: "    startup: 30s\n", with: "    startup: 30s\n    slo: {latency_p99: 50ms}\n")
            .replacingOccurrences(of: "expect:\n", with: "expect:\n  - {survives: api-crash}\n  - {survives: later}\n")
        let (s, r) = try run(yaml)
        let out = ExpectationChecker.check(s.expectations, scenario: s, result: r)
        // api's p99 over the crash window, from the window's own tally.
        let w = try #require(r.windows?.first { $0.window == "api-crash" }?.services.first { $0.name == "api" })
        let p99 = try #require(w.latency?.p99)
        #expect(out[0].passed == (p99 <= 0.05), "\(out[0])")
        if p99 > 0.05 { #expect(out[0].detail.contains("api latency_p99")) }
        #expect(out[1].skipped != nil)
    }
}

