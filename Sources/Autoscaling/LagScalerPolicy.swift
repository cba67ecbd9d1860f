import CapsimModel
import Foundation

/// KEDA's Kafka scaler for a consumer group, as KEDA runs it: the scaler reports the group's
/// total lag as an External metric, and the HPA that KEDA creates for the ScaledObject scales
/// on it with an `AverageValue` target of `lagThreshold` — the same `HPAController` that
/// `simulate` and `replay` run for services, so tolerance, the legacy scale-up limit and the
/// 300 s downscale stabilization are upstream's, not a copy. KEDA itself does two things more:
///
/// - **The reported metric** (`kafka_scaler.go` `getTotalLag`): unless idle consumers are
///   allowed, when `totalLag / lagThreshold` (int64 division) exceeds the partition count the
///   metric is capped at partitions × lagThreshold, so a consumer beyond the partitions is not
///   asked for. The test is on the truncated quotient, so lag 7 at threshold 2 over 3
///   partitions reports 7 (→ 4 replicas), as KEDA does.
/// - **Activation and zero** (the operator, not the HPA): the HPA's `minReplicas` is
///   max(1, min); with `min: 0` the operator scales to zero once the scaler has been inactive
///   (lag ≤ `activationLagThreshold`) for the cooldown period (KEDA's default 300 s), and from
///   zero to max(1, min) as soon as it is active.
public struct LagScalerPolicy: Sendable {
    public let config: LagScaler
    public let workers: Replicas
    public let partitions: Int
    public let service: String
    /// KEDA's `cooldownPeriod` default.
    public static let cooldown = 300.0
    private var hpa: HPAController
    private var lastActive: Double?

    public init(config: LagScaler, workers: Replicas, partitions: Int, service: String) {
        self.config = config; self.workers = workers; self.partitions = partitions; self.service = service
        let metric = HPAMetric(metric: .consumerLag, target: config.lagThreshold, source: .external(.averageValue))
        hpa = HPAController(hpa: HPA(metrics: [metric]), replicas: Replicas(min: max(1, workers.min), max: workers.max, initial: max(1, workers.initial)), service: service)
    }

    /// The metric KEDA reports for `lag` (`getTotalLag`'s cap).
    public func reportedLag(_ lag: Double) -> Double {
        guard !config.allowIdleConsumers, config.lagThreshold > 0 else { return lag }
        let quotient = (lag / config.lagThreshold).rounded(.down)
        return quotient > Double(partitions) ? Double(partitions) * config.lagThreshold : lag
    }

    public mutating func evaluate(_ obs: Observation) -> Decision {
        let current = obs.replicas
        let lag = obs.metrics[.consumerLag] ?? 0
        let active = lag > config.activationLag
        if active { lastActive = obs.time }
        func decide(_ rule: String, _ desired: Int, _ why: String) -> Decision {
            Decision(time: obs.time, service: service, policy: .lagScaler, rule: rule, current: current, desired: desired, metricValue: lag, reason: why)
        }
        if current == 0 {
            let to = max(1, workers.min)
            return active ? decide("activated", to, "active: lag \(Int(lag)) > activation \(Int(config.activationLag)) → \(to) from zero")
                          : decide("inactive", 0, "inactive: lag \(Int(lag)) ≤ activation \(Int(config.activationLag))")
        }
        if !active && workers.min == 0 {
            let idle = obs.time - (lastActive ?? -Self.cooldown)
            if idle >= Self.cooldown { return decide("inactive", 0, "inactive for \(Int(idle)) s ≥ cooldown \(Int(Self.cooldown)) s → zero") }
        }
        let metric = reportedLag(lag)
        let d = hpa.reconcile(Observation(time: obs.time, service: service, replicas: current, metrics: [.consumerLag: metric]))
        let capped = metric < lag ? " (capped at \(partitions) partitions × \(Int(config.lagThreshold)))" : ""
        return decide(d.rule, d.desired, "lag \(Int(lag))\(capped): " + d.reason)
    }
}
