import CapsimModel
import Foundation
import Testing
@testable import Simulation

/// One service `s` with fixed replicas (no HPA), a 50 ms service time that never varies (so a
/// notice of a second outlasts any request's service), per-pod queues, and an on-demand price.
func spotScenario(replicas: Int = 6, peak: String = "300/s", startup: String = "10s", faults: String = "", duration: String = "14m") -> String {
    """
    capsim: 1
    name: spot
    services:
      s:
        capacity: {service_time: {distribution: deterministic, value: 50ms}, concurrency: 4}
        replicas: \(replicas)
        startup: \(startup)
        cost_per_instance_hour: USD 0.012
        queue: {discipline: per-instance, balancing: round-robin}
    traffic:
      entry: s
      peak: \(peak)
      hop_latency: 0s
      routes:
        all: {share: 100%, path: [s]}
    \(faults)
    simulation: {duration: \(duration), warmup: 0s}
    """
}

@Suite("Spot preemption")
struct SpotPreemptionTests {
    @Test("spot pods are preempted about window × spot pods × rate times (a Poisson count)")
    func preemptionsFollowTheirPoissonMean() throws {
        // 100 %: 6 spot pods × 20/h × 10 min = 20; 50 %: 3 spot pods, 10. A Poisson count's
        // variance is its mean, so the mean of 8 seeds has standard error √(mean ÷ 8) (1.6 and
        // 1.1); 4 of them is a false alarm once in ~15,000 runs.
        for (share, expected) in [("100%", 20.0), ("50%", 10.0)] {
            let s = try load(spotScenario(faults: "faults: [{kind: spot-preemption, service: s, share: \(share), rate: 20/h, at: 2m, duration: 10m}]"))
            var counts: [Double] = []
            for seed in 1...8 {
                let (r, violation) = try simulate(s, seed: UInt64(seed), check: seed == 1)
                #expect(violation == nil)
                counts.append(Double(try #require(r.faults?.first).podsLost))
            }
            let m = counts.reduce(0, +) / Double(counts.count)
            #expect(abs(m - expected) < 4 * (expected / 8).squareRoot(), "share \(share): preemptions \(counts)")
        }
    }

    @Test("the spot share marks pods by creation order and holds through preemptions")
    func shareHoldsThroughPreemptions() throws {
        let s = try load(spotScenario(faults: "faults: [{kind: spot-preemption, service: s, share: 50%, rate: 20/h, at: 1m, duration: 10m}]"))
        let sim = try Simulator(scenario: s, options: SimulationOptions(scenario: s))
        // Pod i is spot when ⌊(i + 1) × 50 %⌋ > ⌊i × 50 %⌋: the odd ones.
        #expect(sim.stations[0].pods.map(\.spot) == [false, true, false, true, false, true])
        let r = try sim.run()
        #expect(try #require(r.faults?.first).podsLost > 0)
        // Each preempted spot pod was replaced by a spot pod: still 3 of 6 live pods on spot.
        let live = sim.stations[0].pods.filter { $0.state == .starting || $0.state == .ready }
        #expect(live.count == 6 && live.filter(\.spot).count == 3)
        #expect(sim.stations[0].pods.count == 6 + r.faults![0].podsLost)
    }

    @Test("a preempted pod takes no new work and, with a notice longer than any service, loses nothing")
    func noticeDrainsThePod() throws {
        // One pod: at its notice nothing else is ready until the replacement is (60 s), so the
        // arrivals meanwhile are turned away: none goes to the pod under notice. What it holds
        // (50 ms each) is done within the 30 s notice.
        let one = try load(spotScenario(replicas: 1, peak: "40/s", startup: "60s",
                                        faults: "faults: [{kind: spot-preemption, service: s, rate: 15/h, notice: 30s, at: 1m, duration: 12m}]"))
        let (r, violation) = try simulate(one, check: true)
        #expect(violation == nil)
        let f = try #require(r.faults?.first)
        #expect(f.podsLost >= 1)
        #expect(f.requestsLost == 0 && r.routes[0].podLost == 0 && r.services[0].lost == 0)
        #expect(r.services[0].dropped > 0)
        // With six pods the others take the work: nothing is turned away or lost.
        let six = try load(spotScenario(faults: "faults: [{kind: spot-preemption, service: s, rate: 20/h, notice: 30s, at: 1m, duration: 12m}]"))
        let (r6, violation6) = try simulate(six, check: true)
        #expect(violation6 == nil)
        #expect(try #require(r6.faults?.first).podsLost > 5)
        #expect(r6.faults![0].requestsLost == 0 && r6.services[0].dropped == 0 && r6.routes[0].failedForGood == 0)
    }

    @Test("without notice a preempted pod's work in hand is lost with it")
    func noNoticeLosesTheWorkInHand() throws {
        let s = try load(spotScenario(faults: "faults: [{kind: spot-preemption, service: s, rate: 20/h, notice: 0s, at: 1m, duration: 12m}]"))
        let (r, violation) = try simulate(s, check: true)
        #expect(violation == nil)
        let f = try #require(r.faults?.first)
        // 2.5 requests in service on a pod on average: a dozen preemptions lose some.
        #expect(f.podsLost > 5 && f.requestsLost > 0)
        #expect(r.routes[0].podLost == f.requestsLost && r.services[0].lost == f.requestsLost)
    }

    @Test("the Deployment replaces a preempted pod at its notice: the replica count holds")
    func replacementKeepsTheReplicaCount() throws {
        let s = try load(spotScenario(faults: "faults: [{kind: spot-preemption, service: s, rate: 30/h, notice: 2m, at: 1m, duration: 12m}]"))
        let (r, _) = try simulate(s)
        #expect(try #require(r.faults?.first).podsLost > 5)
        #expect(r.services[0].minReplicas == 6 && r.services[0].maxReplicas == 6)
        #expect(r.timeline.filter { $0.service == "s" }.allSatisfy { $0.replicas == 6 })
    }

    @Test("spot pod-hours cost the spot price: a service all on spot costs price ÷ on-demand price as much per hour")
    func spotCostsItsPrice() throws {
        let faults = "faults: [{kind: spot-preemption, service: s, rate: 6/h, spot_price: USD 0.004, at: 0s, duration: 14m}]"
        let (spot, _) = try simulate(try load(spotScenario(faults: faults)))
        let (onDemand, _) = try simulate(try load(spotScenario()))
        let sv = spot.services[0], od = onDemand.services[0]
        let hours = sv.instanceHours, cost = try #require(sv.costUsd), onDemandCost = try #require(od.costUsd)
        // Every pod is spot, so every instance-hour is a spot one, at USD 0.004 instead of 0.012.
        #expect(sv.spotInstanceHours.map { abs($0 - hours) < 1e-9 } == true)
        #expect(abs(cost - hours * 0.004) < 1e-12)
        #expect(od.spotInstanceHours == nil && abs(onDemandCost - od.instanceHours * 0.012) < 1e-12)
        // Per instance-hour, a third; overall a little more, as a pod under notice overlaps its
        // replacement (≤ 2 min each, at 6/h per pod: under 1 % more instance-hours here).
        #expect(abs(cost / hours - onDemandCost / od.instanceHours / 3) < 1e-12)
        #expect(hours >= od.instanceHours && hours < od.instanceHours * 1.05)
        let f = try #require(spot.faults?.first)
        #expect(f.spotInstanceHours == sv.spotInstanceHours)
        #expect(abs(try #require(f.spotSavingUsd) - hours * 0.008) < 1e-12)
    }

    @Test("spot faults are reproducible, and one written off changes nothing")
    func deterministicAndInertWhenOff() throws {
        let on = try load(spotScenario(faults: "faults: [{kind: spot-preemption, service: s, share: 50%, rate: 30/h, at: 1m, duration: 10m}]"))
        let (a, _) = try simulate(on, seed: 5), (b, _) = try simulate(on, seed: 5)
        #expect(a == b)
        let off = try load(spotScenario(faults: "faults: [{kind: spot-preemption, service: s, rate: 30/h, spot_price: USD 0.004, at: 1m, duration: 10m, enabled: false}]"))
        let (c, _) = try simulate(off), (d, _) = try simulate(try load(spotScenario()))
        #expect(c == d)
    }
}
