import CapsimModel
import Foundation
import Testing
@testable import Simulation

/// Three services' worth of one: `s` with `replicas` pods over three zones, every pod busy enough
/// that a killed pod has work on it.
func zonedScenario(replicas: Int = 6, faults: String = "", startup: String = "30s", call: String = "s") -> String {
    """
    capsim: 1
    name: zoned
    platform: {zones: [zone-a, zone-b, zone-c]}
    services:
      s:
        capacity: {service_time: 50ms, concurrency: 4}
        replicas: \(replicas)
        startup: \(startup)
        queue: {discipline: per-instance, balancing: round-robin}
      t:
        peak: 300/s
        capacity: {service_time: 50ms, concurrency: 8}
        replicas: 3
        startup: \(startup)
        queue: {discipline: per-instance, balancing: round-robin}
    dependencies:
      partner: {latency: 100ms}
    traffic:
      entry: s
      peak: 300/s
      hop_latency: 0s
      routes:
        all: {share: 100%, path: [\(call)]}
    \(faults)
    simulation: {duration: 20m, warmup: 0s}
    """
}

@Suite("Faults")
struct FaultTests {
    @Test("pods spread over the zones one at a time to the zone with fewest (maxSkew 1)")
    func podsSpreadEvenly() throws {
        let s = try load(zonedScenario(replicas: 7))
        let sim = try Simulator(scenario: s, options: SimulationOptions(scenario: s))
        let zones = sim.stations[0].pods.map { Int($0.zone ?? 9) }
        #expect(zones == [0, 1, 2, 0, 1, 2, 0])
    }

    @Test("a zone loss kills the zone's pods, fails their work, and the Deployment replaces them elsewhere; every account balances")
    func zoneLossKillsAndReplaces() throws {
        let s = try load(zonedScenario(faults: "faults: [\"zone-loss:zone-a@5m+5m\"]"))
        let (r, violation) = try simulate(s, check: true)
        #expect(violation == nil)
        let f = try #require(r.faults?.first)
        #expect(f.podsLost == 3)                       // s: 6 pods over 3 zones, t: 3
        #expect(f.requestsLost > 0)                    // 300/s × 50 ms over 6 pods: each pod holds work
        let route = r.routes[0]
        #expect(route.podLost == f.requestsLost)       // a plain route: every lost request fails for good
        let station = r.services[0]
        #expect(station.lost == f.requestsLost)
        // Replacements start at once: the replica count never drops below the written 6.
        #expect(station.minReplicas == 6 && r.timeline.filter { $0.service == "s" }.allSatisfy { $0.replicas == 6 })
        // While zone-a is down no pod is ready there: 4 ready until the replacements are (30 s).
        let during = r.timeline.filter { $0.service == "s" && $0.time > 300 && $0.time < 330 }
        #expect(during.allSatisfy { $0.ready == 4 })
        #expect(r.timeline.filter { $0.service == "s" && $0.time > 345 }.allSatisfy { $0.ready == 6 })
    }

    @Test("a lost request on a call with retries is retried, not failed")
    func lostWorkIsRetriedWhereTheCallAllows() throws {
        let s = try load(zonedScenario(faults: "faults: [\"pod-crash:t=2@5m\"]", call: "s, {service: t, timeout: 5s, retries: 2, backoff: 10ms}"))
        // The run's accounts close (an imbalance throws); the per-event invariant check, which
        // the zone-loss test runs, costs two minutes here, so it is left out.
        let (r, _) = try simulate(s, duration: 480)
        let f = try #require(r.faults?.first)
        #expect(f.podsLost == 2 && f.requestsLost > 0)
        #expect(r.routes[0].podLost == 0)
        #expect((r.routes[0].retries ?? 0) >= f.requestsLost)
    }

    @Test("pods failing at a mean time between failures die about window × pods ÷ MTBF times")
    func meanTimeBetweenFailures() throws {
        // 6 pods (replacements keep 6 alive), MTBF 2 min, for 10 minutes: a Poisson count with
        // mean 30. Over 8 seeds the mean is within 4 standard errors of 30.
        let s = try load(zonedScenario(faults: "faults: [{kind: pod-crash, service: s, mtbf: 2m, at: 2m, duration: 10m}]", startup: "10s"))
        var deaths: [Double] = []
        for seed in 1...8 {
            let (r, violation) = try simulate(s, seed: UInt64(seed), check: seed == 1)
            #expect(violation == nil)
            deaths.append(Double(try #require(r.faults?.first).podsLost))
        }
        let (m, se) = meanAndStandardError(deaths)
        #expect(abs(m - 30) < 4 * se, "deaths \(deaths)")
    }

    @Test("a partner slowdown past the call's timeout turns each request into 1 + retries attempts")
    func slowdownAmplifiesRetries() throws {
        let faults = "faults: [\"dependency-slowdown:partner=3s@5m+5m\"]"
        let s = try load(zonedScenario(faults: faults, call: "s, {service: partner, timeout: 1s, retries: 2, backoff: 0s}"))
        // No per-event invariant check: thousands of abandoned attempts in flight make it
        // quadratic. The run's accounts still close (an imbalance throws).
        let (r, _) = try simulate(s)
        let w = try #require(r.windows?.first { $0.window == "dependency-slowdown:partner=3s@5m+5m" }?.routes.first)
        // Every attempt in the window times out, so each request is offered three times.
        #expect(abs((w.amplification ?? 0) - 3) < 0.02, "\(w)")
        #expect(w.failed ?? 0 > 0)
    }

    @Test("an outage answers its share of calls with an error, only while it lasts")
    func outageWindow() throws {
        let s = try load(zonedScenario(faults: "faults: [\"dependency-outage:partner=50%@5m+5m\"]", call: "s, partner"))
        let (r, _) = try simulate(s)
        let w = try #require(r.windows?.first?.routes.first)
        let share = Double(w.errors ?? 0) / Double(w.arrivals)
        // 90,000 calls in the window: binomial sd of the share 0.0017.
        #expect(abs(share - 0.5) < 0.01)
        #expect(r.routes[0].errors == w.errors)         // none outside the window
    }

    @Test("a fault written off changes nothing; the same scenario without it gives the same bytes")
    func disabledFaultIsInert() throws {
        let off = try load(zonedScenario(faults: "faults: [{kind: zone-loss, zone: zone-a, at: 5m, duration: 5m, enabled: false}]"))
        let none = try load(zonedScenario())
        let (a, _) = try simulate(off), (b, _) = try simulate(none)
        #expect(a == b)
        // --fault NAME turns it on.
        let on = try load(zonedScenario(faults: "faults: [{name: az, kind: zone-loss, zone: zone-a, at: 5m, duration: 5m, enabled: false}]"),
                          overrides: [FaultFlag.override("az")])
        #expect(on.activeFaults.map(\.name) == ["az"])
    }

    @Test("faults are reproducible: the same seed gives the same run")
    func deterministic() throws {
        let s = try load(zonedScenario(faults: "faults: [{kind: pod-crash, service: s, mtbf: 1m, at: 1m, duration: 10m}]"))
        let (a, _) = try simulate(s, seed: 3), (b, _) = try simulate(s, seed: 3)
        #expect(a == b)
    }
}
