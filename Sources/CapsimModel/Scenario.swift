/// A validated scenario: the platform, what drives it and what to do with it.
///
/// Built only by `ScenarioLoader` (decode → defaults → validate), so every value here has
/// passed validation: names resolve, ranges are ordered, min ≤ max. Dictionaries keyed by
/// name are exposed in sorted order through `serviceNames` and friends, so output never
/// depends on hash order.
public struct Scenario: Hashable, Sendable, Codable {
    /// The format version (`capsim: 1`).
    public let version: Int
    public let name: String
    public let description: String
    /// Seed for every random stream (plan draws, simulation); streams are derived per entity.
    public let seed: UInt64
    public let platform: Platform
    public let currency: CurrencySettings
    public let planning: PlanningSettings
    public let services: [String: Service]
    public let traffic: Traffic?
    public let eventBus: EventBus?
    public let databases: [String: Database]
    public let cdn: CDN?
    public let seasons: [String: Season]
    public let simulation: SimulationSettings
    public let expectations: [Expectation]
    /// External dependencies (a payment provider, a mobile-money rail): called like services,
    /// never scaled, priced or counted as instances.
    public var dependencies: [String: Dependency] = [:]
    /// `capsim sweep`'s grid, when the scenario names one; other commands ignore it.
    public var sweep: SweepSpec? = nil
    /// Failures injected into a run (`faults:` and `--fault`), the ones off by default included.
    public var faults: [Fault] = []
    /// The users' side of `traffic.routes` (`clients:`): networks, timeouts, retries; nil: none.
    public var clients: Clients? = nil
    /// The faults a run injects: those written on, and those `--fault NAME` turned on.
    public var activeFaults: [Fault] { faults.filter(\.enabled) }

    public var serviceNames: [String] { services.keys.sorted() }
    public var databaseNames: [String] { databases.keys.sorted() }
    public var dependencyNames: [String] { dependencies.keys.sorted() }
    /// What a route's step can call: a service or an external dependency.
    public var calleeNames: [String] { serviceNames + dependencyNames }

    /// The same scenario with other expectations (a separate checks file's).
    public func with(expectations: [Expectation]) -> Scenario {
        Scenario(version: version, name: name, description: description, seed: seed, platform: platform, currency: currency, planning: planning,
                 services: services, traffic: traffic, eventBus: eventBus, databases: databases, cdn: cdn, seasons: seasons,
                 simulation: simulation, expectations: expectations, dependencies: dependencies, sweep: sweep, faults: faults, clients: clients)
    }
}

/// Platform-wide figures from the seed ("current peak: 10,000 TPS, 100,000 DAU"), and the
/// nodes' spare CPU that a pod without a CPU limit can burst into.
public struct Platform: Hashable, Sendable, Codable {
    public let dailyActiveUsers: Double?
    /// Peak request rate at the entry (API gateway), per second.
    public let peak: Double?
    /// The CPU a pod with no CPU limit can use: its node's spare cores (`platform.node_cpu`).
    public let nodeCPU: CPU
    /// Availability zones pods spread over, one pod at a time to the zone with fewest
    /// (Kubernetes' topologySpreadConstraints, maxSkew 1); empty: zones are not modelled.
    public var zones: [String] = []
    /// `platform.survives.zones`: how many zones may be lost at once with the formula's count
    /// still standing (N+k zone headroom in `plan`); nil when not written, which means one.
    public var survivesZones: Int?
    /// The zones the plan's zone-safe count survives losing at once.
    public var zonesToSurvive: Int { survivesZones ?? 1 }
}

/// The capacity formula's factors (seed §2):
/// `peak × (1 + growth)^months × seasonal × feature interaction × safety`.
public struct PlanningFactors: Hashable, Sendable, Codable {
    public let growthMonthly: Uncertain
    public let seasonal: Uncertain
    public let featureInteraction: Uncertain
    public let safety: Uncertain
}

/// A service's own planning factors: each one it wrote, nil where the platform's applies.
public struct ServiceFactors: Hashable, Sendable, Codable {
    public let growthMonthly: Uncertain?
    public let seasonal: Uncertain?
    public let featureInteraction: Uncertain?
    public let safety: Uncertain?

    public init(growthMonthly: Uncertain? = nil, seasonal: Uncertain? = nil, featureInteraction: Uncertain? = nil, safety: Uncertain? = nil) {
        self.growthMonthly = growthMonthly; self.seasonal = seasonal; self.featureInteraction = featureInteraction; self.safety = safety
    }

    /// The factors the planner uses: the service's own where it wrote them, the platform's otherwise.
    public func resolved(over platform: PlanningFactors) -> PlanningFactors {
        PlanningFactors(growthMonthly: growthMonthly ?? platform.growthMonthly, seasonal: seasonal ?? platform.seasonal,
                        featureInteraction: featureInteraction ?? platform.featureInteraction, safety: safety ?? platform.safety)
    }
}

public struct PlanningSettings: Hashable, Sendable, Codable {
    /// Planning horizons in months.
    public let horizons: [Int]
    public let factors: PlanningFactors
    /// Monte Carlo draws when any input is a range.
    public let draws: Int
    /// Utilisation at which instances are counted; nil → each service's HPA CPU target.
    public let targetUtilization: Double?
    /// The label for the seasonal factor in reports ("holiday season").
    public let seasonLabel: String
    /// `seasonal_factor: from_calendar`: each horizon takes the largest season multiplier whose
    /// holidays fall inside it, instead of a fixed factor.
    public let seasonalFromCalendar: Bool
    /// The plan's first day (ISO date, EAT); nil = today in EAT.
    public let start: String?
}

public struct Replicas: Hashable, Sendable, Codable {
    public let min: Int
    public let max: Int
    public let initial: Int

    public init(min: Int, max: Int, initial: Int) { self.min = min; self.max = max; self.initial = initial }
}

public struct ResourceSpec: Hashable, Sendable, Codable {
    public let cpu: CPU
    public let memory: Memory
}

/// A container's limits as Kubernetes reads them: an absent limit is no limit (nil), not a
/// default — a pod with no CPU limit may use whatever its node has spare.
public struct ResourceLimits: Hashable, Sendable, Codable {
    /// The CFS quota; nil: none, the pod bursts up to its node's spare CPU (`Platform.nodeCPU`).
    public let cpu: CPU?
    public let memory: Memory?
    public init(cpu: CPU?, memory: Memory?) { self.cpu = cpu; self.memory = memory }
}

public struct Resources: Hashable, Sendable, Codable {
    public let requests: ResourceSpec
    public let limits: ResourceLimits
    public init(requests: ResourceSpec, limits: ResourceLimits) { self.requests = requests; self.limits = limits }

    /// The most CPU one pod can use: its limit, else its node's spare CPU.
    public func cpuCeiling(node: CPU) -> CPU { limits.cpu ?? node }
}

/// Per-instance capacity: given as a rate, or derived from service time and concurrency.
public struct Capacity: Hashable, Sendable, Codable {
    /// Requests per second one instance sustains at 100 % busy.
    public let rps: Double
    /// Concurrent slots per instance (worker threads, event-loop concurrency).
    public let concurrency: Int
    public let serviceTime: ServiceTime
    /// True when `rps` was written directly and the service time is implied (1/rps per slot).
    public let rpsGiven: Bool
}

/// A latency objective on one statistic.
public struct SLO: Hashable, Sendable, Codable {
    public let metric: Metric
    public let threshold: Double
}

public enum QueueDiscipline: String, Hashable, Sendable, Codable, CaseIterable {
    case shared
    case perInstance = "per-instance"
}

public enum LoadBalancing: String, Hashable, Sendable, Codable, CaseIterable {
    case random
    case roundRobin = "round-robin"
    case leastOutstanding = "least-outstanding"
}

public struct QueueSettings: Hashable, Sendable, Codable {
    public let discipline: QueueDiscipline
    public let balancing: LoadBalancing
    /// Waiting requests beyond this are dropped; nil → unbounded.
    public let limit: Int?
    /// A request waiting + in service longer than this times out; nil → never.
    public let timeout: Double?

    public init(discipline: QueueDiscipline, balancing: LoadBalancing, limit: Int?, timeout: Double?) {
        self.discipline = discipline; self.balancing = balancing; self.limit = limit; self.timeout = timeout
    }
}

public struct CacheSettings: Hashable, Sendable, Codable {
    public let hitRatio: Double
}

public struct Publication: Hashable, Sendable, Codable {
    public let topic: String
    /// Messages published per completed request.
    public let perRequest: Double
}

/// Work an instance does on a timer — a batch job, a flush, a checkpoint: every `every`
/// seconds each ready instance queues one job that holds a slot for `work` seconds, in FIFO
/// order with the requests, which wait behind it. Payments queueing behind the rewards
/// worker's batch on SQLite's one writer are the case that asked for it (BENCHMARKS.md).
public struct PeriodicJob: Hashable, Sendable, Codable {
    public let every: Double
    public let work: Double
    public init(every: Double, work: Double) { self.every = every; self.work = work }
}

public struct Service: Hashable, Sendable, Codable {
    public let name: String
    /// Current peak load (requests/s) at this service; a range when the peak is uncertain.
    public let peak: Uncertain
    /// True when `peak` was derived from the traffic routes rather than written.
    public let peakDerived: Bool
    public let capacity: Capacity
    /// CPU time one request uses (seconds of one core); drives utilisation as Kubernetes measures it.
    public let cpuPerRequest: Double
    public let resources: Resources
    public let replicas: Replicas
    /// Scheduling + image pull + readiness before a new instance takes traffic.
    public let startupDelay: Double
    public let slo: SLO?
    /// nil when the scenario gives no price: the service then costs nothing.
    public let costPerInstanceHour: Money?
    public let queue: QueueSettings
    public let autoscaling: Autoscaling
    public let database: String?
    public let cache: CacheSettings?
    public let queriesPerRequest: Double
    public let publishes: [Publication]
    /// Background work on a timer, per instance.
    public let jobs: [PeriodicJob]
    /// Per-service overrides of the platform planning factors.
    public let factors: ServiceFactors
}
