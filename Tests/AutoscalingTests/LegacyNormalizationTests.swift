import Testing
@testable import Autoscaling
@testable import CapsimModel

/// The path without a `behavior` block (H `normalizeDesiredReplicas`, R4.0, R4.1) and the
/// reconcile's out-of-range and disabled branches.
@Suite struct LegacyNormalizationTests {
    @Test func aScenarioWithoutBehaviorTakesTheLegacyPath() {
        #expect(!makeController(makeHPA(behavior: noBehavior)).usesBehavior)
        #expect(makeController(makeHPA(behavior: defaultBehavior)).usesBehavior)
    }

    @Test func scaleUpIsLimitedToTwiceCurrentOrFourPerSync() {
        // V7: spec 2, max 20, a constant 5000m of work on a 50 % target asks for 10 at every count.
        var c = makeController(makeHPA(cpu: 0.5), min: 1, max: 20)
        let ds = drive(&c, from: 2, times: stride(from: 0.0, through: 45, by: 15)) { podsSharing(5000, over: $0) }
        #expect(ds.map(\.desired) == [4, 8, 10, 10])
        #expect(ds[0].rule == "rate-limited")
        #expect(ds[0].reason.hasPrefix("rate-limited: scale-up limit max(2 × 2, 4) = 4; cpu 250% of request vs target 50%: ratio 5.00 → 10 pods"))
        #expect(ds[1].rule == "rate-limited")
        #expect(ds[1].reason.hasPrefix("rate-limited: scale-up limit max(2 × 4, 4) = 8"))
        #expect(ds[2].rule == "scale-up")
        #expect(ds[3].rule == "tolerance")
        #expect(c.scaleUpEvents.isEmpty && c.scaleDownEvents.isEmpty)   // no events without behavior (R4.6)
    }

    @Test func scaleUpLimitOfFourAppliesFromOneReplica() {
        var c = makeController(makeHPA(cpu: 0.5), min: 1, max: 50)
        let d = c.reconcile(obs(0, 1, pods(1, usage: 5000)))   // asks for 10
        #expect(d.desired == 4)
    }

    @Test func scaleDownIsHeldByThe300SecondWindowAndReleasedAt315() {
        // V3, old path: 10 pods at 25 % vs 50 % want 5; the seed {10 @ 0} counts while not Before(now − 300).
        var c = makeController(makeHPA(cpu: 0.5), min: 1, max: 20)
        let ds = drive(&c, from: 10, times: stride(from: 0.0, through: 330, by: 15)) { pods($0, usage: 250) }
        for d in ds where d.time <= 300 {
            #expect(d.desired == 10, "held at t=\(d.time)")
            #expect(d.rule == "stabilized")
            #expect(d.reason == "stabilized: max recommendation in the last 300 s was 10; cpu 25% of request vs target 50%: ratio 0.50 → 5 pods")
        }
        #expect(at(315, ds)?.desired == 5)
        #expect(at(315, ds)?.rule == "scale-down")
        // The same per-pod load on 5 pods now asks for 3, held by the 5s recorded in the window.
        #expect(at(330, ds)?.desired == 5)
        #expect(at(330, ds)?.rule == "stabilized")
    }

    @Test func theWindowKeepsTheHighestRecentRecommendation() {
        // A spike asks for 20 at t=0 (applied), then the load falls to asking 12: the 20 stays for 300 s.
        var c = makeController(makeHPA(cpu: 0.5), min: 1, max: 40)
        var d = c.reconcile(obs(0, 10, pods(10, usage: 1000)))
        #expect(d.desired == 20)
        d = c.reconcile(obs(15, 20, podsSharing(6000, over: 20)))   // util 30 → 0.6 → 12
        #expect(d.desired == 20 && d.rule == "stabilized")
        #expect(d.reason.hasPrefix("stabilized: max recommendation in the last 300 s was 20"))
        d = c.reconcile(obs(300, 20, podsSharing(6000, over: 20)))   // {20 @ 0} exactly at the cutoff: still included
        #expect(d.desired == 20)
        d = c.reconcile(obs(315, 20, podsSharing(6000, over: 20)))   // {20 @ 0} is now Before(15): expired; only 12s remain
        #expect(d.desired == 12)
    }

    @Test func desiredAboveMaxIsClampedToMax() {
        // V8 (old path): spec 5 asks for 30; limit max(10, 4) = 10 is not below max 10 → TooManyReplicas.
        var c = makeController(makeHPA(cpu: 1.0), min: 1, max: 10)
        let d = c.reconcile(obs(0, 5, pods(5, usage: 6000)))
        #expect(d.desired == 10)
        #expect(d.rule == "max-replicas")
        #expect(d.reason.hasPrefix("clamped to max replicas 10; cpu 600% of request vs target 100%: ratio 6.00 → 30 pods"))
    }

    @Test func desiredBelowMinIsClampedToMin() {
        var c = makeController(makeHPA(cpu: 0.5), min: 3, max: 10)
        let ds = drive(&c, from: 6, times: stride(from: 0.0, through: 315, by: 15)) { pods($0, usage: 10) }
        #expect(at(300, ds)?.desired == 6)
        #expect(at(315, ds)?.desired == 3)
        #expect(at(315, ds)?.rule == "min-replicas")
        #expect(at(315, ds)?.reason.hasPrefix("clamped to min replicas 3; ") == true)
    }

    @Test func theHistoryIsSeededWithTheCurrentCountAtTheFirstReconcile() {
        var c = makeController(makeHPA(cpu: 0.5), max: 10)
        #expect(c.recommendations.isEmpty)
        _ = c.reconcile(obs(42, 7, pods(7, usage: 500)))
        #expect(c.recommendations.first == HPAController.Recommendation(replicas: 7, time: 42))
        #expect(c.recommendations.count == 2)   // the seed, then this sync's recommendation
        _ = c.reconcile(obs(57, 7, pods(7, usage: 500)))
        #expect(c.recommendations.filter { $0.replicas == 7 }.count == 3)   // seeded only once
    }

    @Test func zeroReplicasWithANonZeroMinimumDisablesScaling() {
        // V10
        var c = makeController(makeHPA(cpu: 0.5), min: 1, max: 10)
        let d = c.reconcile(obs(0, 0, [], metrics: [.cpuUtilization: 2.0]))
        #expect(d.desired == 0 && d.rule == "disabled" && !d.changesReplicas)
        #expect(d.reason == "scaling is disabled since the replica count of the target is zero")
    }

    @Test func zeroReplicasWithAZeroMinimumReadsTheMetricsButCPUHasNoPodToReadFrom() {
        // Upstream reads the metrics when minReplicas is 0; a Resource metric needs pods.
        var c = makeController(makeHPA(cpu: 0.5), min: 0, max: 10)
        let d = c.reconcile(obs(0, 0, [], metrics: [.cpuUtilization: 2.0]))
        #expect(d.desired == 0 && d.rule == "no-metrics")
        #expect(d.reason.contains("did not receive metrics for targeted pods"))
    }

    @Test func aCountAboveMaxGoesStraightToMax() {
        // V11: no metrics, stabilization or rate limit; the load would ask for more.
        var c = makeController(makeHPA(cpu: 0.5), min: 1, max: 10)
        let d = c.reconcile(obs(0, 15, pods(15, usage: 1000)))
        #expect(d.desired == 10 && d.rule == "max-replicas")
        #expect(d.reason == "clamped to max replicas 10: current number of replicas 15 above Spec.MaxReplicas")
        #expect(c.recommendations.count == 1)   // only the seed
    }

    @Test func aCountBelowMinGoesStraightToMin() {
        var c = makeController(makeHPA(cpu: 0.5), min: 3, max: 10)
        let d = c.reconcile(obs(0, 1, pods(1, usage: 0)))
        #expect(d.desired == 3 && d.rule == "min-replicas")
    }
}
