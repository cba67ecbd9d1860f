import CapsimModel

// The metric half of the HPA: from one observation to one replica proposal per metric.
// A port of upstream `pkg/controller/podautoscaler/replica_calculator.go` (RC-new in
// docs/hpa-reference.md §0) and `metrics/utilization.go`, adapted to `PodSample`.
// Rule numbers (R…) and vectors (V…) refer to docs/hpa-reference.md.

/// The no-change band around ratio 1 (R1.2, RC-new `Tolerances` / `isWithin`).
///
/// Both bounds are inclusive: no change iff `1 − scaleDown ≤ ratio ≤ 1 + scaleUp`. This is the
/// current (≥ v1.33) form; RC-old's `math.Abs(1.0-usageRatio) <= tolerance` differs only at the
/// exact upper edge (R1.4, V13: ratio 1.1 is "within" here, so 10 pods stay 10).
/// capsim's `HPA.tolerance` is the cluster-wide scalar (`--horizontal-pod-autoscaler-tolerance`),
/// used for both directions; per-direction tolerances (R1.3) are not in the scenario format.
struct Tolerances: Hashable, Sendable {
    var scaleDown: Double
    var scaleUp: Double

    init(_ both: Double) { scaleDown = both; scaleUp = both }
    init(scaleDown: Double, scaleUp: Double) { self.scaleDown = scaleDown; self.scaleUp = scaleUp }

    func isWithin(_ usageRatio: Double) -> Bool {
        (1.0 - scaleDown) <= usageRatio && usageRatio <= (1.0 + scaleUp)
    }
}

/// Why a proposal equals the current count although the metric was read.
enum Hold: Hashable, Sendable {
    /// The usage ratio (or the rebalanced ratio) is within the tolerance (R1.2, R2.3).
    case tolerance
    /// Rebalancing unready/missing pods reversed the direction of the ratio (R2.3).
    case directionFlip
    /// The rebalanced count moved against the ratio's direction (R2.3, last `if`).
    case countFlip
}

/// One metric's replica proposal (the `replicaCountProposal` of H `computeReplicasForMetric`).
struct MetricProposal: Hashable, Sendable {
    let metric: Metric
    let replicas: Int
    /// The value that drove it: CPU utilisation as a fraction (the integer percent / 100, i.e.
    /// the ratio's numerator as upstream reports it in status), or the per-pod average.
    let value: Double
    /// The usage ratio over the ready pods (what upstream reports in status).
    let ratio: Double
    let hold: Hold?
    /// For `Decision.reason`, e.g. "cpu 90% of request vs target 75%: ratio 1.20 → 60 pods".
    let text: String
}

/// A metric that could not be evaluated (upstream: `computeReplicasForMetric` returns an error
/// and the condition `FailedGetResourceMetric` / `FailedGetPodsMetric`).
struct MetricFailure: Error, Hashable, Sendable {
    let metric: Metric
    let message: String
}

/// Pods split as upstream `groupPods` does (R2.1). `ignored` (deletion timestamp or phase
/// Failed) has no `PodSample` equivalent: the caller simply leaves such pods out.
struct PodGroups: Hashable, Sendable {
    var ready: [PodSample] = []
    var unready: [PodSample] = []
    var missing: [PodSample] = []
}

/// One pod's CPU figures in integer milli-units, as upstream's `PodMetric.Value` and request map.
struct PodCPU: Hashable, Sendable {
    var usage: Int64
    var request: Int64
}

struct ReplicaCalculator: Sendable {
    let tolerances: Tolerances
    /// Upstream `--horizontal-pod-autoscaler-cpu-initialization-period` (R1.1, default 5 min).
    let cpuInitializationPeriod: Double
    /// Upstream `delayOfInitialReadinessStatus`, `--horizontal-pod-autoscaler-initial-readiness-delay` (30 s).
    let initialReadinessDelay: Double

    // MARK: groupPods (R2.1)

    /// Upstream `groupPods` for the CPU resource, in its order of checks, mapped onto `PodSample`:
    ///
    /// - **Pending → unready.** `PodSample` has no phase; a pod that is not ready *and* has no
    ///   CPU sample is taken to be Pending (still being scheduled or pulled — metrics-server
    ///   reports nothing for it). Interpretation: upstream would call a Running, not-ready pod
    ///   without a sample "missing"; capsim cannot tell the two apart and picks Pending.
    /// - **No metric → missing.** A ready pod without `cpuUsage`.
    /// - **CPU readiness rules** (only for the CPU resource):
    ///   - inside `startTime + cpuInitializationPeriod` (i.e. `age < cpuInit`; at exactly
    ///     `age == cpuInit` the pod is out of init, §6): unready if not ready, or if the sample
    ///     window does not lie entirely after the last readiness transition
    ///     (`metricTimestamp < lastTransition + window` ⇔ window start < transition, with the
    ///     window start = `metricWindow` and the transition = `age − readyFor`, both relative to
    ///     the pod's start; a window starting exactly at the transition is fresh, §6). When
    ///     `readyFor` or `metricWindow` is unknown the sample is taken as fresh.
    ///   - past init: unready only if not ready **and** the last transition was within
    ///     `initialReadinessDelay` of the start ("never became ready"). Mapping: a not-ready pod
    ///     with `readyFor == nil` never became ready, so its condition's last transition is at
    ///     its start → unready; a not-ready pod with `readyFor` set was ready once and went
    ///     NotReady after that → counted ready, its metric used (T `TestGroupPods` "count in an
    ///     unready pod that was ready after initialization period"). `PodSample` does not say
    ///     *when* a pod went NotReady, so `initialReadinessDelay` cannot be compared exactly;
    ///     this mapping misjudges only a pod that flapped NotReady within the delay of its start.
    /// - Everything else is ready.
    func groupPods(_ pods: [PodSample]) -> PodGroups {
        var g = PodGroups()
        for pod in pods {
            if !pod.ready && Self.usage(pod) == nil { g.unready.append(pod); continue }   // Pending
            if Self.usage(pod) == nil { g.missing.append(pod); continue }
            let unready: Bool
            if pod.age < cpuInitializationPeriod {
                // startTime.Add(cpuInitializationPeriod).After(now)
                if !pod.ready {
                    unready = true
                } else if let readyFor = pod.readyFor, let windowStart = pod.metricWindow {
                    unready = windowStart < pod.age - readyFor
                } else {
                    unready = false
                }
            } else {
                // condition False && startTime + delay After lastTransition
                unready = !pod.ready && pod.readyFor == nil
            }
            if unready { g.unready.append(pod) } else { g.ready.append(pod) }
        }
        return g
    }

    // MARK: GetResourceUtilizationRatio (R1.5, U)

    /// Upstream `GetResourceUtilizationRatio`: the ratio of **sums** over the pods given, with
    /// the utilisation an integer percent truncated (`int32((metricsTotal*100)/requestsTotal)`).
    /// Returns nil when `requestsTotal == 0` (newer upstream: "no metrics returned matched known pods").
    static func utilizationRatio(_ pods: [PodCPU], targetUtilization: Int64) -> (ratio: Double, utilization: Int64)? {
        var metricsTotal: Int64 = 0, requestsTotal: Int64 = 0
        for p in pods { metricsTotal += p.usage; requestsTotal += p.request }
        guard requestsTotal > 0 else { return nil }
        let utilization = (metricsTotal * 100) / requestsTotal
        return (Double(utilization) / Double(targetUtilization), utilization)
    }

    /// Simulator millicores (Double) → upstream's integer milli-values. metrics-server and pod
    /// specs give whole millicores; rounding to the nearest removes float noise (900.0000001).
    /// Non-finite or negative figures map to 0 (a request of 0 is then "missing request").
    static func milli(_ x: Double) -> Int64 {
        guard x.isFinite, x > 0 else { return 0 }
        return Int64(min(x.rounded(), 1e15))
    }

    /// A pod's CPU sample, nil when absent or not a usable number (then the pod is "missing").
    static func usage(_ pod: PodSample) -> Double? {
        guard let u = pod.cpuUsage, u.isFinite, u >= 0 else { return nil }
        return u
    }

    /// The CPU target as upstream's integer percent (`targetAverageUtilization`), from capsim's
    /// fraction (0.7 → 70). Rounded, because 0.29 × 100 is 28.999… in Double.
    static func targetPercent(_ fraction: Double) -> Int64 { Int64((fraction * 100).rounded()) }

    // MARK: GetResourceReplicas (R1.5, R2.2, R2.3)

    /// Upstream `GetResourceReplicas` for a CPU `Utilization` target, exactly:
    /// 1. any pod without a CPU request makes the metric invalid ("missing request for cpu");
    /// 2. `groupPods`; unready pods' metrics are dropped; no ready pod with a sample → invalid
    ///    ("did not receive metrics for targeted pods (pods might be unready)");
    /// 3. `usageRatio` over the ready pods (R1.5);
    /// 4. simple path when there is no missing pod and no scale-up with unready pods:
    ///    within tolerance → current, else `ceil(ratio × readyPodCount)`;
    /// 5. otherwise rebalance (R2.3): on a scale-up (ratio > 1) missing and unready pods count 0;
    ///    on a scale-down (ratio < 1) missing pods count `request × max(100, target%) / 100`
    ///    (RC-new `fallbackUtilization`) and unready pods stay out; at ratio == 1 missing pods
    ///    are not filled. The tolerance is then checked on the **new** ratio only; within it, or
    ///    a direction flip, or a count moving against the ratio → current; else
    ///    `ceil(newRatio × len(metrics))`. `ceil` is capped at Int32.max as RC-new does.
    func resourceReplicas(current: Int, pods: [PodSample], target: Double) -> Result<MetricProposal, MetricFailure> {
        let targetUtilization = Self.targetPercent(target)
        guard targetUtilization > 0 else { return .failure(MetricFailure(metric: .cpuUtilization, message: "the CPU target must be above 0 %")) }
        if let pod = pods.first(where: { Self.milli($0.cpuRequest) <= 0 }) {
            return .failure(MetricFailure(metric: .cpuUtilization, message: "missing request for cpu in pod \(pod.name)"))
        }
        let groups = groupPods(pods)
        var metrics = groups.ready.map { PodCPU(usage: Self.milli(Self.usage($0) ?? 0), request: Self.milli($0.cpuRequest)) }
        guard !metrics.isEmpty,
              let (usageRatio, utilization) = Self.utilizationRatio(metrics, targetUtilization: targetUtilization) else {
            return .failure(MetricFailure(metric: .cpuUtilization, message: "did not receive metrics for targeted pods (pods might be unready)"))
        }
        let readyPodCount = groups.ready.count
        let head = "cpu \(utilization)% of request vs target \(targetUtilization)%"
        let value = Double(utilization) / 100
        func proposal(_ replicas: Int, _ hold: Hold?, _ text: String) -> Result<MetricProposal, MetricFailure> {
            .success(MetricProposal(metric: .cpuUtilization, replicas: replicas, value: value, ratio: usageRatio, hold: hold, text: text))
        }

        let scaleUpWithUnready = !groups.unready.isEmpty && usageRatio > 1.0
        if !scaleUpWithUnready && groups.missing.isEmpty {
            if tolerances.isWithin(usageRatio) {
                return proposal(current, .tolerance, "\(withinText(usageRatio)) (\(head))")
            }
            let n = ceilCount(usageRatio * Double(readyPodCount))
            return proposal(n, nil, "\(head): ratio \(fmt2(usageRatio)) → \(n) pods")
        }

        var notes: [String] = []
        if !groups.missing.isEmpty {
            if usageRatio < 1.0 {
                let fallbackUtilization = max(100, targetUtilization)
                for pod in groups.missing {
                    let request = Self.milli(pod.cpuRequest)
                    metrics.append(PodCPU(usage: request * fallbackUtilization / 100, request: request))
                }
                notes.append("\(countText(groups.missing.count, "missing pod")) at \(fallbackUtilization)%")
            } else if usageRatio > 1.0 {
                for pod in groups.missing { metrics.append(PodCPU(usage: 0, request: Self.milli(pod.cpuRequest))) }
                notes.append("\(countText(groups.missing.count, "missing pod")) at 0%")
            }
        }
        if scaleUpWithUnready {
            for pod in groups.unready { metrics.append(PodCPU(usage: 0, request: Self.milli(pod.cpuRequest))) }
            notes.append("\(countText(groups.unready.count, "unready pod")) at 0%")
        }
        // Requests are all > 0 (checked above), so the ratio exists.
        let newUsageRatio = Self.utilizationRatio(metrics, targetUtilization: targetUtilization)?.ratio ?? usageRatio
        let rebalanced = "\(head) on \(countText(readyPodCount, "ready pod"))"
            + (notes.isEmpty ? "" : ", counting \(notes.joined(separator: " and "))")
        if tolerances.isWithin(newUsageRatio) {
            return proposal(current, .tolerance, "\(withinText(newUsageRatio)) after rebalancing (\(rebalanced))")
        }
        if (usageRatio < 1.0 && newUsageRatio > 1.0) || (usageRatio > 1.0 && newUsageRatio < 1.0) {
            return proposal(current, .directionFlip, "\(rebalanced): ratio \(fmt2(usageRatio)) becomes \(fmt2(newUsageRatio)), reversing the direction → keep \(current)")
        }
        let newReplicas = ceilCount(newUsageRatio * Double(metrics.count))
        if (newUsageRatio < 1.0 && newReplicas > current) || (newUsageRatio > 1.0 && newReplicas < current) {
            return proposal(current, .countFlip, "\(rebalanced): ratio \(fmt2(newUsageRatio)) → \(newReplicas) pods moves against the ratio → keep \(current)")
        }
        return proposal(newReplicas, nil, "\(rebalanced): ratio \(fmt2(newUsageRatio)) → \(newReplicas) pods")
    }

    /// A CPU target when the observation carries no pods (service-level figures only, e.g. a
    /// recorded metrics file for `capsim replay`). Interpretation: `value` is the service's mean
    /// utilisation of request (a fraction), every one of `current` pods is taken as ready with
    /// an equal request, so the ratio of sums is `int(value × 100) / target%` (R1.5), and the
    /// simple path applies: within tolerance → current, else `ceil(ratio × current)`.
    func serviceLevelCPUReplicas(current: Int, value: Double, target: Double) -> Result<MetricProposal, MetricFailure> {
        let targetUtilization = Self.targetPercent(target)
        guard targetUtilization > 0 else { return .failure(MetricFailure(metric: .cpuUtilization, message: "the CPU target must be above 0 %")) }
        guard value.isFinite, value >= 0 else { return .failure(MetricFailure(metric: .cpuUtilization, message: "invalid cpu_utilization value \(value)")) }
        guard current > 0 else { return .failure(MetricFailure(metric: .cpuUtilization, message: "did not receive metrics for targeted pods (pods might be unready)")) }
        // Truncated like upstream's integer percent; the epsilon absorbs 0.29 × 100 = 28.999….
        let utilization = Int64((value * 100 + 1e-9).rounded(.down))
        let ratio = Double(utilization) / Double(targetUtilization)
        let head = "cpu \(utilization)% of request vs target \(targetUtilization)%"
        if tolerances.isWithin(ratio) {
            return .success(MetricProposal(metric: .cpuUtilization, replicas: current, value: Double(utilization) / 100, ratio: ratio, hold: .tolerance, text: "\(withinText(ratio)) (\(head))"))
        }
        let n = ceilCount(ratio * Double(current))
        return .success(MetricProposal(metric: .cpuUtilization, replicas: n, value: Double(utilization) / 100, ratio: ratio, hold: nil, text: "\(head): ratio \(fmt2(ratio)) → \(n) pods"))
    }

    // MARK: GetMetricReplicas → calcPlainMetricReplicas (R1.6, R2.3 last bullet)

    /// A Pods-type metric with an `AverageValue` target (upstream `GetMetricReplicas` →
    /// `calcPlainMetricReplicas`), over capsim's service-level figures.
    ///
    /// Interpretation (capsim has no per-pod custom metrics): `value` is the per-pod average
    /// over the pods that serve, i.e. the ready pods (`obs.pods` with `ready`, or all
    /// `obs.replicas` when the observation has no pod list); `usageRatio = value / target`.
    /// Not-ready pods play upstream's unready (Pending) pods — for custom metrics upstream
    /// checks no readiness, and a pod that is not serving reports nothing. There are no
    /// missing pods (an average has no per-pod gaps). Then as upstream:
    /// simple path unless scaling up with unready pods — within tolerance → current, else
    /// `ceil(ratio × readyPods)`; on a scale-up with unready pods they count 0, so
    /// `newRatio = value × ready / (ready + unready) / target`, and within tolerance or a flip →
    /// current, else `ceil(newRatio × (ready + unready))` (= `ceil(Σ / target)`).
    /// The upstream average is an int64 division of milli-values; capsim keeps the Double.
    func podsMetricReplicas(current: Int, metric: Metric, value: Double?, target: Double, pods: [PodSample]) -> Result<MetricProposal, MetricFailure> {
        guard target > 0 else { return .failure(MetricFailure(metric: metric, message: "the \(metric.rawValue) target must be above 0")) }
        guard let value else { return .failure(MetricFailure(metric: metric, message: "no \(metric.rawValue) metric in the observation")) }
        guard value.isFinite, value >= 0 else { return .failure(MetricFailure(metric: metric, message: "invalid \(metric.rawValue) value \(value)")) }
        let readyPodCount = pods.isEmpty ? current : pods.filter(\.ready).count
        let unreadyCount = pods.isEmpty ? 0 : pods.count - readyPodCount
        guard readyPodCount > 0 else {
            return .failure(MetricFailure(metric: metric, message: "did not receive metrics for targeted pods (pods might be unready)"))
        }
        let usageRatio = value / target
        let head = "\(metric.rawValue) \(formatValue(value, of: metric)) per pod vs target \(formatValue(target, of: metric))"
        func proposal(_ replicas: Int, _ hold: Hold?, _ text: String) -> Result<MetricProposal, MetricFailure> {
            .success(MetricProposal(metric: metric, replicas: replicas, value: value, ratio: usageRatio, hold: hold, text: text))
        }
        let scaleUpWithUnready = unreadyCount > 0 && usageRatio > 1.0
        if !scaleUpWithUnready {
            if tolerances.isWithin(usageRatio) { return proposal(current, .tolerance, "\(withinText(usageRatio)) (\(head))") }
            let n = ceilCount(usageRatio * Double(readyPodCount))
            return proposal(n, nil, "\(head): ratio \(fmt2(usageRatio)) → \(n) pods")
        }
        let total = readyPodCount + unreadyCount
        let newUsageRatio = value * Double(readyPodCount) / Double(total) / target
        let rebalanced = "\(head) on \(countText(readyPodCount, "ready pod")), counting \(countText(unreadyCount, "unready pod")) at 0"
        if tolerances.isWithin(newUsageRatio) {
            return proposal(current, .tolerance, "\(withinText(newUsageRatio)) after rebalancing (\(rebalanced))")
        }
        if newUsageRatio < 1.0 {
            return proposal(current, .directionFlip, "\(rebalanced): ratio \(fmt2(usageRatio)) becomes \(fmt2(newUsageRatio)), reversing the direction → keep \(current)")
        }
        let newReplicas = ceilCount(newUsageRatio * Double(total))
        if newReplicas < current {
            return proposal(current, .countFlip, "\(rebalanced): ratio \(fmt2(newUsageRatio)) → \(newReplicas) pods moves against the ratio → keep \(current)")
        }
        return proposal(newReplicas, nil, "\(rebalanced): ratio \(fmt2(newUsageRatio)) → \(newReplicas) pods")
    }

    /// Upstream `GetObjectMetricReplicas` / `GetExternalMetricReplicas` (a `Value` target) through
    /// `getUsageRatioReplicaCount`: within tolerance of value ÷ target keep the count, else
    /// ceil(ratio × ready pods), the ready pods counted as `getReadyPodsCount` does. And
    /// `GetObjectPerPodMetricReplicas` / `GetExternalPerPodMetricReplicas` (`AverageValue`):
    /// within tolerance of value ÷ (target × current) keep, else ceil(value ÷ target).
    func wholeServiceReplicas(current: Int, metric: Metric, value: Double?, target: Double, type: HPATargetType, pods: [PodSample]) -> Result<MetricProposal, MetricFailure> {
        guard target > 0 else { return .failure(MetricFailure(metric: metric, message: "the \(metric.rawValue) target must be above 0")) }
        guard let value else { return .failure(MetricFailure(metric: metric, message: "no \(metric.rawValue) metric in the observation")) }
        guard value.isFinite, value >= 0 else { return .failure(MetricFailure(metric: metric, message: "invalid \(metric.rawValue) value \(value)")) }
        let shown = formatValue(value, of: metric), goal = formatValue(target, of: metric)
        switch type {
        case .value:
            let ratio = value / target
            let head = "\(metric.rawValue) \(shown) vs target value \(goal)"
            if current == 0 {
                let n = ceilCount(ratio)
                return .success(MetricProposal(metric: metric, replicas: n, value: value, ratio: ratio, hold: nil, text: "\(head): ratio \(fmt2(ratio)) → \(n) pods from zero"))
            }
            if tolerances.isWithin(ratio) {
                return .success(MetricProposal(metric: metric, replicas: current, value: value, ratio: ratio, hold: .tolerance, text: "\(withinText(ratio)) (\(head))"))
            }
            let ready = pods.isEmpty ? current : pods.filter(\.ready).count
            let n = ceilCount(ratio * Double(ready))
            return .success(MetricProposal(metric: metric, replicas: n, value: value, ratio: ratio, hold: nil,
                                           text: "\(head): ratio \(fmt2(ratio)) × \(countText(ready, "ready pod")) → \(n) pods"))
        case .averageValue:
            let ratio = value / (target * Double(max(current, 1)))
            let head = "\(metric.rawValue) \(shown) vs target \(goal) per pod on \(countText(current, "pod"))"
            if current > 0 && tolerances.isWithin(ratio) {
                return .success(MetricProposal(metric: metric, replicas: current, value: value, ratio: ratio, hold: .tolerance, text: "\(withinText(ratio)) (\(head))"))
            }
            let n = ceilCount(value / target)
            return .success(MetricProposal(metric: metric, replicas: n, value: value, ratio: ratio, hold: nil, text: "\(head): ratio \(fmt2(ratio)) → \(n) pods"))
        }
    }

    private func withinText(_ ratio: Double) -> String {
        let t = tolerances.scaleUp == tolerances.scaleDown ? trim(tolerances.scaleUp) : "-\(trim(tolerances.scaleDown))/+\(trim(tolerances.scaleUp))"
        return "within tolerance \(t): ratio \(fmt2(ratio))"
    }
}

/// `int32(math.Ceil(x))`, capped at Int32.max as RC-new does against overflow.
func ceilCount(_ x: Double) -> Int {
    let c = x.rounded(.up)
    if !(c < Double(Int32.max)) { return Int(Int32.max) }
    return Int(c)
}
