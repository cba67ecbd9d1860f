import CapsimModel

/// The HorizontalPodAutoscaler (autoscaling/v2) for one scale target: a port of upstream
/// `pkg/controller/podautoscaler/horizontal.go` (H in docs/hpa-reference.md) with the metric
/// half in `ReplicaCalculator` (RC-new). Rule numbers (R…) and vectors (V…) refer to that file.
///
/// One `reconcile` is one `reconcileAutoscaler` (R4.0); the caller calls it every
/// `hpa.syncPeriod` (R1.1: 15 s by default — upstream re-queues each HPA once per sync period)
/// and applies `desired` as the new `spec.replicas`. The controller keeps upstream's per-HPA
/// memory: the recommendation history (`recommendations[key]`) and, on the behavior path, the
/// scale-up and scale-down events (`scaleUpEvents[key]`, `scaleDownEvents[key]`).
///
/// Time is `Observation.time` in seconds and must not go backwards.
public struct HPAController: Sendable {
    /// A stored recommendation (upstream `timestampedRecommendation`).
    public struct Recommendation: Hashable, Sendable {
        public let replicas: Int
        public let time: Double
    }

    /// A stored scale event (upstream `timestampedScaleEvent`): `change` is non-negative, its
    /// direction given by the list it is in.
    public struct ScaleEvent: Hashable, Sendable {
        public let change: Int
        public let time: Double
    }

    /// Upstream `--horizontal-pod-autoscaler-downscale-stabilization` (R1.1, 5 min): the window
    /// of the legacy path (`stabilizeRecommendation`, R4.1).
    public static let downscaleStabilizationWindow = 300.0
    /// Upstream `scaleUpLimitFactor` and `scaleUpLimitMinimum` (H package vars, R4.1).
    public static let scaleUpLimitFactor = 2.0
    public static let scaleUpLimitMinimum = 4.0

    public let hpa: HPA
    public let replicas: Replicas
    public let service: String

    /// The recommendation history, seeded with the current count at the first reconcile
    /// (`recordInitialRecommendation`). Expired records are dropped (upstream reuses their slots).
    public private(set) var recommendations: [Recommendation] = []
    /// Scale events, recorded only on the behavior path (`storeScaleEvent`, R4.6).
    public private(set) var scaleUpEvents: [ScaleEvent] = []
    public private(set) var scaleDownEvents: [ScaleEvent] = []
    private var seeded = false

    public init(hpa: HPA, replicas: Replicas, service: String) {
        self.hpa = hpa
        self.replicas = replicas
        self.service = service
    }

    var calculator: ReplicaCalculator {
        ReplicaCalculator(tolerances: tolerances, cpuInitializationPeriod: hpa.cpuInitializationPeriod,
                          initialReadinessDelay: hpa.initialReadinessDelay)
    }

    /// The cluster-wide tolerance, overridden per direction by `behavior.scaleUp.tolerance` /
    /// `scaleDown.tolerance` (upstream reads them only from a behavior block that exists).
    var tolerances: Tolerances {
        guard usesBehavior else { return Tolerances(hpa.tolerance) }
        return Tolerances(scaleDown: hpa.behavior.scaleDown.tolerance ?? hpa.tolerance, scaleUp: hpa.behavior.scaleUp.tolerance ?? hpa.tolerance)
    }

    /// True when the scenario wrote a `behavior` block. Upstream API defaulting fills behavior
    /// defaults only when `spec.behavior` is non-nil (`SetDefaults_HorizontalPodAutoscalerBehavior`,
    /// R4.0), so without one the controller takes the legacy `normalizeDesiredReplicas` path —
    /// not the behavior defaults that `HPABehavior.kubernetesDefault` holds.
    public var usesBehavior: Bool { hpa.behavior.explicit }

    // MARK: reconcileAutoscaler (R4.0)

    /// One reconcile at `obs.time` (upstream `reconcileAutoscaler`, R4.0):
    /// 1. seed the history with `(obs.replicas, now)` if this is the first reconcile
    ///    (`recordInitialRecommendation`) — so a scale-down right after start is held by the
    ///    stabilization window (V3);
    /// 2. `current == 0` → scaling disabled (rule "disabled", desired 0; V10);
    /// 3. `current > max` → max, `current < min` → min, straight away: no metrics, no
    ///    stabilization, no rate limit, no recommendation (V11);
    /// 4. otherwise `computeReplicasForMetrics` (max over the metrics, R3.1), then
    ///    `normalizeDesiredReplicas` (legacy, R4.1) or `normalizeDesiredReplicasWithBehaviors`
    ///    (R4.2–R4.5);
    /// 5. if the result differs from current, record a scale event (`storeScaleEvent`, behavior
    ///    path only, R4.6) — the caller is expected to apply it.
    ///
    /// `Decision.rule` is the last step that set the value: "max-replicas"/"min-replicas" (the
    /// out-of-range jumps, or the min/max clamp: upstream `TooManyReplicas`/`TooFewReplicas`),
    /// "rate-limited" (`ScaleUpLimit`/`ScaleDownLimit`, including Disabled policies), "stabilized"
    /// (`ScaleDownStabilized`/`ScaleUpStabilized`), "scale-up"/"scale-down" (the metric's count,
    /// `DesiredWithinRange`), "tolerance" (no change: ratio within tolerance), "steady" (no change
    /// for another reason: the count rounds back to current, or rebalancing unready/missing pods
    /// reversed the direction), "no-metrics" (every metric invalid, or a scale-down with an
    /// invalid metric, R3.1) and "disabled". `metricValue` is the winning metric's value: CPU as
    /// the utilisation fraction of request (integer percent / 100, what upstream reports in
    /// status), other metrics as the per-pod average. `Decision.service` is the `service` given
    /// to `init`.
    public mutating func reconcile(_ obs: Observation) -> Decision {
        let now = obs.time
        let current = obs.replicas
        recordInitialRecommendation(current, now)
        let minReplicas = replicas.min, maxReplicas = replicas.max

        func decision(_ rule: String, _ desired: Int, _ value: Double?, _ reason: String) -> Decision {
            Decision(time: now, service: service, policy: .hpa, rule: rule, current: current, desired: desired,
                     metricValue: value, reason: reason)
        }

        if current == 0 && minReplicas != 0 {
            // Upstream: `scale.Spec.Replicas == 0 && minReplicas != 0` → ScalingActive=False
            // "ScalingDisabled". With minReplicas 0 the metrics are read (scale from zero):
            // Resource and Pods metrics have no pod to read, Object and External ones do (R1.6).
            return decision("disabled", 0, nil, "scaling is disabled since the replica count of the target is zero")
        }
        if current > maxReplicas {
            storeScaleEvent(current, maxReplicas, now)
            return decision("max-replicas", maxReplicas, nil, "clamped to max replicas \(maxReplicas): current number of replicas \(current) above Spec.MaxReplicas")
        }
        if current < minReplicas {
            storeScaleEvent(current, minReplicas, now)
            return decision("min-replicas", minReplicas, nil, "clamped to min replicas \(minReplicas): current number of replicas \(current) below Spec.MinReplicas")
        }

        let computed = computeReplicasForMetrics(obs)
        var proposal: Proposals
        switch computed {
        case .failure(let failure):
            // A schedule is a metric of its own (KEDA's cron trigger): valid when the others
            // are not, and, as upstream, a scale-down with invalid metrics is skipped.
            guard let sch = obs.scheduled, sch.replicas >= current else { return decision("no-metrics", current, nil, failure.message) }
            let text = "schedule \(sch.rule): \(sch.replicas) pods (other metrics invalid: \(failure.message))"
            proposal = Proposals(best: MetricProposal(metric: .replicas, replicas: sch.replicas, value: Double(sch.replicas), ratio: 1, hold: nil, text: text),
                                 text: text, scheduled: true)
        case .success(let p):
            proposal = p
            if let sch = obs.scheduled, sch.replicas > p.best.replicas {
                proposal.text = "schedule \(sch.rule): \(sch.replicas) pods, above the metrics' \(p.best.replicas) (\(p.text))"
                proposal.best = MetricProposal(metric: p.best.metric, replicas: sch.replicas, value: p.best.value, ratio: p.best.ratio, hold: nil, text: proposal.text)
                proposal.scheduled = true
            }
        }
        // `desiredReplicas` starts at 0 upstream and takes the metric proposal when larger.
        let prenormalized = max(0, proposal.best.replicas)
        let normalized = usesBehavior
            ? normalizeDesiredReplicasWithBehaviors(current: current, prenormalized: prenormalized, now: now)
            : normalizeDesiredReplicas(current: current, prenormalized: prenormalized, now: now)
        let desired = normalized.desired
        storeScaleEvent(current, desired, now)

        // The rule: the last step that changed the value wins.
        let rule: String
        var clauses: [String] = []
        if desired != normalized.stabilized {
            switch normalized.limit {
            case .scaleUpLimit, .scaleDownLimit: rule = "rate-limited"
            case .tooManyReplicas: rule = "max-replicas"
            case .tooFewReplicas: rule = "min-replicas"
            case .desiredWithinRange: rule = "rate-limited"   // unreachable: the value changed only through a limit
            }
            clauses.append(normalized.limitText)
        } else if normalized.stabilized != prenormalized {
            rule = "stabilized"
        } else if proposal.scheduled && desired != current {
            rule = "scheduled"
        } else if desired > current {
            rule = "scale-up"
        } else if desired < current {
            rule = "scale-down"
        } else {
            rule = proposal.best.hold == .tolerance ? "tolerance" : "steady"
        }
        if normalized.stabilized != prenormalized { clauses.append(normalized.stabilizationText) }
        clauses.append(proposal.text)
        return decision(rule, desired, proposal.best.value, clauses.joined(separator: "; "))
    }

    /// Upstream `recordInitialRecommendation`: seeds `{currentReplicas, now}` when the key has
    /// no history yet (controller start or a new HPA).
    private mutating func recordInitialRecommendation(_ current: Int, _ now: Double) {
        guard !seeded else { return }
        seeded = true
        recommendations.append(Recommendation(replicas: current, time: now))
    }

    // MARK: computeReplicasForMetrics (R3.1)

    struct Proposals {
        var best: MetricProposal
        var text: String
        /// The schedule's proposal won over the metrics'.
        var scheduled = false
    }

    /// Upstream `computeReplicasForMetrics` (R3.1): one proposal per metric in `hpa.metrics`,
    /// the **max** wins (`if replicas == 0 || proposal > replicas`). If every metric is invalid,
    /// or some are invalid and the max would scale down, nothing happens: no normalization and
    /// no recommendation is recorded (rule "no-metrics").
    ///
    /// Metric kinds (interpretation of capsim's `HPAMetric`, R1.6):
    /// - `cpu_utilization` is a Resource metric with an `AverageUtilization` target
    ///   (`GetResourceReplicas`), computed from `obs.pods`; with no pod list it falls back to the
    ///   service-level fraction in `obs.metrics` (`ReplicaCalculator.serviceLevelCPUReplicas`);
    /// - every other metric is a Pods metric with an `AverageValue` target
    ///   (`GetMetricReplicas` → `calcPlainMetricReplicas`) where `obs.metrics[m]` is the per-pod
    ///   average (`ReplicaCalculator.podsMetricReplicas`), unless the scenario names it an
    ///   Object or External metric: then `obs.metrics[m]` is the one value for the whole
    ///   service (`ReplicaCalculator.wholeServiceReplicas`).
    func computeReplicasForMetrics(_ obs: Observation) -> Result<Proposals, MetricFailure> {
        let calc = calculator
        var best: MetricProposal?
        var valid: [MetricProposal] = []
        var failures: [MetricFailure] = []
        for spec in hpa.metrics {
            let result: Result<MetricProposal, MetricFailure>
            if spec.metric == .memoryUtilization {
                result = obs.pods.isEmpty
                    ? .failure(MetricFailure(metric: .memoryUtilization, message: "no pods returned by selector while calculating replica count"))
                    : calc.resourceReplicas(current: obs.replicas, pods: obs.pods, target: spec.target, resource: .memory)
            } else if spec.metric == .cpuUtilization {
                if !obs.pods.isEmpty {
                    result = calc.resourceReplicas(current: obs.replicas, pods: obs.pods, target: spec.target)
                } else if let value = obs.metrics[.cpuUtilization] {
                    result = calc.serviceLevelCPUReplicas(current: obs.replicas, value: value, target: spec.target)
                } else {
                    result = .failure(MetricFailure(metric: .cpuUtilization, message: "did not receive metrics for targeted pods (pods might be unready)"))
                }
            } else if let type = spec.source.targetType {
                result = calc.wholeServiceReplicas(current: obs.replicas, metric: spec.metric, value: obs.metrics[spec.metric], target: spec.target, type: type, pods: obs.pods)
            } else {
                result = calc.podsMetricReplicas(current: obs.replicas, metric: spec.metric, value: obs.metrics[spec.metric],
                                                 target: spec.target, pods: obs.pods)
            }
            switch result {
            case .success(let p):
                valid.append(p)
                if best == nil || best!.replicas == 0 || p.replicas > best!.replicas { best = p }
            case .failure(let f):
                failures.append(f)
            }
        }
        func failureText(_ f: MetricFailure) -> String { "\(f.metric.rawValue): \(f.message)" }
        guard let best else {
            if hpa.metrics.isEmpty { return .failure(MetricFailure(metric: .cpuUtilization, message: "no metrics: the HPA has no metric targets")) }
            return .failure(MetricFailure(metric: failures[0].metric, message: "no metrics: " + failures.map(failureText).joined(separator: "; ")))
        }
        if !failures.isEmpty && best.replicas < obs.replicas {
            return .failure(MetricFailure(metric: failures[0].metric,
                                          message: "no metrics: scale-down to \(best.replicas) skipped because a metric is invalid (" + failures.map(failureText).joined(separator: "; ") + ")"))
        }
        var text = best.text
        if valid.count > 1 {
            text += " (highest of \(valid.count) metric proposals: " + valid.map { "\($0.metric.rawValue) \($0.replicas)" }.joined(separator: ", ") + ")"
        }
        if !failures.isEmpty {
            text += " (invalid: " + failures.map(failureText).joined(separator: "; ") + ")"
        }
        return .success(Proposals(best: best, text: text))
    }

    // MARK: normalization

    /// Upstream's `ScalingLimited` condition reasons (R4.1, R4.4, §5).
    enum LimitReason: String, Hashable, Sendable {
        case scaleUpLimit = "ScaleUpLimit"
        case scaleDownLimit = "ScaleDownLimit"
        case tooManyReplicas = "TooManyReplicas"
        case tooFewReplicas = "TooFewReplicas"
        case desiredWithinRange = "DesiredWithinRange"
    }

    struct Normalized: Hashable, Sendable {
        var stabilized: Int
        var desired: Int
        var limit: LimitReason
        var stabilizationText: String
        var limitText: String
    }

    /// Upstream `normalizeDesiredReplicas` (legacy path, `spec.behavior == nil`, R4.1):
    /// `stabilizeRecommendation` — the max of the new recommendation and every stored one not
    /// `Before(now − 300 s)` (a record exactly at the cutoff is **included**, §6), then store
    /// `{prenormalized, now}` — then `convertDesiredReplicasWithRules`: scale-up limit
    /// `max(2 × current, 4)` (`calculateScaleUpLimit`), min/max clamp. No scale-up stabilization,
    /// no period memory (V7).
    mutating func normalizeDesiredReplicas(current: Int, prenormalized: Int, now: Double) -> Normalized {
        let window = Self.downscaleStabilizationWindow
        let cutoff = now - window
        var stabilized = prenormalized
        for rec in recommendations where !(rec.time < cutoff) { stabilized = max(stabilized, rec.replicas) }
        recommendations.removeAll { $0.time < cutoff }
        recommendations.append(Recommendation(replicas: prenormalized, time: now))

        let (desired, limit, limitText) = convertDesiredReplicasWithRules(current: current, desired: stabilized)
        return Normalized(stabilized: stabilized, desired: desired, limit: limit,
                          stabilizationText: "stabilized: max recommendation in the last \(seconds(window)) was \(stabilized)",
                          limitText: limitText)
    }

    /// Upstream `convertDesiredReplicasWithRules` (R4.1). The limit reason is `ScaleUpLimit` only
    /// when `max > scaleUpLimit` (strict), else `TooManyReplicas`.
    func convertDesiredReplicasWithRules(current: Int, desired: Int) -> (Int, LimitReason, String) {
        let scaleUpLimit = Int(max(Self.scaleUpLimitFactor * Double(current), Self.scaleUpLimitMinimum))
        let maximumAllowed: Int
        let reason: LimitReason
        if replicas.max > scaleUpLimit { maximumAllowed = scaleUpLimit; reason = .scaleUpLimit } else { maximumAllowed = replicas.max; reason = .tooManyReplicas }
        if desired < replicas.min { return (replicas.min, .tooFewReplicas, "clamped to min replicas \(replicas.min)") }
        if desired > maximumAllowed {
            let text = reason == .scaleUpLimit
                ? "rate-limited: scale-up limit max(2 × \(current), 4) = \(scaleUpLimit)"
                : "clamped to max replicas \(replicas.max)"
            return (maximumAllowed, reason, text)
        }
        return (desired, .desiredWithinRange, "")
    }

    /// Upstream `normalizeDesiredReplicasWithBehaviors` (R4.2): `stabilizeRecommendationWithBehaviors`
    /// then `convertDesiredReplicasWithBehaviorRate`. (`maybeInitScaleDownStabilizationWindow` is
    /// already done by the scenario decoder: an absent scale-down window is 300 s.)
    mutating func normalizeDesiredReplicasWithBehaviors(current: Int, prenormalized: Int, now: Double) -> Normalized {
        let (stabilized, stabilizationText) = stabilizeRecommendationWithBehaviors(current: current, desired: prenormalized, now: now)
        let (desired, limit, limitText) = convertDesiredReplicasWithBehaviorRate(current: current, desired: stabilized, now: now)
        return Normalized(stabilized: stabilized, desired: desired, limit: limit, stabilizationText: stabilizationText, limitText: limitText)
    }

    /// Upstream `stabilizeRecommendationWithBehaviors` (R4.3): the result is
    /// `clamp(current, min over the scale-up window, max over the scale-down window)`, both
    /// including the new recommendation; a record is in a window iff `After(now − window)` (a
    /// record exactly at the cutoff is **excluded**, §6; with a 0 s window no past record
    /// counts). The **unstabilized** recommendation is then stored.
    mutating func stabilizeRecommendationWithBehaviors(current: Int, desired: Int, now: Double) -> (Int, String) {
        let upWindow = hpa.behavior.scaleUp.stabilizationWindow
        let downWindow = hpa.behavior.scaleDown.stabilizationWindow
        let upCutoff = now - upWindow, downCutoff = now - downWindow
        var upRecommendation = desired, downRecommendation = desired
        for rec in recommendations {
            if rec.time > upCutoff { upRecommendation = min(rec.replicas, upRecommendation) }
            if rec.time > downCutoff { downRecommendation = max(rec.replicas, downRecommendation) }
        }
        var recommendation = current
        if recommendation < upRecommendation { recommendation = upRecommendation }
        if recommendation > downRecommendation { recommendation = downRecommendation }
        // Records outside both windows can never count again (upstream reuses their slot).
        recommendations.removeAll { !($0.time > upCutoff) && !($0.time > downCutoff) }
        recommendations.append(Recommendation(replicas: desired, time: now))

        var text = ""
        if recommendation != desired {
            if recommendation > desired {
                text = "stabilized: max recommendation in the last \(seconds(downWindow)) was \(downRecommendation)"
            } else {
                text = "stabilized: min recommendation in the last \(seconds(upWindow)) was \(upRecommendation)"
            }
            if recommendation == current && recommendation != upRecommendation && recommendation != downRecommendation {
                text += ", so stay at \(current)"
            }
        }
        return (recommendation, text)
    }

    /// Upstream `convertDesiredReplicasWithBehaviorRate` (R4.4): scale-up is bounded by the
    /// policies' limit (never below current) and max; scale-down by the policies' limit (never
    /// above current) and min. The reason is `ScaleUpLimit`/`ScaleDownLimit` only when the policy
    /// limit is strictly tighter than max/min, else `TooManyReplicas`/`TooFewReplicas`.
    func convertDesiredReplicasWithBehaviorRate(current: Int, desired: Int, now: Double) -> (Int, LimitReason, String) {
        if desired > current {
            var (scaleUpLimit, policyText) = calculateScaleUpLimitWithScalingRules(current: current, now: now)
            if scaleUpLimit < current { scaleUpLimit = current }
            var maximumAllowed = replicas.max
            let reason: LimitReason
            if maximumAllowed > scaleUpLimit { maximumAllowed = scaleUpLimit; reason = .scaleUpLimit } else { reason = .tooManyReplicas }
            if desired > maximumAllowed {
                return (maximumAllowed, reason, reason == .scaleUpLimit ? "rate-limited: \(policyText)" : "clamped to max replicas \(replicas.max)")
            }
        } else if desired < current {
            var (scaleDownLimit, policyText) = calculateScaleDownLimitWithBehaviors(current: current, now: now)
            if scaleDownLimit > current { scaleDownLimit = current }
            var minimumAllowed = replicas.min
            let reason: LimitReason
            if minimumAllowed < scaleDownLimit { minimumAllowed = scaleDownLimit; reason = .scaleDownLimit } else { reason = .tooFewReplicas }
            if desired < minimumAllowed {
                return (minimumAllowed, reason, reason == .scaleDownLimit ? "rate-limited: \(policyText)" : "clamped to min replicas \(replicas.min)")
            }
        }
        return (desired, .desiredWithinRange, "")
    }

    /// Upstream `getReplicasChangePerPeriod`: the sum of the events strictly `After(now − period)`
    /// (an event exactly one period old no longer counts, §6).
    static func replicasChangePerPeriod(_ period: Double, _ events: [ScaleEvent], now: Double) -> Int {
        let cutoff = now - period
        return events.reduce(0) { $1.time > cutoff ? $0 + $1.change : $0 }
    }

    /// A policy's percent as upstream's int32 (`policy.Value`), from capsim's fraction (1.0 = 100 %).
    static func percent(_ policy: HPAPolicy) -> Int { Int((policy.value * 100).rounded()) }

    /// Upstream `calculateScaleUpLimitWithScalingRules` (R4.5): per policy, the period-start count
    /// is rebuilt from both directions' events (`current − added + deleted`); Pods allows
    /// `start + value`, Percent allows `ceil(start × (1 + value/100))` (rounded **up** so a small
    /// target can always grow, V12); `selectPolicy` Max takes the largest, Min the smallest,
    /// Disabled returns current (no scale-up).
    func calculateScaleUpLimitWithScalingRules(current: Int, now: Double) -> (Int, String) {
        let rules = hpa.behavior.scaleUp
        if rules.selectPolicy == .disabled { return (current, "scale-up is disabled (selectPolicy Disabled)") }
        let pickMin = rules.selectPolicy == .min
        var result = pickMin ? Int(Int32.max) : Int(Int32.min)
        var text = "no scale-up policy allows a change"
        for policy in rules.policies {
            let added = Self.replicasChangePerPeriod(policy.period, scaleUpEvents, now: now)
            let deleted = Self.replicasChangePerPeriod(policy.period, scaleDownEvents, now: now)
            let periodStart = current - added + deleted
            let proposed: Int
            let what: String
            switch policy.type {
            case .pods:
                proposed = periodStart + Int(policy.value)
                what = "\(Int(policy.value)) pods"
            case .percent:
                proposed = Int((Double(periodStart) * (1 + Double(Self.percent(policy)) / 100)).rounded(.up))
                what = "\(Self.percent(policy))%"
            }
            if pickMin ? proposed < result : proposed > result {
                result = proposed
                text = "scale-up policy allows \(what) per \(seconds(policy.period)) → \(proposed) (from \(periodStart) at the period start)"
            }
        }
        return (result, text)
    }

    /// Upstream `calculateScaleDownLimitWithBehaviors` (R4.5): Pods allows `start − value`,
    /// Percent allows `int32(start × (1 − value/100))` — Go's conversion **truncates**, so the
    /// number removed rounds up (80 at 10 % → 72, V12, D3); selectPolicy Max (default) takes the
    /// lowest allowed count (the largest change), Min the highest, Disabled returns current.
    func calculateScaleDownLimitWithBehaviors(current: Int, now: Double) -> (Int, String) {
        let rules = hpa.behavior.scaleDown
        if rules.selectPolicy == .disabled { return (current, "scale-down is disabled (selectPolicy Disabled)") }
        let pickMax = rules.selectPolicy == .min   // Min change ⇒ highest allowed count
        var result = pickMax ? Int(Int32.min) : Int(Int32.max)
        var text = "no scale-down policy allows a change"
        for policy in rules.policies {
            let added = Self.replicasChangePerPeriod(policy.period, scaleUpEvents, now: now)
            let deleted = Self.replicasChangePerPeriod(policy.period, scaleDownEvents, now: now)
            let periodStart = current - added + deleted
            let proposed: Int
            let what: String
            switch policy.type {
            case .pods:
                proposed = periodStart - Int(policy.value)
                what = "\(Int(policy.value)) pods"
            case .percent:
                proposed = Int(Double(periodStart) * (1 - Double(Self.percent(policy)) / 100))
                what = "\(Self.percent(policy))%"
            }
            if pickMax ? proposed > result : proposed < result {
                result = proposed
                text = "scale-down policy allows removing \(what) per \(seconds(policy.period)) → \(proposed) (from \(periodStart) at the period start)"
            }
        }
        return (result, text)
    }

    /// Upstream `storeScaleEvent` (R4.6): only on the behavior path; a scale-up records
    /// `new − prev` in the scale-up events, a scale-down `prev − new` in the scale-down events.
    /// As upstream, only the list being written is aged, by its own direction's longest policy
    /// period (`markScaleEventsOutdated`), and the first outdated slot is reused for the new
    /// event; outdated events that were not overwritten stay visible to the other direction's
    /// rate limit (`getReplicasChangePerPeriod` ignores the flag), so the two directions'
    /// periods interact exactly as in the controller.
    private mutating func storeScaleEvent(_ previous: Int, _ new: Int, _ now: Double) {
        guard usesBehavior, new != previous else { return }
        if new > previous {
            Self.store(&scaleUpEvents, ScaleEvent(change: new - previous, time: now), longest: hpa.behavior.scaleUp.policies.map(\.period).max() ?? 0)
        } else {
            Self.store(&scaleDownEvents, ScaleEvent(change: previous - new, time: now), longest: hpa.behavior.scaleDown.policies.map(\.period).max() ?? 0)
        }
    }

    private static func store(_ events: inout [ScaleEvent], _ event: ScaleEvent, longest: Double) {
        let cutoff = event.time - longest
        if let i = events.firstIndex(where: { $0.time < cutoff }) { events[i] = event } else { events.append(event) }
    }
}
