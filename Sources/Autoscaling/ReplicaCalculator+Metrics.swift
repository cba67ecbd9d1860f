import CapsimModel

// Pods, Object and External metrics: upstream `GetMetricReplicas` → `calcPlainMetricReplicas`,
// `getUsageRatioReplicaCount`, and the per-pod Object/External forms.

extension ReplicaCalculator {
    /// A Pods metric with an `AverageValue` target (upstream `GetMetricReplicas`). With each
    /// pod's own sample (`PodSample.metrics`, as a recording can hold them) this is upstream's
    /// `calcPlainMetricReplicas` exactly (`plainMetricReplicas`); with only the service-level
    /// average (`value`, what the simulator and most recordings give) it is the same rule over
    /// counts (`averageMetricReplicas`).
    func podsMetricReplicas(current: Int, metric: Metric, value: Double?, target: Double, pods: [PodSample]) -> Result<MetricProposal, MetricFailure> {
        guard target > 0 else { return .failure(MetricFailure(metric: metric, message: "the \(metric.rawValue) target must be above 0")) }
        if pods.contains(where: { $0.metrics[metric] != nil }) {
            return plainMetricReplicas(current: current, metric: metric, target: target, pods: pods)
        }
        return averageMetricReplicas(current: current, metric: metric, value: value, target: target, pods: pods)
    }

    /// Upstream `calcPlainMetricReplicas` over per-pod samples, in integer milli-units as the
    /// custom metrics API gives them: `groupPods` without the CPU rules (ignored pods out,
    /// Pending pods unready, pods without a sample missing — a Running, not-Ready pod's sample
    /// counts), the usage the int64 average `Σ / n` (`GetMetricUsageRatio`), then the same
    /// simple path and rebalancing as for CPU — except that a missing pod counts as exactly the
    /// target on a scale-down.
    func plainMetricReplicas(current: Int, metric: Metric, target: Double, pods: [PodSample]) -> Result<MetricProposal, MetricFailure> {
        let targetUsage = Self.milli(target * 1000)
        let groups = groupPods(pods, cpuRules: false, sample: { p in p.metrics[metric].flatMap { $0.isFinite && $0 >= 0 ? $0 : nil } })
        var samples = groups.ready.map { Self.milli(($0.metrics[metric] ?? 0) * 1000) }
        guard !samples.isEmpty else {
            return .failure(MetricFailure(metric: metric, message: "did not receive metrics for targeted pods (pods might be unready)"))
        }
        func ratio(_ xs: [Int64]) -> (Double, Int64) {
            let usage = xs.reduce(0, +) / Int64(xs.count)
            return (Double(usage) / Double(targetUsage), usage)
        }
        let (usageRatio, usage) = ratio(samples)
        let value = Double(usage) / 1000
        let head = "\(metric.rawValue) \(formatValue(value, of: metric)) per pod (the average of \(countText(samples.count, "pod sample"))) vs target \(formatValue(target, of: metric))"
        func proposal(_ replicas: Int, _ hold: Hold?, _ text: String) -> Result<MetricProposal, MetricFailure> {
            .success(MetricProposal(metric: metric, replicas: replicas, value: value, ratio: usageRatio, hold: hold, text: text))
        }
        let scaleUpWithUnready = !groups.unready.isEmpty && usageRatio > 1.0
        if !scaleUpWithUnready && groups.missing.isEmpty {
            if tolerances.isWithin(usageRatio) { return proposal(current, .tolerance, "\(withinText(usageRatio)) (\(head))") }
            let n = ceilCount(usageRatio * Double(groups.ready.count))
            return proposal(n, nil, "\(head): ratio \(fmt2(usageRatio)) → \(n) pods")
        }
        var notes: [String] = []
        if !groups.missing.isEmpty && usageRatio != 1.0 {
            // Upstream: the target on a scale-down, 0 on a scale-up, not filled at exactly 1
            // (T `TestPlainMetricReplicaCalcMissingMetricsNoChangeEq`).
            let fill: Int64 = usageRatio < 1.0 ? targetUsage : 0
            samples += Array(repeating: fill, count: groups.missing.count)
            notes.append("\(countText(groups.missing.count, "missing pod")) at \(fill == 0 ? "0" : "the target")")
        }
        if scaleUpWithUnready {
            samples += Array(repeating: 0, count: groups.unready.count)
            notes.append("\(countText(groups.unready.count, "pending pod")) at 0")
        }
        let (newUsageRatio, _) = ratio(samples)
        let rebalanced = notes.isEmpty ? head : "\(head), counting \(notes.joined(separator: " and "))"
        if tolerances.isWithin(newUsageRatio) {
            return proposal(current, .tolerance, "\(withinText(newUsageRatio)) after rebalancing (\(rebalanced))")
        }
        if (usageRatio > 1.0 && newUsageRatio < 1.0) || (usageRatio < 1.0 && newUsageRatio > 1.0) {
            return proposal(current, .directionFlip, "\(rebalanced): ratio \(fmt2(usageRatio)) becomes \(fmt2(newUsageRatio)), reversing the direction → keep \(current)")
        }
        let newReplicas = ceilCount(newUsageRatio * Double(samples.count))
        if (newUsageRatio < 1.0 && newReplicas > current) || (newUsageRatio > 1.0 && newReplicas < current) {
            return proposal(current, .countFlip, "\(rebalanced): ratio \(fmt2(newUsageRatio)) → \(newReplicas) pods moves against the ratio → keep \(current)")
        }
        return proposal(newReplicas, nil, "\(rebalanced): ratio \(fmt2(newUsageRatio)) → \(newReplicas) pods")
    }

    /// `calcPlainMetricReplicas` when only the average is known: `value` is the average over
    /// the pods that have a sample, which upstream's `groupPods` takes to be every pod that is
    /// neither ignored (deleting, Failed) nor Pending — the Ready condition plays no part for a
    /// Pods metric, so a Running, not-Ready pod's sample counts (all `obs.replicas` when the
    /// observation has no pod list). An average has no per-pod gaps, so no pod is missing.
    /// Pending pods are upstream's unready pods: on a scale-up they count 0, so
    /// `newRatio = value × n / (n + pending) / target`; within tolerance or a flip → current,
    /// else `ceil(newRatio × (n + pending))` (= `ceil(Σ / target)`). capsim keeps the Double
    /// average where upstream divides int64 milli-values.
    func averageMetricReplicas(current: Int, metric: Metric, value: Double?, target: Double, pods: [PodSample]) -> Result<MetricProposal, MetricFailure> {
        guard let value else { return .failure(MetricFailure(metric: metric, message: "no \(metric.rawValue) metric in the observation")) }
        guard value.isFinite, value >= 0 else { return .failure(MetricFailure(metric: metric, message: "invalid \(metric.rawValue) value \(value)")) }
        let reporting = pods.isEmpty ? current : pods.filter { !$0.ignored && $0.phase != .pending }.count
        let pending = pods.filter { !$0.ignored && $0.phase == .pending }.count
        guard reporting > 0 else {
            return .failure(MetricFailure(metric: metric, message: "did not receive metrics for targeted pods (pods might be unready)"))
        }
        let usageRatio = value / target
        let head = "\(metric.rawValue) \(formatValue(value, of: metric)) per pod vs target \(formatValue(target, of: metric))"
        func proposal(_ replicas: Int, _ hold: Hold?, _ text: String) -> Result<MetricProposal, MetricFailure> {
            .success(MetricProposal(metric: metric, replicas: replicas, value: value, ratio: usageRatio, hold: hold, text: text))
        }
        if !(pending > 0 && usageRatio > 1.0) {
            if tolerances.isWithin(usageRatio) { return proposal(current, .tolerance, "\(withinText(usageRatio)) (\(head))") }
            let n = ceilCount(usageRatio * Double(reporting))
            return proposal(n, nil, "\(head): ratio \(fmt2(usageRatio)) → \(n) pods")
        }
        let total = reporting + pending
        let newUsageRatio = value * Double(reporting) / Double(total) / target
        let rebalanced = "\(head) on \(countText(reporting, "pod")) with a sample, counting \(countText(pending, "pending pod")) at 0"
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
    /// ceil(ratio × ready pods), the ready pods counted as `getReadyPodsCount` does (phase
    /// Running and Ready; all `current` pods when the observation has no pod list); from zero
    /// pods, ceil(ratio) (scale to and from zero, `minReplicas: 0`). And
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
            let ready = pods.isEmpty ? current : pods.filter(\.runningAndReady).count
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
}
