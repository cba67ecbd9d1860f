import CapsimModel

/// What a controller sees at one sync: the same shape whether it comes from the simulator's
/// metrics recorder or from a recorded metrics file (`capsim replay`), so both run the same
/// policy code. Every field a cluster's recording can hold about a pod that upstream's
/// `groupPods`, `getReadyPodsCount` and the metric clients read has a place here.
public struct PodSample: Hashable, Sendable, Codable {
    public let name: String
    /// The Ready condition's status at the observation time.
    public let ready: Bool
    /// Seconds since the pod started (its `status.startTime`).
    public let age: Double
    /// Seconds since the pod last became ready, when known (the readiness transition time).
    /// Kept for recordings written before `readySince`: on a not-ready pod it says "was ready once".
    public let readyFor: Double?
    /// CPU request in millicores; nil when the pod's containers request none.
    public let cpuRequest: Double?
    /// Measured CPU usage in millicores over the metrics window; nil = no metric (a missing pod).
    public let cpuUsage: Double?
    /// Age of the CPU sample's window start, relative to the pod's start (metrics-server's
    /// `timestamp − window`); nil when unknown. Used for the cpuInitializationPeriod rule.
    public let metricWindow: Double?
    /// `status.phase`.
    public var phase: PodPhase = .running
    /// The pod has a deletion timestamp (it is terminating).
    public var deleting = false
    /// Seconds since the Ready condition's last transition, in either direction
    /// (`lastTransitionTime`); nil when unknown, which reads as "long ago" like upstream's zero time.
    public var readySince: Double?
    /// Memory request and measured usage in bytes; nil when absent.
    public var memoryRequest: Double?
    public var memoryUsage: Double?
    /// This pod's own samples of Pods metrics (the custom metrics API's per-pod values);
    /// empty when only the service-level average is known.
    public var metrics: [Metric: Double] = [:]

    public init(name: String, ready: Bool, age: Double, readyFor: Double? = nil, cpuRequest: Double?, cpuUsage: Double?, metricWindow: Double? = nil) {
        self.name = name; self.ready = ready; self.age = age; self.readyFor = readyFor
        self.cpuRequest = cpuRequest; self.cpuUsage = cpuUsage; self.metricWindow = metricWindow
    }

    /// Upstream `groupPods`' first test: a deleting or Failed pod is set apart entirely.
    public var ignored: Bool { deleting || phase == .failed }
    /// Upstream `getReadyPodsCount`: phase Running and the Ready condition True (a deleting
    /// pod still counts there).
    public var runningAndReady: Bool { phase == .running && ready }
}

/// A pod's `status.phase`, as Kubernetes spells it.
public enum PodPhase: String, Hashable, Sendable, Codable, CaseIterable {
    case pending = "Pending"
    case running = "Running"
    case succeeded = "Succeeded"
    case failed = "Failed"
}

public struct Observation: Hashable, Sendable {
    /// Seconds since the run (or the recording) began.
    public let time: Double
    public let service: String
    /// The scale target's current `spec.replicas`.
    public let replicas: Int
    /// Pods of the target; empty when only service-level metrics are known.
    public let pods: [PodSample]
    /// Service-level metrics: latency in seconds, CPU as a fraction, queue length as a count…
    public let metrics: [Metric: Double]
    /// A scheduled minimum in force (`autoscaling.schedule`), an extra proposal for the HPA.
    public let scheduled: ScheduledMinimum?

    public init(time: Double, service: String, replicas: Int, pods: [PodSample] = [], metrics: [Metric: Double] = [:],
                scheduled: ScheduledMinimum? = nil) {
        self.time = time; self.service = service; self.replicas = replicas; self.pods = pods; self.metrics = metrics
        self.scheduled = scheduled
    }
}

/// What a scheduled-scaling rule asks of the HPA while it is in force: like KEDA's cron
/// trigger, an External metric whose proposal is exactly `replicas`; the highest proposal wins
/// and the HPA's behavior still limits the pace.
public struct ScheduledMinimum: Hashable, Sendable {
    public let replicas: Int
    /// The rule's name, for the decision's reason.
    public let rule: String

    public init(replicas: Int, rule: String) { self.replicas = replicas; self.rule = rule }
}

/// One policy's verdict at one observation: what it wants and why, in words an SRE reads.
public struct Decision: Hashable, Sendable, Codable {
    public enum Policy: Hashable, Sendable, Codable {
        case hpa
        /// A row of the seed's trigger table, by its index in the scenario.
        case trigger(Int)
        case lagScaler
    }
    public let time: Double
    public let service: String
    public let policy: Policy
    /// The rule that decided, short and stable for CI diffs: "tolerance", "steady" (no change
    /// for another reason: rounding back to current, a direction flip after rebalancing),
    /// "scale-up", "scale-down", "stabilized", "rate-limited", "max-replicas", "min-replicas",
    /// "fired", "alert", "disabled", "no-metrics"…
    public let rule: String
    public let current: Int
    public let desired: Int
    /// The metric value that drove the decision (ratio's numerator, or the trigger's metric).
    public let metricValue: Double?
    /// Human explanation, e.g. "within tolerance 0.1: ratio 1.04" or
    /// "stabilized: max recommendation in the last 300 s was 7".
    public let reason: String
    /// Text of an alert raised (alert-only trigger rows); nil otherwise.
    public let alert: String?

    public init(time: Double, service: String, policy: Policy, rule: String, current: Int, desired: Int, metricValue: Double?, reason: String, alert: String? = nil) {
        self.time = time; self.service = service; self.policy = policy; self.rule = rule; self.current = current
        self.desired = desired; self.metricValue = metricValue; self.reason = reason; self.alert = alert
    }

    public var changesReplicas: Bool { desired != current }
}
