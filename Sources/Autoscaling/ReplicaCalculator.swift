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
/// capsim's `HPA.tolerance` is the cluster-wide scalar (`--horizontal-pod-autoscaler-tolerance`);
/// `behavior.scale_up.tolerance` / `scale_down.tolerance` override one direction (R1.3,
/// `HPAController.tolerances`).
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

/// Pods split as upstream `groupPods` does (R2.1): `ignored` (a deletion timestamp or phase
/// Failed), `unready` (Pending, or the CPU readiness rules), `missing` (no sample), `ready`.
struct PodGroups: Hashable, Sendable {
    var ready: [PodSample] = []
    var unready: [PodSample] = []
    var missing: [PodSample] = []
    var ignored: [PodSample] = []
}

/// The Resource metrics a pod reports (`v1.ResourceName`): only CPU has readiness rules.
enum PodResource: String, Hashable, Sendable {
    case cpu, memory

    var metric: Metric { self == .cpu ? .cpuUtilization : .memoryUtilization }
    func request(_ pod: PodSample) -> Double? { self == .cpu ? pod.cpuRequest : pod.memoryRequest }
    func usage(_ pod: PodSample) -> Double? {
        guard let u = self == .cpu ? pod.cpuUsage : pod.memoryUsage, u.isFinite, u >= 0 else { return nil }
        return u
    }
}

/// One pod's resource figures in integer milli-units, as upstream's `PodMetric.Value` and request map.
struct PodUse: Hashable, Sendable {
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

    /// Upstream `groupPods` (replica_calculator.go), in its order of checks:
    ///
    /// 1. a deletion timestamp or phase Failed → **ignored** (left out of every count);
    /// 2. phase Pending → **unready**;
    /// 3. no sample (`sample(pod) == nil`) → **missing** — whatever the Ready condition says;
    /// 4. only for the CPU resource (`cpuRules`), the readiness rules:
    ///    - inside `startTime + cpuInitializationPeriod` (`age < cpuInit`; at exactly
    ///      `age == cpuInit` the pod is out of init, §6): unready if not ready, or if the sample
    ///      window does not lie entirely after the Ready condition's last transition
    ///      (`metric.Timestamp.Before(lastTransition + window)` ⇔ window start < transition, with
    ///      the window start = `metricWindow` and the transition = `age − readySince`, both
    ///      relative to the pod's start; a window starting exactly at the transition is fresh, §6);
    ///    - past init: unready only if not ready **and** `startTime + initialReadinessDelay` is
    ///      after the last transition ("never became ready").
    ///    An unknown transition reads as upstream's zero `lastTransitionTime` (long before the
    ///    start): fresh inside init, "never ready" past it — except that a not-ready pod with
    ///    `readyFor` (the older field) was ready once and counts ready (T `TestGroupPods`
    ///    "count in an unready pod that was ready after initialization period").
    /// 5. everything else is ready. For other metrics (memory, Pods metrics) steps 1–3 only, so a
    ///    Running, not-Ready pod's sample counts.
    func groupPods(_ pods: [PodSample], cpuRules: Bool = true, sample: (PodSample) -> Double? = { PodResource.cpu.usage($0) }) -> PodGroups {
        var g = PodGroups()
        for pod in pods {
            if pod.ignored { g.ignored.append(pod); continue }
            if pod.phase == .pending { g.unready.append(pod); continue }
            if sample(pod) == nil { g.missing.append(pod); continue }
            if cpuRules && cpuUnready(pod) { g.unready.append(pod) } else { g.ready.append(pod) }
        }
        return g
    }

    /// Step 4 of `groupPods` for a Running pod with a CPU sample.
    func cpuUnready(_ pod: PodSample) -> Bool {
        let transition = pod.readySince.map { pod.age - $0 } ?? (pod.ready ? pod.readyFor.map { pod.age - $0 } : nil)
        if pod.age < cpuInitializationPeriod {
            if !pod.ready { return true }
            guard let transition, let windowStart = pod.metricWindow else { return false }
            return windowStart < transition
        }
        guard !pod.ready else { return false }
        if let transition { return transition < initialReadinessDelay }
        return pod.readyFor == nil
    }

    // MARK: GetResourceUtilizationRatio (R1.5, U)

    /// Upstream `GetResourceUtilizationRatio`: the ratio of **sums** over the pods given, with
    /// the utilisation an integer percent truncated (`int32((metricsTotal*100)/requestsTotal)`).
    /// Returns nil when `requestsTotal == 0` (newer upstream: "no metrics returned matched known pods").
    static func utilizationRatio(_ pods: [PodUse], targetUtilization: Int64) -> (ratio: Double, utilization: Int64)? {
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

    /// The CPU target as upstream's integer percent (`targetAverageUtilization`), from capsim's
    /// fraction (0.7 → 70). Rounded, because 0.29 × 100 is 28.999… in Double.
    static func targetPercent(_ fraction: Double) -> Int64 { Int64((fraction * 100).rounded()) }

    // MARK: GetResourceReplicas (R1.5, R2.2, R2.3)

    /// Upstream `GetResourceReplicas` for a `Utilization` target (CPU or memory), exactly:
    /// 1. any pod (ignored ones included, as `calculatePodRequests` lists them all) without a
    ///    request for the resource makes the metric invalid ("missing request for cpu");
    /// 2. `groupPods` (CPU readiness rules for CPU only); ignored and unready pods' metrics are
    ///    dropped; no ready pod with a sample → invalid ("did not receive metrics for targeted
    ///    pods (pods might be unready)");
    /// 3. `usageRatio` over the ready pods (R1.5);
    /// 4. simple path when there is no missing pod and no scale-up with unready pods:
    ///    within tolerance → current, else `ceil(ratio × readyPodCount)`;
    /// 5. otherwise rebalance (R2.3): on a scale-up (ratio > 1) missing and unready pods count 0;
    ///    on a scale-down (ratio < 1) missing pods count `request × max(100, target%) / 100`
    ///    (RC-new `fallbackUtilization`) and unready pods stay out; at ratio == 1 missing pods
    ///    are not filled. The tolerance is then checked on the **new** ratio only; within it, or
    ///    a direction flip, or a count moving against the ratio → current; else
    ///    `ceil(newRatio × len(metrics))`. `ceil` is capped at Int32.max as RC-new does.
    func resourceReplicas(current: Int, pods: [PodSample], target: Double, resource: PodResource = .cpu) -> Result<MetricProposal, MetricFailure> {
        let metric = resource.metric
        let targetUtilization = Self.targetPercent(target)
        guard targetUtilization > 0 else { return .failure(MetricFailure(metric: metric, message: "the \(resource.rawValue) target must be above 0 %")) }
        if let pod = pods.first(where: { Self.milli(resource.request($0) ?? 0) <= 0 }) {
            return .failure(MetricFailure(metric: metric, message: "missing request for \(resource.rawValue) in pod \(pod.name)"))
        }
        func request(_ pod: PodSample) -> Int64 { Self.milli(resource.request(pod) ?? 0) }
        let groups = groupPods(pods, cpuRules: resource == .cpu, sample: resource.usage)
        var metrics = groups.ready.map { PodUse(usage: Self.milli(resource.usage($0) ?? 0), request: request($0)) }
        guard !metrics.isEmpty,
              let (usageRatio, utilization) = Self.utilizationRatio(metrics, targetUtilization: targetUtilization) else {
            return .failure(MetricFailure(metric: metric, message: "did not receive metrics for targeted pods (pods might be unready)"))
        }
        let readyPodCount = groups.ready.count
        let head = "\(resource.rawValue) \(utilization)% of request vs target \(targetUtilization)%"
        let value = Double(utilization) / 100
        func proposal(_ replicas: Int, _ hold: Hold?, _ text: String) -> Result<MetricProposal, MetricFailure> {
            .success(MetricProposal(metric: metric, replicas: replicas, value: value, ratio: usageRatio, hold: hold, text: text))
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
                    let request = request(pod)
                    metrics.append(PodUse(usage: request * fallbackUtilization / 100, request: request))
                }
                notes.append("\(countText(groups.missing.count, "missing pod")) at \(fallbackUtilization)%")
            } else if usageRatio > 1.0 {
                for pod in groups.missing { metrics.append(PodUse(usage: 0, request: request(pod))) }
                notes.append("\(countText(groups.missing.count, "missing pod")) at 0%")
            }
        }
        if scaleUpWithUnready {
            for pod in groups.unready { metrics.append(PodUse(usage: 0, request: request(pod))) }
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

    func withinText(_ ratio: Double) -> String {
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
