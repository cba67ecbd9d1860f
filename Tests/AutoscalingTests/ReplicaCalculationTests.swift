import Testing
@testable import Autoscaling
@testable import CapsimModel

/// The metric half of the HPA (RC-new `GetResourceReplicas`, `groupPods`,
/// `GetResourceUtilizationRatio`, `calcPlainMetricReplicas`; H `computeReplicasForMetrics`).
@Suite struct ReplicaCalculationTests {
    // MARK: basic formula and the docs' worked example (R1.5, V1, D2)

    @Test func fiftyPodsAt90PercentAgainst75PercentTargetScaleTo60() {
        var c = makeController(makeHPA(cpu: 0.75), min: 1, max: 100)
        let d = c.reconcile(obs(0, 50, pods(50, usage: 900)))
        #expect(d.desired == 60)
        #expect(d.rule == "scale-up")
        #expect(d.metricValue == 0.9)
        #expect(d.reason == "cpu 90% of request vs target 75%: ratio 1.20 → 60 pods")
        #expect(d.policy == .hpa && d.current == 50 && d.service == "web")
    }

    @Test func fiftyPodsAt90PercentGiveTheSame60WithDefaultBehavior() {
        var c = makeController(makeHPA(cpu: 0.75, behavior: defaultBehavior), min: 1, max: 100)
        #expect(c.reconcile(obs(0, 50, pods(50, usage: 900))).desired == 60)
    }

    @Test func utilizationIsTheRatioOfSumsTruncatedToAWholePercent() throws {
        // 1659m of 3000m is 55.3 %, truncated to 55 → ratio 1.10, within tolerance. Without the
        // truncation (1.106) it would scale to 4.
        let p = [pod("a", usage: 553), pod("b", usage: 553), pod("c", usage: 553)]
        let result = try calculator().resourceReplicas(current: 3, pods: p, target: 0.5).get()
        #expect(result.replicas == 3)
        #expect(result.hold == .tolerance)
        #expect(result.value == 0.55)
        // Sums, not a mean of per-pod percentages: 100/200 + 900/1000 is 1000/1200 = 83 %, not 70 %.
        let uneven = [pod("a", usage: 100, request: 200), pod("b", usage: 900, request: 1000)]
        #expect(try calculator().resourceReplicas(current: 2, pods: uneven, target: 0.5).get().value == 0.83)
    }

    // MARK: tolerance (R1.2, R1.4, V2, V13)

    @Test func ratio104IsWithinToleranceSoNothingChanges() {
        var c = makeController(makeHPA(cpu: 0.5), max: 100)
        let d = c.reconcile(obs(0, 10, pods(10, usage: 520)))
        #expect(d.desired == 10)
        #expect(d.rule == "tolerance")
        #expect(d.reason.hasPrefix("within tolerance 0.1: ratio 1.04"))
        #expect(!d.changesReplicas)
    }

    @Test func upstreamToleranceTestKeepsThreePodsAt102Percent() throws {
        // T `TestReplicaCalcTolerance`: requests 900/1000/1100, usage 1010/1030/1020, target 100 %.
        let p = [pod("a", usage: 1010, request: 900), pod("b", usage: 1030, request: 1000), pod("c", usage: 1020, request: 1100)]
        let r = try calculator().resourceReplicas(current: 3, pods: p, target: 1.0).get()
        #expect(r.replicas == 3 && r.hold == .tolerance && r.value == 1.02)
    }

    @Test func bothToleranceEdgesAreInclusive() throws {
        let calc = calculator()
        // Lower edge: util 45 vs 50 → ratio 0.9 exactly: within.
        #expect(try calc.resourceReplicas(current: 10, pods: pods(10, usage: 450), target: 0.5).get().hold == .tolerance)
        // Upper edge: util 110 vs 100 → ratio 1.1: within in RC-new's isWithin (RC-old would give 11; V13).
        let upper = try calc.resourceReplicas(current: 10, pods: pods(10, usage: 1100), target: 1.0).get()
        #expect(upper.replicas == 10 && upper.hold == .tolerance)
        // Just outside each edge the count moves.
        #expect(try calc.resourceReplicas(current: 10, pods: pods(10, usage: 1110), target: 1.0).get().replicas == 12)
        #expect(try calc.resourceReplicas(current: 10, pods: pods(10, usage: 890), target: 1.0).get().replicas == 9)
    }

    @Test func toleranceEdgeHoldsThroughTheControllerToo() {
        var c = makeController(makeHPA(cpu: 1.0), max: 100)
        let d = c.reconcile(obs(0, 10, pods(10, usage: 1100)))
        #expect(d.desired == 10 && d.rule == "tolerance")
    }

    @Test func aToleranceOfZeroScalesOnAnyDeviation() throws {
        let r = try calculator(tolerance: 0).resourceReplicas(current: 10, pods: pods(10, usage: 520), target: 0.5).get()
        #expect(r.replicas == 11)
    }

    // MARK: missing pods on scale-down (R2.3, V5)

    @Test func missingPodCountsAsFullRequestOnScaleDown() throws {
        let p = [pod("a", usage: 100), pod("b", usage: 100), pod("c", usage: 100), pod("d", usage: nil)]
        let r = try calculator().resourceReplicas(current: 4, pods: p, target: 0.5).get()
        // Ready-only ratio 0.2 would give ceil(0.2 × 3) = 1; with d at 100 %: util 32, ratio 0.64 → 3.
        #expect(r.replicas == 3)
        #expect(r.ratio == 0.2)
        #expect(r.text.contains("counting 1 missing pod at 100%"))
        #expect(r.text.contains("ratio 0.64 → 3 pods"))
    }

    @Test func missingPodOnScaleDownReachesTheControllerWhenNoWindowHoldsIt() {
        let behavior = HPABehavior(scaleUp: defaultBehavior.scaleUp,
                                   scaleDown: rules(window: 0, [percentPolicy(1.0, per: 15)]), explicit: true)
        var c = makeController(makeHPA(cpu: 0.5, behavior: behavior), min: 1, max: 10)
        let p = [pod("a", usage: 100), pod("b", usage: 100), pod("c", usage: 100), pod("d", usage: nil)]
        let d = c.reconcile(obs(0, 4, p))
        #expect(d.desired == 3 && d.rule == "scale-down")
        #expect(d.metricValue == 0.1)   // status reports the ready pods' utilisation
    }

    @Test func unreadyPodIsLeftOutOnScaleDownWhileMissingPodCountsFull() throws {
        // T `TestReplicaCalcMissingMetricsUnreadyScaleDown`: 1 unready at 100, 2 ready at 100, 1 missing, target 50.
        let p = [pod("u", usage: 100, ready: false, readyFor: nil), pod("a", usage: 100), pod("b", usage: 100), pod("m", usage: nil)]
        let r = try calculator().resourceReplicas(current: 4, pods: p, target: 0.5).get()
        #expect(r.replicas == 3)
        #expect(r.value == 0.1)
        #expect(r.text.contains("ratio 0.80 → 3 pods"))   // int(2400·100/6000) = 40 → 0.8, ×3 pods in metrics
    }

    @Test func missingPodCountsAtTheTargetWhenTheTargetIsAbove100Percent() throws {
        // T `TestReplicaCalcMissingMetricsScaleDownTargetOver100`: RC-new fills 4000·300/100 = 12000 → 2
        // (RC-old's plain 100 % would give 1).
        let p = [pod("a", usage: 200, request: 2000), pod("b", usage: 200, request: 4000), pod("m", usage: nil, request: 4000)]
        let r = try calculator().resourceReplicas(current: 3, pods: p, target: 3.0).get()
        #expect(r.replicas == 2)
        #expect(r.text.contains("1 missing pod at 300%"))
    }

    @Test func missingPodCountsZeroOnScaleUp() throws {
        // 3 ready at 900 vs 50 % (ratio 1.8) and 1 missing at 0: int(2700·100/4000) = 67 → 1.34 → ceil(5.36) = 6
        // (the simple path would give ceil(1.8 × 3) = 6 as well, but through a different ratio).
        let p = [pod("a", usage: 900), pod("b", usage: 900), pod("c", usage: 900), pod("m", usage: nil)]
        let r = try calculator().resourceReplicas(current: 4, pods: p, target: 0.5).get()
        #expect(r.replicas == 6)
        #expect(r.text.contains("1 missing pod at 0%") && r.text.contains("ratio 1.34"))
    }

    // MARK: unready pods on scale-up (R2.3, V6)

    @Test func unreadyPodCountsZeroOnScaleUpAndLessensTheScale() throws {
        // V6(a), T `TestReplicaCalcScaleUpUnreadyLessScale`: target 30, pod0 Ready=False at 300, pods at 500 and 700.
        let p = [pod("p0", usage: 300, ready: false, readyFor: nil), pod("p1", usage: 500), pod("p2", usage: 700)]
        let r = try calculator().resourceReplicas(current: 3, pods: p, target: 0.3).get()
        #expect(r.replicas == 4)
        #expect(r.value == 0.6)   // status utilisation stays the ready pods' 60 %
        #expect(r.text.contains("1 unready pod at 0%") && r.text.contains("ratio 1.33 → 4 pods"))
    }

    @Test func rebalancingIntoToleranceSuppressesTheScaleUp() throws {
        // V6(b): target 50, pod0 unready inside the CPU init period, two ready at 800: naive 4, rebalanced 1.06 → 3.
        let p = [pod("p0", usage: 500, ready: false, age: 60, readyFor: nil), pod("p1", usage: 800), pod("p2", usage: 800)]
        let r = try calculator().resourceReplicas(current: 3, pods: p, target: 0.5).get()
        #expect(r.replicas == 3)
        #expect(r.hold == .tolerance)
        #expect(r.text.hasPrefix("within tolerance 0.1: ratio 1.06 after rebalancing"))
    }

    @Test func rebalancingThatReversesTheDirectionKeepsTheCount() throws {
        // V6(c), T `TestReplicaCalcScaleUpUnreadyNoScale`: target 30, one ready at 400, two unready.
        let p = [pod("r", usage: 400), pod("u1", usage: 1000, ready: false, readyFor: nil), pod("u2", usage: 1000, ready: false, readyFor: nil)]
        let r = try calculator().resourceReplicas(current: 3, pods: p, target: 0.3).get()
        #expect(r.replicas == 3)
        #expect(r.hold == .directionFlip)
        #expect(r.ratio > 1.33 && r.ratio < 1.34)
    }

    @Test func unreadyPodsDoNotBlockAScaleDown() throws {
        // ratio < 1 with unready pods and no missing pod: the simple path over the ready pods.
        let p = [pod("u", usage: 0, ready: false, readyFor: nil), pod("a", usage: 200), pod("b", usage: 200)]
        let r = try calculator().resourceReplicas(current: 3, pods: p, target: 0.5).get()
        #expect(r.replicas == 1)   // util 20 → 0.4 × 2 ready = 0.8 → 1
    }

    // MARK: groupPods (R2.1, §6)

    @Test func groupPodsAppliesTheCPUReadinessRules() {
        let calc = calculator(cpuInit: 120, readinessDelay: 10)
        let g = calc.groupPods([
            pod("ready", usage: 100),
            pod("pending", usage: nil, ready: false, readyFor: nil, phase: .pending),         // Pending
            pod("missing", usage: nil),                                                       // ready, no sample
            pod("running-notready-nosample", usage: nil, ready: false, readyFor: nil),        // Running, not Ready, no sample: missing
            pod("failed", usage: 100, phase: .failed),                                        // Failed: ignored
            pod("since-early", usage: 100, ready: false, age: 600, readySince: 595),          // NotReady since 5 s after start (< delay 10): never ready
            pod("since-late", usage: 100, ready: false, age: 600, readySince: 500),           // NotReady since 100 s after start: was ready, counts
            pod("init-stale-since", usage: 100, age: 60, metricWindow: 10, readySince: 40),   // ready_since gives the transition at 20
            pod("init-notready", usage: 100, ready: false, age: 60, readyFor: nil),           // in init, Ready=False
            pod("init-stale", usage: 100, age: 60, readyFor: 40, metricWindow: 10),           // window starts before the transition at 20
            pod("init-fresh", usage: 100, age: 60, readyFor: 40, metricWindow: 20),           // window starts exactly at the transition
            pod("init-unknown", usage: 100, age: 60, readyFor: nil, metricWindow: nil),       // ready, window unknown → fresh
            pod("edge-of-init", usage: 100, ready: false, age: 120, readyFor: 50),            // age == cpuInit → out of init; was ready once
            pod("never-ready", usage: 100, ready: false, age: 600, readyFor: nil),            // past init, never became ready
            pod("went-notready", usage: 100, ready: false, age: 600, readyFor: 100),          // past init, ready once then NotReady
        ])
        #expect(g.ready.map(\.name) == ["ready", "since-late", "init-fresh", "init-unknown", "edge-of-init", "went-notready"])
        #expect(g.unready.map(\.name) == ["pending", "since-early", "init-stale-since", "init-notready", "init-stale", "never-ready"])
        #expect(g.missing.map(\.name) == ["missing", "running-notready-nosample"])
        #expect(g.ignored.map(\.name) == ["failed"])
    }

    @Test func aPodWithoutACPURequestInvalidatesTheMetric() {
        var c = makeController(makeHPA(cpu: 0.5), max: 10)
        let d = c.reconcile(obs(0, 2, [pod("a", usage: 900), pod("b", usage: 900, request: 0)]))
        #expect(d.rule == "no-metrics")
        #expect(d.desired == 2)
        #expect(d.reason.contains("missing request for cpu in pod b"))
        #expect(c.recommendations.count == 1)   // only the seed: nothing recorded on failure (R3.1)
    }

    @Test func onlyUnreadyPodsMeanNoMetrics() {
        var c = makeController(makeHPA(cpu: 0.5), max: 10)
        let d = c.reconcile(obs(0, 2, [pod("a", usage: 900, ready: false, readyFor: nil), pod("b", usage: nil, ready: false, readyFor: nil)]))
        #expect(d.rule == "no-metrics" && d.desired == 2)
        #expect(d.reason.contains("did not receive metrics for targeted pods"))
    }

    // MARK: several metrics (R3.1)

    @Test func severalMetricsTakeTheLargestProposal() {
        // cpu: util 60 vs 50 → ceil(1.2 × 4) = 5; in_flight 15 per pod vs 10 → ceil(1.5 × 4) = 6.
        let hpa = makeHPA(cpu: 0.5, others: [HPAMetric(metric: .inFlight, target: 10)])
        var c = makeController(hpa, max: 100)
        let d = c.reconcile(obs(0, 4, pods(4, usage: 600), metrics: [.inFlight: 15]))
        #expect(d.desired == 6)
        #expect(d.metricValue == 15)
        #expect(d.reason.contains("in_flight 15 per pod vs target 10: ratio 1.50 → 6 pods"))
        #expect(d.reason.contains("highest of 2 metric proposals: cpu_utilization 5, in_flight 6"))

        // The other way round: CPU wins though it comes first.
        var c2 = makeController(hpa, max: 100)
        let d2 = c2.reconcile(obs(0, 4, pods(4, usage: 900), metrics: [.inFlight: 11]))
        #expect(d2.desired == 8)   // cpu ceil(1.8 × 4) = 8 vs in_flight within tolerance (4)
        #expect(d2.metricValue == 0.9)
    }

    @Test func anInvalidMetricBlocksAScaleDownButNotAScaleUp() {
        let hpa = makeHPA(cpu: 0.5, others: [HPAMetric(metric: .queueLength, target: 100)])
        let behavior0 = HPABehavior(scaleUp: defaultBehavior.scaleUp, scaleDown: rules(window: 0, [percentPolicy(1, per: 15)]), explicit: true)
        var down = makeController(makeHPA(cpu: 0.5, others: [HPAMetric(metric: .queueLength, target: 100)], behavior: behavior0), max: 10)
        let d = down.reconcile(obs(0, 4, pods(4, usage: 100)))   // cpu wants 1; queue_length missing
        #expect(d.rule == "no-metrics" && d.desired == 4)
        #expect(d.reason.contains("scale-down to 1 skipped"))

        var up = makeController(hpa, max: 10)
        let u = up.reconcile(obs(0, 4, pods(4, usage: 900)))    // cpu wants 8; queue_length missing
        #expect(u.desired == 8 && u.rule == "scale-up")
        #expect(u.reason.contains("invalid: queue_length"))
    }

    // MARK: Pods-type AverageValue metrics and service-level figures (R1.6)

    @Test func podsMetricUsesThePerPodAverageOverReadyPods() {
        var c = makeController(makeHPA(cpu: nil, others: [HPAMetric(metric: .queueLength, target: 100)]), max: 20)
        let d = c.reconcile(obs(0, 4, pods(4, usage: 0), metrics: [.queueLength: 250]))
        #expect(d.desired == 8)   // ratio 2.5 × 4 = 10, limited by the legacy max(2 × 4, 4) = 8
        #expect(d.rule == "rate-limited")
        #expect(d.reason.hasPrefix("rate-limited: scale-up limit max(2 × 4, 4) = 8; queue_length 250 per pod vs target 100: ratio 2.50 → 10 pods"))
    }

    @Test func podsMetricCountsPendingPodsAsZeroOnScaleUp() throws {
        let p = [pod("a", usage: 0), pod("b", usage: 0), pod("c", usage: nil, ready: false, readyFor: nil, phase: .pending)]
        // Reporting pods average 12 vs 10 (ratio 1.2); spread over 3 pods 8 → reverses the direction: keep 3.
        let held = try calculator().podsMetricReplicas(current: 3, metric: .inFlight, value: 12, target: 10, pods: p).get()
        #expect(held.replicas == 3 && held.hold == .directionFlip)
        // 30 vs 10: spread over 3 pods 20 → ratio 2.0 → 6 (= ceil(Σ / target)).
        let up = try calculator().podsMetricReplicas(current: 3, metric: .inFlight, value: 30, target: 10, pods: p).get()
        #expect(up.replicas == 6)
    }

    @Test func aRunningNotReadyPodsSampleCountsForAPodsMetric() throws {
        // Upstream groupPods checks readiness for CPU only: a Running, not-Ready pod reports,
        // so 12 vs 10 over 3 pods is ratio 1.2 → ceil(3.6) = 4, not a direction flip.
        let p = [pod("a", usage: 0), pod("b", usage: 0), pod("c", usage: nil, ready: false, readyFor: nil)]
        let r = try calculator().podsMetricReplicas(current: 3, metric: .inFlight, value: 12, target: 10, pods: p).get()
        #expect(r.replicas == 4 && r.hold == nil)
    }

    @Test func perPodSamplesFollowCalcPlainMetricReplicas() throws {
        func sampled(_ name: String, _ v: Double?, ready: Bool = true, phase: PodPhase = .running) -> PodSample {
            var p = pod(name, usage: nil, ready: ready, phase: phase)
            if let v { p.metrics[.queueLength] = v }
            return p
        }
        // A scale-down with a missing pod (no sample): it counts as exactly the target, so
        // [5, 5, target 10] averages 6.67 → ratio 0.67 → ceil(0.67 × 3) = 2 (not 1).
        let down = try calculator().podsMetricReplicas(current: 3, metric: .queueLength, value: nil, target: 10,
                                                       pods: [sampled("a", 5), sampled("b", 5), sampled("c", nil, ready: false)]).get()
        #expect(down.replicas == 2)
        // The int64 average of milli-values truncates: (10 + 10 + 11) / 3 = 10.333 → 10.333 vs 10 → within tolerance.
        let held = try calculator().podsMetricReplicas(current: 3, metric: .queueLength, value: nil, target: 10,
                                                       pods: [sampled("a", 10), sampled("b", 10), sampled("c", 11)]).get()
        #expect(held.hold == .tolerance && held.value == 10.333)
        // A deleting pod's sample is ignored; a Running, not-Ready pod's counts.
        var gone = sampled("d", 100); gone.deleting = true
        let up = try calculator().podsMetricReplicas(current: 3, metric: .queueLength, value: nil, target: 10,
                                                     pods: [sampled("a", 20), sampled("b", 20, ready: false), gone]).get()
        #expect(up.replicas == 4)   // average 20 over 2 → ratio 2 × 2 = 4
    }

    @Test func podsMetricWithoutAPodListUsesTheReplicaCount() throws {
        let r = try calculator().podsMetricReplicas(current: 5, metric: .latencyP95, value: 0.3, target: 0.2, pods: []).get()
        #expect(r.replicas == 8)   // 1.5 × 5 = 7.5 → 8
        #expect(r.text == "latency_p95 300ms per pod vs target 200ms: ratio 1.50 → 8 pods")
    }

    @Test func serviceLevelCPUIsUsedWhenTheObservationHasNoPods() {
        var c = makeController(makeHPA(cpu: 0.75), max: 100)
        let d = c.reconcile(obs(0, 50, [], metrics: [.cpuUtilization: 0.9]))
        #expect(d.desired == 60)
        #expect(d.reason == "cpu 90% of request vs target 75%: ratio 1.20 → 60 pods")
        // 0.29 × 100 is 28.999… in Double: still 29 %.
        let r = try? calculator().serviceLevelCPUReplicas(current: 10, value: 0.29, target: 0.29).get()
        #expect(r?.hold == .tolerance && r?.value == 0.29)
    }

    @Test func noMetricAtAllIsNoMetrics() {
        var c = makeController(makeHPA(cpu: 0.5), max: 10)
        let d = c.reconcile(obs(0, 3))
        #expect(d.rule == "no-metrics" && d.desired == 3 && d.metricValue == nil)
    }
}
