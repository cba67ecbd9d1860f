/// Metrics that triggers, SLOs and expectations can name. Which entity offers which is
/// decided by `Metric.offered(by:)`, so "a trigger on a metric the service does not have"
/// is a validation error rather than a trigger that never fires.
public enum Metric: String, Hashable, Sendable, Codable, CaseIterable {
    case cpuUtilization = "cpu_utilization"
    /// Memory in use against the pods' memory request: an HPA Resource metric for `replay`
    /// (the simulator does not model memory).
    case memoryUtilization = "memory_utilization"
    case latencyMean = "latency_mean"
    case latencyP50 = "latency_p50"
    case latencyP90 = "latency_p90"
    case latencyP95 = "latency_p95"
    case latencyP99 = "latency_p99"
    case queueLength = "queue_length"
    case inFlight = "in_flight"
    case throughput
    case errorRate = "error_rate"
    case consumerLag = "consumer_lag"
    case connectionsInUse = "connections_in_use"
    case replicationLag = "replication_lag"
    case replicas
    case dropped
    case timedOut = "timed_out"
    case costPerDay = "cost_per_day"
    /// `clients:` rows: the share of user requests whose every attempt failed (the user gave up).
    case gaveUp = "gave_up"
    /// `clients:` rows: attempts that reached the platform ÷ user requests (offered ÷ original).
    case amplification

    public enum Unit { case fraction, seconds, count, rate, money }

    public var unit: Unit {
        switch self {
        case .cpuUtilization, .memoryUtilization, .errorRate, .gaveUp: return .fraction
        case .latencyMean, .latencyP50, .latencyP90, .latencyP95, .latencyP99, .replicationLag: return .seconds
        case .throughput: return .rate
        case .costPerDay: return .money
        default: return .count
        }
    }

    public var isLatency: Bool { unit == .seconds && self != .replicationLag }

    /// A pod resource's utilization of its request: an HPA Resource metric.
    public var isResource: Bool { self == .cpuUtilization || self == .memoryUtilization }

    public enum Owner { case service, consumerGroup, database, platform }

    /// Metrics a trigger on this kind of entity may watch.
    public static func triggerable(on owner: Owner) -> [Metric] {
        switch owner {
        case .service: return [.cpuUtilization, .latencyMean, .latencyP50, .latencyP90, .latencyP95, .latencyP99, .queueLength, .inFlight, .throughput, .errorRate]
        case .consumerGroup: return [.consumerLag, .cpuUtilization, .throughput]
        case .database: return [.cpuUtilization, .connectionsInUse, .replicationLag]
        case .platform: return []
        }
    }
}

public enum Comparison: String, Hashable, Sendable, Codable {
    case above, below
    public func holds(_ value: Double, _ threshold: Double) -> Bool {
        self == .above ? value > threshold : value < threshold
    }
}

/// What a trigger does when its condition has held for its duration.
public enum TriggerAction: Hashable, Sendable, Codable {
    /// Add instances (bounded by the max replicas).
    case addInstances(Int)
    /// Add event-bus consumer workers (bounded by the group's max workers).
    case addQueueWorkers(Int)
    /// Raise an alert for a human; scales nothing (the seed's database row).
    case alert(String)
}

/// One row of the seed's scaling-trigger table: metric, threshold, sustained duration, action.
public struct Trigger: Hashable, Sendable, Codable {
    public let metric: Metric
    public let comparison: Comparison
    public let threshold: Double
    /// How long the condition must hold; 0 means at the first sample that breaches.
    public let sustained: Double
    public let action: TriggerAction
    /// After firing, the trigger cannot fire again for this long.
    public let cooldown: Double
    /// Restricts a latency metric to one route through the service.
    public let route: String?
    /// The seed's words for this row, kept for reports ("Authentication Latency").
    public let label: String?
}

public enum HPAPolicyType: String, Hashable, Sendable, Codable, CaseIterable { case pods, percent }
public enum SelectPolicy: String, Hashable, Sendable, Codable, CaseIterable { case max, min, disabled }

public struct HPAPolicy: Hashable, Sendable, Codable {
    public let type: HPAPolicyType
    /// Pods, or percent as a fraction (1.0 = 100 %).
    public let value: Double
    public let period: Double
}

public struct HPAScalingRules: Hashable, Sendable, Codable {
    public let stabilizationWindow: Double
    public let selectPolicy: SelectPolicy
    public let policies: [HPAPolicy]
    /// This direction's tolerance (`behavior.scaleUp.tolerance`, Kubernetes 1.33+); nil = the
    /// HPA's `tolerance` (the cluster-wide flag).
    public var tolerance: Double?

    public init(stabilizationWindow: Double, selectPolicy: SelectPolicy, policies: [HPAPolicy], tolerance: Double? = nil) {
        self.stabilizationWindow = stabilizationWindow; self.selectPolicy = selectPolicy; self.policies = policies; self.tolerance = tolerance
    }
}

public struct HPABehavior: Hashable, Sendable, Codable {
    public let scaleUp: HPAScalingRules
    public let scaleDown: HPAScalingRules
    /// False when the scenario wrote no `behavior`. Upstream then takes the legacy path
    /// (`normalizeDesiredReplicas`: scale-up limit max(2 × current, 4), 300 s downscale
    /// stabilization from the controller flag), not the defaults below: the API server fills
    /// behavior defaults only into a behavior block that exists
    /// (`SetDefaults_HorizontalPodAutoscalerBehavior`). See docs/hpa-reference.md.
    public let explicit: Bool

    /// autoscaling/v2 defaults for the fields a written `behavior` block leaves out: scale up
    /// by max(100 %, 4 pods) per 15 s with no stabilization; scale down by 100 % per 15 s after
    /// a 300 s stabilization window.
    public static let kubernetesDefault = HPABehavior(
        scaleUp: HPAScalingRules(stabilizationWindow: 0, selectPolicy: .max, policies: [
            HPAPolicy(type: .percent, value: 1.0, period: 15), HPAPolicy(type: .pods, value: 4, period: 15)]),
        scaleDown: HPAScalingRules(stabilizationWindow: 300, selectPolicy: .max, policies: [
            HPAPolicy(type: .percent, value: 1.0, period: 15)]),
        explicit: false)
}

/// One HPA metric target. capsim's pods report CPU, so CPU utilisation is the resource metric;
/// the others are the pods-metric form (`averageValue`) over the simulator's own metrics.
public struct HPAMetric: Hashable, Sendable, Codable {
    public let metric: Metric
    /// Target: utilisation fraction for CPU; for the others, per pod (`Pods`, and `Object` or
    /// `External` with an `AverageValue` target) or for the whole service (a `Value` target).
    public let target: Double
    /// Where the HPA reads the metric, as `autoscaling/v2` names it.
    public var source: HPAMetricSource = .pods

    public init(metric: Metric, target: Double, source: HPAMetricSource? = nil) {
        self.metric = metric; self.target = target
        self.source = source ?? (metric.isResource ? .resource : .pods)
    }
}

/// An `autoscaling/v2` metric source. Each reads the service's metric its own way
/// (upstream `replica_calculator.go`), and the simulator feeds each accordingly:
/// - `resource`: CPU (or, in `replay`, memory) utilization of each pod against its request
///   (`GetResourceReplicas`);
/// - `pods`: the average over the pods that have a sample (`GetMetricReplicas`), so the
///   simulator divides the service's total by its ready pods;
/// - `object` / `external`: one value for the whole service; a `Value` target multiplies the
///   ready pods by value ÷ target (`GetObjectMetricReplicas`, `GetExternalMetricReplicas`), an
///   `AverageValue` target asks for ceil(value ÷ target) pods (`GetObjectPerPodMetricReplicas`,
///   `GetExternalPerPodMetricReplicas`).
public enum HPAMetricSource: Hashable, Sendable, Codable {
    case resource
    case pods
    case object(HPATargetType)
    case external(HPATargetType)

    /// An Object or External metric's target type; nil for Resource and Pods metrics, whose
    /// value is per pod.
    public var targetType: HPATargetType? {
        switch self {
        case .object(let t), .external(let t): return t
        case .resource, .pods: return nil
        }
    }
}

public enum HPATargetType: String, Hashable, Sendable, Codable, CaseIterable {
    case value
    case averageValue = "average_value"
}

public struct HPA: Hashable, Sendable, Codable {
    public let metrics: [HPAMetric]
    public let syncPeriod: Double
    public let tolerance: Double
    public let behavior: HPABehavior
    /// CPU samples from pods younger than this are distrusted (upstream `cpuInitializationPeriod`).
    public let cpuInitializationPeriod: Double
    /// Upstream `delayOfInitialReadinessStatus`.
    public let initialReadinessDelay: Double

    public init(metrics: [HPAMetric], syncPeriod: Double = Defaults.hpaSyncPeriod, tolerance: Double = Defaults.hpaTolerance,
                behavior: HPABehavior = .kubernetesDefault, cpuInitializationPeriod: Double = Defaults.cpuInitializationPeriod,
                initialReadinessDelay: Double = Defaults.initialReadinessDelay) {
        self.metrics = metrics; self.syncPeriod = syncPeriod; self.tolerance = tolerance; self.behavior = behavior
        self.cpuInitializationPeriod = cpuInitializationPeriod; self.initialReadinessDelay = initialReadinessDelay
    }

    /// The CPU utilisation target, if the HPA scales on CPU.
    public var cpuTarget: Double? { metrics.first { $0.metric == .cpuUtilization }?.target }

    /// An Object or External metric: the only kind that reads a value with no pod running, so
    /// the only kind that allows `minReplicas: 0` (upstream's HPAScaleToZero validation).
    public var canScaleFromZero: Bool { metrics.contains { $0.source.targetType != nil } }
}

public struct Autoscaling: Hashable, Sendable, Codable {
    public let hpa: HPA?
    public let triggers: [Trigger]
    /// Scheduled and calendar-aware minimums, fed to the HPA (`autoscaling.schedule`).
    public var schedule: [ScalingSchedule] = []
}
