import CapsimModel
import Foundation

/// KEDA's Kafka scaler for a consumer group, as KEDA runs it: an external metric (the group's
/// total lag) fed to an HPA with an `AverageValue` target of `lagThreshold` per replica.
///
/// - Activation: at or below `activationLag` the scaler is inactive and the group rests at its
///   minimum workers (KEDA's `activationLagThreshold`; KEDA scales to zero when min is 0).
/// - The metric is capped at partitions × lagThreshold unless idle consumers are allowed, so
///   replicas never exceed the partition count (`allowIdleConsumers: false`, KEDA's default):
///   a consumer beyond the partitions would have nothing to read.
/// - Replicas = ⌈metric ÷ lagThreshold⌉ by the HPA's rule, with its 0.1 tolerance on the usage
///   ratio metric ÷ (lagThreshold × current), and the HPA's default 300 s scale-down
///   stabilization (KEDA writes no `behavior` unless asked: the legacy path).
public struct LagScalerPolicy: Sendable {
    public let config: LagScaler
    public let workers: Replicas
    public let partitions: Int
    public let service: String
    public static let tolerance = 0.1
    public static let downscaleWindow = 300.0
    private var recommendations: [(time: Double, replicas: Int)] = []

    public init(config: LagScaler, workers: Replicas, partitions: Int, service: String) {
        self.config = config; self.workers = workers; self.partitions = partitions; self.service = service
    }

    public mutating func evaluate(_ obs: Observation) -> Decision {
        let current = obs.replicas
        let lag = obs.metrics[.consumerLag] ?? 0
        func decide(_ rule: String, _ desired: Int, _ why: String) -> Decision {
            Decision(time: obs.time, service: service, policy: .lagScaler, rule: rule, current: current, desired: desired, metricValue: lag, reason: why)
        }
        if recommendations.isEmpty { recommendations.append((obs.time, current)) }
        var raw: Int
        var why: String
        if lag <= config.activationLag {
            raw = workers.min
            why = "inactive: lag \(Int(lag)) ≤ activation \(Int(config.activationLag)) → min \(workers.min)"
        } else {
            let cap = Double(partitions) * config.lagThreshold
            let metric = config.allowIdleConsumers ? lag : min(lag, cap)
            let ratio = current > 0 ? metric / (config.lagThreshold * Double(current)) : .infinity
            if current > 0 && abs(ratio - 1) <= LagScalerPolicy.tolerance {
                raw = current
                why = "within tolerance 0.1: lag \(Int(lag)) is ratio \(String(format: "%.2f", ratio)) of \(Int(config.lagThreshold)) per worker"
            } else {
                raw = Int((metric / config.lagThreshold).rounded(.up))
                why = "lag \(Int(lag))\(metric < lag ? " (capped at \(partitions) partitions × \(Int(config.lagThreshold)))" : "") ÷ \(Int(config.lagThreshold)) per worker → \(raw)"
            }
        }
        raw = max(workers.min, min(workers.max, raw))
        // Scale-down stabilization: the highest recommendation of the last 300 s.
        recommendations.append((obs.time, raw))
        recommendations.removeAll { $0.time < obs.time - LagScalerPolicy.downscaleWindow }
        var desired = raw
        if raw < current {
            let held = recommendations.map(\.replicas).max() ?? raw
            if held > raw { desired = min(current, held); why += "; stabilized: max recommendation in the last 300 s was \(held)" }
        }
        let rule = desired == current ? (lag <= config.activationLag ? "inactive" : "steady") : desired > current ? "scale-up" : "scale-down"
        return decide(rule, desired, why)
    }
}
