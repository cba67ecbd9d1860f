/// Every default the scenario format applies when a key is absent, in one place, so the
/// scenario reference (docs/scenario-reference.md) and the decoder cannot disagree. (A malformed value never falls back
/// to a default: it is an error.)
public enum Defaults {
    public static let seed: UInt64 = 1
    public static let horizons = [6, 12]
    /// Neutral factors: an absent factor leaves the formula unchanged.
    public static let growth = 0.0
    public static let factor = 1.0
    public static let draws = 10_000
    public static let seasonLabel = "seasonal peak"
    /// The seed's Kubernetes resources (250m/256Mi requests, 500m/512Mi limits).
    public static let requests = ResourceSpec(cpu: CPU(millicores: 250), memory: Memory(bytes: 256 * 1024 * 1024))
    public static let limits = ResourceLimits(cpu: CPU(millicores: 500), memory: Memory(bytes: 512 * 1024 * 1024))
    /// The spare CPU of the node a pod with no CPU limit runs on (`platform.node_cpu`): 2 cores,
    /// e.g. a 4-vCPU node whose other pods use half of it. Only pods without a limit read it.
    public static let nodeCPU = CPU(millicores: 2000)
    public static let concurrency = 1
    public static let startupDelay = 30.0
    /// A `dependency-outage` written without an error rate: the partner answers nothing.
    public static let outageErrorRate = 1.0
    /// A `spot-preemption` written without a share runs every pod of the service on spot, and
    /// gives each reclaimed pod 2 minutes' notice (GCP gives 30 s, AWS 2 min).
    public static let spotShare = 1.0
    public static let spotNotice = 120.0
    public static let queue = QueueSettings(discipline: .shared, balancing: .roundRobin, limit: nil, timeout: nil)
    /// Upstream HPA defaults: 15 s sync (`--horizontal-pod-autoscaler-sync-period`), 0.1 tolerance,
    /// 5 min CPU initialization period, 30 s initial readiness delay, and 80 % CPU when no metric is given.
    public static let hpaSyncPeriod = 15.0
    public static let hpaTolerance = 0.1
    public static let cpuInitializationPeriod = 300.0
    public static let initialReadinessDelay = 30.0
    public static let hpaMetrics = [HPAMetric(metric: .cpuUtilization, target: 0.8)]
    public static let triggerCooldown = 300.0
    public static let queriesPerRequest = 0.0
    public static let hopLatency = 0.001
    /// First retry's wait; doubled for each further retry.
    public static let retryBackoff = 0.1
    public static let trafficMultiplier = 1.0
    public static let surgeRamp = 0.0
    public static let databaseEngine = "postgresql"
    public static let databaseCPUs = 2.0
    public static let databaseMaxConnections = 100
    public static let databaseQueryTime = ServiceTime.exponential(mean: 0.002)
    public static let readRatio = 0.8
    /// Rows that writes spread over when `key_skew` is set.
    public static let databaseKeys = 10_000
    public static let simulationDuration = 3600.0
    public static let samplePeriod = 15.0
    public static let eventBusKind = "kafka"
    public static let lagActivation = 0.0
    /// The reporting currency when `report_in` is not written and the prices do not settle it
    /// (they are in both currencies, or there are none); otherwise it is the prices' currency.
    public static let reportIn = Currency.etb
    /// Outputs show only the reporting currency unless `currency.show_both` asks for both.
    public static let showBoth = false
    /// Utilisation used to count instances when a service has no HPA CPU target.
    public static let targetUtilization = 0.7

    /// `clients:` — OkHttp's default read timeout (Android clients dominate in Ethiopia), no
    /// retries unless written, and AWS's "full jitter" backoff from 1 s up to 20 s.
    public static let clientTimeout = 10.0
    public static let clientRetries = 0
    public static let clientBackoff = Clients.Backoff(base: 1, max: 20, jitter: .full)
}
