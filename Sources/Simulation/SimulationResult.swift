import CapsimModel

/// What a simulation run produced: deterministic for a scenario and seed (no wall-clock
/// values), so two runs can be compared byte for byte. Property names become snake_case
/// keys in `summary.json`.
public struct SimulationResult: Hashable, Sendable, Codable {
    public let scenario: String
    public let seed: UInt64
    public let duration: Double
    public let warmup: Double
    public let samplePeriod: Double
    /// The currencies the run's costs are shown in, the reporting currency first.
    public let currencies: ShownCurrencies
    /// Events processed by the kernel.
    public let events: UInt64
    public let services: [ServiceSummary]
    public let routes: [RouteSummary]
    public internal(set) var timeline: [ServiceSample]
    public internal(set) var routeTimeline: [RouteSample]
    public let scaling: [ScalingEvent]
    /// The CDN paths simulated (origin misses as routes of their own), with their offload.
    public var cdn: [CDNPathSummary]? = nil
    /// Each surge and each window an expectation names, measured on its own (nil: none).
    public var windows: [WindowSummary]? = nil
    /// What each `autoscaling.schedule` rule cost and saved, against the run without
    /// schedules (nil: the scenario has none, or the comparison was skipped).
    public var scheduleEffects: [ScheduleEffect]? = nil
    /// Runs with faults: what each did (nil without faults, so such a run's files are unchanged).
    public var faults: [FaultSummary]? = nil
    /// Runs with `clients:`: what users saw per route and network class (nil without, so such
    /// a run's files are unchanged).
    public var clients: ClientsSummary? = nil
}

extension SimulationResult {
    /// The instance cost of every station together in `c`; nil when any lacks it (no rate).
    public func totalCost(in c: Currency) -> Double? {
        var total = 0.0
        for s in services {
            guard let v = s.cost(in: c) else { return nil }
            total += v
        }
        return total
    }

    /// Stations whose backlog grew for a sustained stretch (see `Backlog`), found from the
    /// timeline each time they are asked for, so a stored run shows what a fresh one does.
    public var backlogs: [Backlog] { Backlog.find(in: timeline, services: services, period: samplePeriod, warmup: warmup) }
}

public struct LatencySummary: Hashable, Sendable, Codable {
    public let mean: Double
    public let p50: Double
    public let p90: Double
    public let p95: Double
    public let p99: Double
    public let max: Double
}

public struct ServiceSummary: Hashable, Sendable, Codable {
    public let service: String
    public let arrivals: Int
    public let completed: Int
    public let dropped: Int
    public let timedOut: Int
    /// Time in this service (queue + service), seconds, after warm-up; nil with no completions.
    public let latency: LatencySummary?
    public let maxQueue: Int
    public let minReplicas: Int
    public let maxReplicas: Int
    public let instanceHours: Double
    /// The run's instance cost in birr and in dollars; each nil when it would take an
    /// exchange rate the scenario does not give (`cost(in:)` picks one).
    public let costEtb: Double?
    public let costUsd: Double?
    public let scaleUps: Int
    public let scaleDowns: Int
    public let alerts: Int
    /// Sample windows in which the service's SLO statistic exceeded its objective.
    public let sloBreaches: Int
    public let sloMetric: String?
    /// nil for a service; "database", "read replicas" or "consumer group" for the others.
    public var kind: String? = nil
    /// Share of the service's database lookups its cache answered (after warm-up: the whole run).
    public var cacheHitRatio: Double? = nil
    /// Queries the service sent to its database (cache misses).
    public var databaseQueries: Int? = nil
    /// Requests queued here or holding a slot when measurement began and when the run ended:
    /// in flight at the start + arrivals = completed + dropped + timed out + in flight at the end.
    public var inFlightAtStart: Int? = nil
    public var inFlightAtEnd: Int? = nil
    /// Time queued before a slot, for requests that took one after warm-up.
    public var wait: LatencySummary? = nil
    /// Mean time holding a slot (the service time, stretched by CPU throttling), and the longest.
    public var serviceMean: Double? = nil
    public var longestService: Double? = nil
    /// Requests waiting outside the station to reach it — for a database connection, a hot
    /// row's lock or a caller's connection pool: the most at once after warm-up, how many were
    /// still waiting at the end, and how long those that got through waited.
    public var maxBlocked: Int? = nil
    public var blockedAtEnd: Int? = nil
    public var blockedWait: LatencySummary? = nil
    /// Time holding a slot (the service time, stretched by CPU throttling) of the requests
    /// completed after warm-up, apart from the wait: where a latency comes from.
    public var serviceTime: LatencySummary? = nil
    /// Share of the requests that took a slot after warm-up which had to queue for it first
    /// (Erlang C's P(wait) for an M/M/c station); nil when none took one.
    public var waitProbability: Double? = nil
    /// Services only: the highest CPU utilisation sampled after warm-up (mean over ready pods of
    /// usage ÷ request, what the HPA reads; above 1 when pods burst past their request), and the
    /// pod-seconds after warm-up in which a pod's CPU demand exceeded its limit (throttled).
    public var cpuPeak: Double? = nil
    public var throttledPodSeconds: Double? = nil
    /// Runs with faults: requests (after warm-up) in service or queued on a pod a fault killed.
    public var lost: Int? = nil
    /// A service with a `spot-preemption` fault in force: its instance-hours on spot (after
    /// warm-up), priced at the spot price in `costEtb`/`costUsd`; nil otherwise.
    public var spotInstanceHours: Double? = nil

    public func cost(in c: Currency) -> Double? { c == .etb ? costEtb : costUsd }

    /// Queued + waiting outside at the end of the run: requests this station left unserved.
    public var backlogAtEnd: Int { (inFlightAtEnd ?? 0) + (blockedAtEnd ?? 0) }
}

public struct RouteSummary: Hashable, Sendable, Codable {
    public let route: String
    public let completed: Int
    /// End to end, from arrival at the entry to the last service's completion, seconds.
    public let latency: LatencySummary?
    /// Requests whose call failed for good (every attempt timed out); nil for routes without
    /// call policies.
    public var failed: Int? = nil
    /// Requests that entered the route after warm-up.
    public var arrivals: Int? = nil
    /// Requests that failed for good because a station on their path turned them away: its
    /// queue was full (`dropped`) or they waited past its queue timeout (`timedOut`).
    public var dropped: Int? = nil
    public var timedOut: Int? = nil
    /// Requests that failed for good because an external dependency answered with an error;
    /// nil for routes that call no dependency.
    public var errors: Int? = nil
    /// In flight when measurement began and when the run ended (queued, in service, waiting
    /// for a connection, between hops): in flight at the start + arrivals = completed + failed +
    /// dropped + timed out + in flight at the end.
    public var inFlightAtStart: Int? = nil
    public var inFlightAtEnd: Int? = nil
    /// Runs with faults: requests that failed for good because their pod died under them, and
    /// the retries the route's calls sent (attempts beyond each call's first), so offered load
    /// ÷ original requests reads off as (arrivals + retries) ÷ arrivals.
    public var podLost: Int? = nil
    public var retries: Int? = nil

    /// Every request that failed for good, whatever the cause.
    public var failedForGood: Int { (failed ?? 0) + (dropped ?? 0) + (timedOut ?? 0) + (errors ?? 0) + (podLost ?? 0) }
}

/// One metrics sample of one service (the timeline; default every 15 s).
public struct ServiceSample: Hashable, Sendable, Codable {
    public let time: Double
    public let service: String
    public let replicas: Int
    public let ready: Int
    public let starting: Int
    /// Mean over ready pods of CPU usage ÷ request, as the HPA reads it.
    public let cpuUtilization: Double
    public let inFlight: Int
    public let queueLength: Int
    public let arrivalRate: Double
    public let throughput: Double
    public let latencyMean: Double?
    public let latencyP50: Double?
    public let latencyP95: Double?
    public let latencyP99: Double?
    public let dropped: Int
    public let timedOut: Int
    /// Requests waiting outside the station at the sample (connection, row lock, call pool).
    public var blocked: Int? = nil
    /// Mean time queued by the requests that took a slot in this window.
    public var waitMean: Double? = nil
    /// Mean time waited outside by the requests that got through in this window.
    public var blockedWaitMean: Double? = nil

    /// Everything waiting at or for this station: its queues and the waits outside.
    public var backlog: Int { queueLength + (blocked ?? 0) }
}

public struct RouteSample: Hashable, Sendable, Codable {
    public let time: Double
    public let route: String
    public let completed: Int
    public let latencyP50: Double?
    public let latencyP99: Double?
    /// Requests of this route in flight at the sample.
    public var inFlight: Int? = nil
}

/// A scaling decision or alert, as written to events.csv.
public struct ScalingEvent: Hashable, Sendable, Codable {
    public let time: Double
    public let service: String
    /// "hpa", or "trigger[N] LABEL".
    public let policy: String
    public let rule: String
    public let metricValue: Double?
    /// The sustained-for window of a trigger, seconds; nil for the HPA.
    public let window: Double?
    public let from: Int
    public let to: Int
    public let reason: String
    public let alert: String?
}
