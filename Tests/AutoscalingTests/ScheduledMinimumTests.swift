import Testing
@testable import Autoscaling
@testable import CapsimModel

/// A scheduled minimum reaches the HPA as one more proposal, the way KEDA's cron trigger does:
/// the highest proposal wins and the behavior still sets the pace.
@Suite("Scheduled minimum in the HPA")
struct ScheduledMinimumTests {
    func at(_ t: Double, _ replicas: Int, cpu: Double, scheduled: Int?) -> Observation {
        Observation(time: t, service: "web", replicas: replicas, pods: pods(replicas, usage: cpu),
                    scheduled: scheduled.map { ScheduledMinimum(replicas: $0, rule: "on-sale") })
    }

    @Test("a schedule above the metrics' proposal wins, paced by the scale-up limit")
    func schedulePacedByBehavior() {
        var c = makeController(makeHPA(cpu: 0.6), min: 2, max: 20, initial: 2)
        let first = c.reconcile(at(0, 2, cpu: 200, scheduled: 8))
        // Legacy path: scale-up limit max(2 × 2, 4) = 4.
        #expect(first.desired == 4)
        #expect(first.rule == "rate-limited")
        #expect(first.reason.contains("schedule on-sale: 8 pods, above the metrics' 1"))
        let second = c.reconcile(at(15, 4, cpu: 100, scheduled: 8))
        #expect(second.desired == 8)
        #expect(second.rule == "scheduled")
    }

    @Test("a schedule below the metrics' proposal changes nothing")
    func metricsAboveSchedule() {
        var with = makeController(makeHPA(cpu: 0.5), min: 2, max: 20, initial: 4)
        var without = with
        let a = with.reconcile(at(0, 4, cpu: 900, scheduled: 3)), b = without.reconcile(at(0, 4, cpu: 900, scheduled: nil))
        #expect(a.desired == b.desired)
        #expect(a.desired == 8)
        #expect(a.rule == "scale-up")
    }

    @Test("when the window closes the fleet comes down only after the stabilization window")
    func scaleDownAfterWindow() {
        var c = makeController(makeHPA(cpu: 0.6), min: 2, max: 20, initial: 8)
        #expect(c.reconcile(at(0, 8, cpu: 100, scheduled: 8)).desired == 8)
        let held = c.reconcile(at(15, 8, cpu: 100, scheduled: nil))
        #expect(held.desired == 8)
        #expect(held.rule == "stabilized")
        // The recommendation of 8 at t = 0 leaves the 300 s window after t = 300.
        #expect(c.reconcile(at(300, 8, cpu: 100, scheduled: nil)).desired == 8)
        #expect(c.reconcile(at(315, 8, cpu: 100, scheduled: nil)).desired == 2)
    }

    @Test("with every metric invalid the schedule still scales up, as a valid External metric would")
    func scheduleWithoutMetrics() {
        var c = makeController(makeHPA(cpu: 0.6), min: 2, max: 20, initial: 2)
        let missing = [pod("a", usage: nil), pod("b", usage: nil)]
        let d = c.reconcile(Observation(time: 0, service: "web", replicas: 2, pods: missing, scheduled: ScheduledMinimum(replicas: 4, rule: "evening")))
        #expect(d.desired == 4)
        #expect(d.reason.contains("schedule evening: 4 pods (other metrics invalid"))
        var plain = makeController(makeHPA(cpu: 0.6), min: 2, max: 20, initial: 2)
        #expect(plain.reconcile(Observation(time: 0, service: "web", replicas: 2, pods: missing)).rule == "no-metrics")
    }
}
