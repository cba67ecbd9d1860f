import Testing
@testable import Autoscaling
@testable import CapsimModel

/// The path with a `behavior` block (H `normalizeDesiredReplicasWithBehaviors`,
/// `stabilizeRecommendationWithBehaviors`, `convertDesiredReplicasWithBehaviorRate`,
/// `calculateScaleUpLimitWithScalingRules`, `calculateScaleDownLimitWithBehaviors`; R4.2–R4.7).
@Suite struct BehaviorPolicyTests {
    func behavior(up: HPAScalingRules = defaultBehavior.scaleUp, down: HPAScalingRules = defaultBehavior.scaleDown) -> HPABehavior {
        HPABehavior(scaleUp: up, scaleDown: down, explicit: true)
    }

    @Test func podsPolicyAddsTwoPerMinuteCountingEventsStrictlyInsideThePeriod() {
        // V4: spec 5, scaleUp Pods 2 / 60 s, max 20; a constant 6000m of work on a 50 % target asks
        // for 12. Tolerance 0 here so that 11 pods (ratio 1.08) still ask for 12, as V4 assumes.
        let b = behavior(up: rules(window: 0, [podsPolicy(2, per: 60)]))
        var c = makeController(makeHPA(cpu: 0.5, tolerance: 0, behavior: b), min: 1, max: 20)
        let ds = drive(&c, from: 5, times: stride(from: 0.0, through: 195, by: 15)) { podsSharing(6000, over: $0) }
        #expect(ds.map(\.desired) == [7, 7, 7, 7, 9, 9, 9, 9, 11, 11, 11, 11, 12, 12])
        #expect(ds[0].rule == "rate-limited")
        #expect(ds[0].reason.hasPrefix("rate-limited: scale-up policy allows 2 pods per 60 s → 7 (from 5 at the period start); cpu 120% of request vs target 50%: ratio 2.40 → 12 pods"))
        #expect(ds[1].rule == "rate-limited" && !ds[1].changesReplicas)   // the +2 @ 0 still counts at t=15..45
        #expect(at(180, ds)?.rule == "scale-up")
        #expect(at(195, ds)?.rule == "tolerance")
    }

    @Test func scaleEventsAreRecordedOnlyWhenTheCountChanges() {
        let b = behavior(up: rules(window: 0, [podsPolicy(2, per: 60)]))
        var c = makeController(makeHPA(cpu: 0.5, behavior: b), min: 1, max: 20)
        _ = c.reconcile(obs(0, 5, pods(5, usage: 1200)))
        #expect(c.scaleUpEvents == [HPAController.ScaleEvent(change: 2, time: 0)])
        _ = c.reconcile(obs(15, 7, pods(7, usage: 1200)))   // held at 7 by the period
        #expect(c.scaleUpEvents.count == 1 && c.scaleDownEvents.isEmpty)
    }

    @Test func defaultBehaviorAllowsDoublingOrFourPodsPer15Seconds() {
        // V4's contrast: limit max(ceil(5 × 2) = 10, 5 + 4 = 9) = 10, then 12 at the next sync.
        var c = makeController(makeHPA(cpu: 0.5, behavior: defaultBehavior), min: 1, max: 20)
        let ds = drive(&c, from: 5, times: stride(from: 0.0, through: 15, by: 15)) { podsSharing(6000, over: $0) }
        #expect(ds.map(\.desired) == [10, 12])
        #expect(ds[0].reason.hasPrefix("rate-limited: scale-up policy allows 100% per 15 s → 10 (from 5 at the period start)"))
    }

    @Test func scaleDownIsHeldByTheDefaultWindowAndReleasedExactlyAt300() {
        // V3, behavior path: the seed {10 @ 0} is not After(300 − 300) at t=300, one sync earlier than the old path.
        var c = makeController(makeHPA(cpu: 0.5, behavior: defaultBehavior), min: 1, max: 20)
        let ds = drive(&c, from: 10, times: stride(from: 0.0, through: 315, by: 15)) { pods($0, usage: 250) }
        for d in ds where d.time < 300 {
            #expect(d.desired == 10 && d.rule == "stabilized", "held at t=\(d.time)")
        }
        #expect(ds[0].reason.hasPrefix("stabilized: max recommendation in the last 300 s was 10; "))
        #expect(at(300, ds)?.desired == 5)
        #expect(at(300, ds)?.rule == "scale-down")
        #expect(c.scaleDownEvents == [HPAController.ScaleEvent(change: 5, time: 300)])
    }

    @Test func scaleUpWindowTakesTheMinimumRecommendation() {
        // A 60 s scale-up window: the seed {4 @ 0} keeps the count at 4 until it leaves the window at t=60.
        let b = behavior(up: rules(window: 60, [podsPolicy(4, per: 15), percentPolicy(1.0, per: 15)]))
        var c = makeController(makeHPA(cpu: 0.5, behavior: b), min: 1, max: 20)
        let ds = drive(&c, from: 4, times: stride(from: 0.0, through: 60, by: 15)) { pods($0, usage: 1000) }
        #expect(ds.map(\.desired) == [4, 4, 4, 4, 8])
        #expect(ds[0].rule == "stabilized")
        #expect(ds[0].reason.hasPrefix("stabilized: min recommendation in the last 60 s was 4; "))
    }

    @Test func percentPolicyRoundsTheAllowedCountUpOnScaleUp() {
        // V12: Percent 50 / 60 s from 3 → ceil(4.5) = 5.
        let b = behavior(up: rules(window: 0, [percentPolicy(0.5, per: 60)]))
        var c = makeController(makeHPA(cpu: 0.5, behavior: b), min: 1, max: 100)
        let d = c.reconcile(obs(0, 3, pods(3, usage: 3000)))
        #expect(d.desired == 5)
        #expect(d.reason.hasPrefix("rate-limited: scale-up policy allows 50% per 60 s → 5 (from 3 at the period start)"))
    }

    @Test func percentPolicyTruncatesTheAllowedCountOnScaleDown() {
        // D3 / V12: Pods 4 / 60 s and Percent 10 / 60 s, Max: 80 → 72 (10 % of 80 removes 8), held for
        // the minute, then 72 → 64 (int(64.8)), then 64 → 57 (int(57.6), not 58).
        let b = behavior(down: rules(window: 0, [podsPolicy(4, per: 60), percentPolicy(0.1, per: 60)]))
        var c = makeController(makeHPA(cpu: 0.5, behavior: b), min: 1, max: 100)
        let ds = drive(&c, from: 80, times: stride(from: 0.0, through: 120, by: 15)) { pods($0, usage: 50) }
        #expect(ds.map(\.desired) == [72, 72, 72, 72, 64, 64, 64, 64, 57])
        #expect(ds[0].rule == "rate-limited")
        #expect(ds[0].reason.hasPrefix("rate-limited: scale-down policy allows removing 10% per 60 s → 72 (from 80 at the period start)"))
    }

    @Test func podsPolicyDominatesScaleDownBelow40Replicas() {
        let b = behavior(down: rules(window: 0, [podsPolicy(4, per: 60), percentPolicy(0.1, per: 60)]))
        var c = makeController(makeHPA(cpu: 0.5, behavior: b), min: 1, max: 100)
        let d = c.reconcile(obs(0, 30, pods(30, usage: 50)))
        #expect(d.desired == 26)   // Pods 30 − 4 = 26 beats Percent int(27.0) = 27
        #expect(d.reason.hasPrefix("rate-limited: scale-down policy allows removing 4 pods per 60 s → 26"))
    }

    @Test func selectPolicyMinTakesTheSmallestChange() {
        let up = rules(window: 0, select: .min, [podsPolicy(4, per: 15), percentPolicy(1.0, per: 15)])
        var c = makeController(makeHPA(cpu: 0.5, behavior: behavior(up: up)), min: 1, max: 100)
        #expect(c.reconcile(obs(0, 10, pods(10, usage: 2000))).desired == 14)   // min(10 + 4, 20)

        var cMax = makeController(makeHPA(cpu: 0.5, behavior: behavior(up: rules(window: 0, [podsPolicy(4, per: 15), percentPolicy(1.0, per: 15)]))), min: 1, max: 100)
        #expect(cMax.reconcile(obs(0, 10, pods(10, usage: 2000))).desired == 20)  // max(14, 20)

        let down = rules(window: 0, select: .min, [podsPolicy(4, per: 60), percentPolicy(0.1, per: 60)])
        var cDown = makeController(makeHPA(cpu: 0.5, behavior: behavior(down: down)), min: 1, max: 100)
        #expect(cDown.reconcile(obs(0, 80, pods(80, usage: 50))).desired == 76)  // max(76, 72)
    }

    @Test func selectPolicyDisabledBlocksThatDirection() {
        let upOff = rules(window: 0, select: .disabled, [podsPolicy(4, per: 15)])
        var c = makeController(makeHPA(cpu: 0.5, behavior: behavior(up: upOff)), min: 1, max: 100)
        let d = c.reconcile(obs(0, 5, pods(5, usage: 1200)))
        #expect(d.desired == 5 && d.rule == "rate-limited")
        #expect(d.reason.hasPrefix("rate-limited: scale-up is disabled (selectPolicy Disabled)"))

        let downOff = rules(window: 0, select: .disabled, [percentPolicy(1.0, per: 15)])
        var cDown = makeController(makeHPA(cpu: 0.5, behavior: behavior(down: downOff)), min: 1, max: 100)
        let dd = cDown.reconcile(obs(0, 10, pods(10, usage: 100)))
        #expect(dd.desired == 10 && dd.rule == "rate-limited")
        #expect(dd.reason.hasPrefix("rate-limited: scale-down is disabled (selectPolicy Disabled)"))
    }

    @Test func periodStartCountsScaleDownEventsOnScaleUp() {
        // R4.5 (current form): period start = current − added + deleted, both directions.
        let b = behavior(up: rules(window: 0, [podsPolicy(2, per: 60)]), down: rules(window: 0, [podsPolicy(4, per: 60)]))
        var c = makeController(makeHPA(cpu: 0.5, behavior: b), min: 1, max: 100)
        #expect(c.reconcile(obs(0, 10, pods(10, usage: 100))).desired == 6)    // −4 @ 0
        let d = c.reconcile(obs(15, 6, pods(6, usage: 1000)))                    // asks 24
        #expect(d.desired == 12)   // start 6 − 0 + 4 = 10, Pods 2 → 12 (only same-direction events would give 8)
    }

    @Test func desiredAboveMaxIsClampedToMaxWithDefaultBehavior() {
        // V8: spec 5, max 10, asks 30; up limit max(10, 9) = 10 is not below max → TooManyReplicas.
        var c = makeController(makeHPA(cpu: 1.0, behavior: defaultBehavior), min: 1, max: 10)
        let d = c.reconcile(obs(0, 5, pods(5, usage: 6000)))
        #expect(d.desired == 10 && d.rule == "max-replicas")
        #expect(d.reason.hasPrefix("clamped to max replicas 10; "))
    }

    @Test func desiredBelowMinIsClampedToMinWithDefaultBehavior() {
        // V9: spec 5, min 2, asks 1; once the seed leaves the 300 s window: down limit int(5 × 0) = 0 → TooFewReplicas → 2.
        var c = makeController(makeHPA(cpu: 0.5, behavior: defaultBehavior), min: 2, max: 10)
        let ds = drive(&c, from: 5, times: stride(from: 0.0, through: 300, by: 15)) { pods($0, usage: 10) }
        #expect(at(285, ds)?.desired == 5)
        #expect(at(300, ds)?.desired == 2)
        #expect(at(300, ds)?.rule == "min-replicas")
        #expect(at(300, ds)?.reason.hasPrefix("clamped to min replicas 2; ") == true)
    }

    @Test func outOfRangeJumpsAreRecordedAsScaleEvents() {
        // R4.0: the out-of-range branches rescale, and storeScaleEvent records them on the behavior path.
        var c = makeController(makeHPA(cpu: 0.5, behavior: defaultBehavior), min: 1, max: 10)
        let d = c.reconcile(obs(0, 15, pods(15, usage: 500)))
        #expect(d.desired == 10)
        #expect(c.scaleDownEvents == [HPAController.ScaleEvent(change: 5, time: 0)])
    }

    @Test func theBundledHolidaySurgeBehaviorLimitsScaleDownTo10PercentPerMinute() throws {
        let s = try bundledScenario("scenarios/teaching/holiday-surge.yaml")
        let svc = try #require(s.services["payments-service"])
        let hpa = try #require(svc.autoscaling.hpa)
        #expect(hpa.behavior.explicit)
        var c = HPAController(hpa: hpa, replicas: svc.replicas, service: "payments-service")
        // 10 pods idle at 10 % of request vs 70 %: after the 5 min window, 10 % per minute: 10 → 9.
        let ds = drive(&c, from: 10, times: stride(from: 0.0, through: 360, by: 15)) { pods($0, usage: 25, request: 250) }
        #expect(at(285, ds)?.desired == 10)
        #expect(at(300, ds)?.desired == 9)
        #expect(at(345, ds)?.desired == 9)
        #expect(at(360, ds)?.desired == 8)   // int(9 × 0.9) = 8
    }
}

/// `storeScaleEvent` ages and reuses slots only in the direction it writes (R4.6), so an old
/// scale-down overwritten under the 15 s down period no longer inflates the 60 s scale-up
/// limit's period start. Found by replaying a recording against upstream's rules.
@Test("a scale-down slot reused under its own short period does not widen the scale-up limit")
func scaleEventSlotsAreAgedPerDirection() {
    let behavior = HPABehavior(scaleUp: rules(window: 0, [podsPolicy(4, per: 60)]),
                               scaleDown: rules(window: 0, [percentPolicy(1.0, per: 15)]), explicit: true)
    var c = makeController(makeHPA(cpu: 0.5, behavior: behavior), min: 1, max: 100, initial: 10)
    #expect(c.reconcile(obs(0, 10, pods(10, usage: 300))).desired == 6)
    #expect(c.reconcile(obs(30, 6, pods(6, usage: 400))).desired == 5)
    // Period start = 5 now − 0 up + 1 down (t=30; the t=0 event's slot was reused) = 6 → 6 + 4.
    let d = c.reconcile(obs(45, 5, pods(5, usage: 2000)))
    #expect(d.desired == 10)
    #expect(d.rule == "rate-limited")
}
