/// The parts of the platform between and around services: traffic, event bus, databases,
/// CDN, seasons, simulation settings and CI expectations.

/// Open-loop traffic arriving at the entry service.
public struct Traffic: Hashable, Sendable, Codable {
    /// The service requests enter through (the API gateway).
    public let entry: String
    /// Arrival rate at the entry at the profile's peak (multiplier 1).
    public let peak: Double
    public let profile: TrafficProfile
    public let surges: [Surge]
    /// Scales the whole profile, for what-if runs (`--set traffic.multiplier=2`).
    public let multiplier: Double
    public let routes: [String: Route]
    /// Network latency added per synchronous hop.
    public let hopLatency: Double

    public var routeNames: [String] { routes.keys.sorted() }
}

public enum TrafficProfile: Hashable, Sendable, Codable {
    case constant
    /// 24 hourly multipliers of the peak, hour 0 = midnight EAT; interpolated linearly.
    case diurnal([Double])
    /// (seconds from start, multiplier of peak), interpolated linearly, held after the last.
    case points([ProfilePoint])
}

public struct ProfilePoint: Hashable, Sendable, Codable {
    public let at: Double
    public let multiplier: Double
}

/// A burst on top of the profile: the rate is multiplied during [start, start + duration).
public struct Surge: Hashable, Sendable, Codable {
    public let name: String
    public let start: Double
    public let duration: Double
    public let multiplier: Double
    /// Ramp time to and from the multiplier.
    public let ramp: Double
}

/// A request type: its share of entry traffic and the synchronous call path it takes.
public struct Route: Hashable, Sendable, Codable {
    public let name: String
    public let share: Double
    /// Every service the route may visit, in order (fan-out members in their order), starting
    /// with the entry.
    public let path: [String]
    /// The path as written: sequential calls, each possibly a fan-out, with call policies.
    public let steps: [RouteStep]

    public init(name: String, share: Double, path: [String], steps: [RouteStep]) {
        self.name = name; self.share = share; self.path = path; self.steps = steps
    }
}

/// One synchronous call from the previous step's service to `service`.
public struct Call: Hashable, Sendable, Codable {
    public let service: String
    /// The share of requests that make this call (the rest skip it).
    public let probability: Double
    /// The caller gives up on an attempt after this long (the callee's work goes on, wasted).
    public let timeout: Double?
    /// Attempts after the first when one times out.
    public let retries: Int
    /// Wait before retry n: backoff × 2^(n−1) (exponential).
    public let backoff: Double
    /// Connections the callers share to this service (gRPC channel pool): a call waits for a
    /// free one; nil = unlimited.
    public let pool: Int?

    public static func plain(_ service: String) -> Call {
        Call(service: service, probability: 1, timeout: nil, retries: 0, backoff: 0, pool: nil)
    }
}

public enum RouteStep: Hashable, Sendable, Codable {
    /// One call, then the next step.
    case call(Call)
    /// Calls made in parallel; the request goes on when all have answered.
    case fanout([Call])

    public var calls: [Call] {
        switch self {
        case .call(let c): return [c]
        case .fanout(let cs): return cs
        }
    }
}

public struct Topic: Hashable, Sendable, Codable {
    public let name: String
    public let partitions: Int
}

/// A KEDA-style lag scaler: replicas = ceil(lag ÷ lagThreshold), capped at partitions.
public struct LagScaler: Hashable, Sendable, Codable {
    public let lagThreshold: Double
    public let activationLag: Double
    public let allowIdleConsumers: Bool
}

public struct ConsumerGroup: Hashable, Sendable, Codable {
    public let name: String
    /// The service whose workers consume.
    public let service: String
    public let topic: String
    public let workers: Replicas
    public let serviceTime: ServiceTime
    public let triggers: [Trigger]
    public let lagScaler: LagScaler?
}

public struct EventBus: Hashable, Sendable, Codable {
    public let kind: String
    public let topics: [String: Topic]
    public let consumerGroups: [String: ConsumerGroup]
    public var topicNames: [String] { topics.keys.sorted() }
    public var consumerGroupNames: [String] { consumerGroups.keys.sorted() }
}

public struct Database: Hashable, Sendable, Codable {
    public let name: String
    /// The service that owns it (database-per-service).
    public let owner: String
    public let engine: String
    /// Primary vCPUs.
    public let cpus: Double
    public let maxConnections: Int
    public let queryTime: ServiceTime
    public let readReplicas: Int
    public let replicationLag: Double
    /// Fraction of queries that are reads (served by replicas when there are any).
    public let readRatio: Double
    /// Zipf exponent of key popularity; 0 = uniform (no hotspot).
    public let keySkew: Double
    /// Distinct keys writes spread over (rows that lock), for `keySkew`.
    public let keys: Int
    public let costPerHour: Money?
    public let triggers: [Trigger]
}

public struct CDNPath: Hashable, Sendable, Codable {
    public let path: String
    public let ttl: Double
    public let compression: Bool
    /// Origin service behind the path.
    public let service: String?
    /// Given hit ratio; nil → derived from the TTL and the per-object request rate.
    public let hitRatio: Double?
    /// Requests per second at the edge for this path; nil = not simulated.
    public let rate: Double?
    /// Distinct objects under the path, for the derived hit ratio.
    public let objects: Double?

    /// The edge hit ratio: given, or for a TTL cache under Poisson requests at λ per object,
    /// λT ÷ (1 + λT) — each miss fetches the object and the λT requests expected within its
    /// TTL are hits. nil when neither is known.
    public var effectiveHitRatio: Double? {
        if let hitRatio { return hitRatio }
        guard let rate, let objects, objects > 0 else { return nil }
        let lt = rate / objects * ttl
        return lt / (1 + lt)
    }
}

public struct CDN: Hashable, Sendable, Codable {
    public let paths: [String: [CDNPath]]
    public var groupNames: [String] { paths.keys.sorted() }
}

/// A calendar-driven traffic multiplier: which holidays or periods, by how much, for whom.
public struct Season: Hashable, Sendable, Codable {
    public let name: String
    public let holidays: [String]
    public let multiplier: Double
    /// Services affected; empty = all.
    public let services: [String]
    /// How much later the diurnal curve runs while the season is in force (e.g. Ramadan's
    /// evening peak after iftar); 0 = unchanged.
    public let shift: Double
}

public struct SimulationSettings: Hashable, Sendable, Codable {
    public let duration: Double
    public let warmup: Double
    public let samplePeriod: Double
    /// Wall-clock start of the run in ISO 8601 (EAT if no offset), for calendar-driven traffic.
    public let start: String?
    /// Independent seeds `simulate` and `check` run unless `--replications` says otherwise.
    public var replications: Int = 1
}

/// A partner API outside the platform — a payment provider, a mobile-money or bank rail: a
/// latency, an error rate and a limit on concurrent calls, with no pods, no autoscaling and no
/// cost of ours. Routes call it like a service.
public struct Dependency: Hashable, Sendable, Codable {
    public let name: String
    /// How long a call takes at the partner.
    public let latency: ServiceTime
    /// The share of calls that come back as errors (then retried if the call says so).
    public let errorRate: Double
    /// Calls in flight the partner accepts; one more is refused at once (like a 429). nil: no limit.
    public let concurrency: Int?

    public init(name: String, latency: ServiceTime, errorRate: Double, concurrency: Int?) {
        self.name = name; self.latency = latency; self.errorRate = errorRate; self.concurrency = concurrency
    }
}

/// A CI expectation: `{service: payments-service, metric: replicas, at_most: 10}`.
public struct Expectation: Hashable, Sendable, Codable {
    public enum Bound: String, Hashable, Sendable, Codable { case below, atMost = "at_most", above, atLeast = "at_least", equals }
    public enum Kind: Hashable, Sendable, Codable {
        case metric(Metric, Bound, Double)
        /// No alert raised by the named service, database or consumer group.
        case noAlert
        /// No backlog growing for `lasting` seconds or more (nil: for any stretch the run reports)
        /// at the named service, database or consumer group (`all`: anywhere).
        case noBacklog(lasting: Double?)
        /// The service adds an instance within `seconds` of the named surge's start.
        case scalesUpWithin(seconds: Double, surge: String)
        /// Every service's `slo:` holds over the named fault's window (its statistic over the
        /// requests that completed there in the window).
        case survives(fault: String)
    }
    /// A stretch of the run a row is limited to (`during:`): a named surge or season (resolved
    /// against the scenario), or an interval of simulated time from the start of the run.
    public enum Window: Hashable, Sendable, Codable {
        case named(String)
        case interval(from: Double, to: Double)

        /// How reports and check lines name it: the surge or season, or "10m–30m".
        public var label: String {
            switch self {
            case .named(let n): return n
            case .interval(let a, let b): return "\(formatDuration(a))–\(formatDuration(b))"
            }
        }
    }

    public let name: String
    /// The service (or database, or consumer group) measured; nil for a route row.
    public let target: String?
    public let kind: Kind
    /// A route row: the end-to-end measure of the route's requests (what a user waits for),
    /// from arrival at the entry to the last step's completion.
    public var route: String? = nil
    /// A route row about the users on one network class of `clients:` (`network:`): their
    /// latency as they see it (round trips and retries included), gave_up, amplification.
    public var network: String? = nil
    /// Only this stretch of the run counts (see `Window`).
    public var during: Window? = nil
    /// With replications (`check --replications N`): the share of replications in which the
    /// row must hold (`holds_in: 95%`); nil means every one.
    public var holdsIn: Double? = nil
    /// A latency row judged over the run's 15-second samples instead of its statistic
    /// (`compliance: 99%`): the share of samples whose statistic keeps the bound must reach it,
    /// as an SRE error budget counts good minutes. nil: the run's (or window's) statistic.
    public var compliance: Double? = nil
    /// A latency row judged after a fault (`recovers_within: 5m, after: FAULT`): from this long
    /// after the fault's window ends to the end of the run, every sample keeps the bound.
    public var recovery: Recovery? = nil

    public struct Recovery: Hashable, Sendable, Codable {
        public let within: Double
        /// The fault (by name) whose end the clock starts at.
        public let fault: String
    }

    public init(name: String, target: String?, kind: Kind, route: String? = nil, during: Window? = nil) {
        self.name = name; self.target = target; self.kind = kind; self.route = route; self.during = during
    }

    /// The same row under another name.
    public func renamed(_ n: String) -> Expectation {
        var e = Expectation(name: n, target: target, kind: kind, route: route, during: during)
        e.holdsIn = holdsIn; e.compliance = compliance; e.recovery = recovery; e.network = network
        return e
    }

    /// `no_backlog: all`: the expectation covers every station.
    public static let everywhere = "all"

    /// The metrics a route row can bound: end-to-end latency, completions per second, and
    /// failures (requests that failed for good: dropped, queue timeouts, call timeouts).
    public static let routeMetrics: [Metric] = [.latencyMean, .latencyP50, .latencyP90, .latencyP95, .latencyP99, .throughput,
                                                .errorRate, .dropped, .timedOut, .gaveUp, .amplification]
    /// What a `network:` row measures (the users of one network class, end to end as they see it).
    public static let networkMetrics: [Metric] = [.latencyMean, .latencyP50, .latencyP90, .latencyP95, .latencyP99, .throughput, .gaveUp, .amplification]
    /// Metrics only `clients:` gives a run.
    public static let clientMetrics: [Metric] = [.gaveUp, .amplification]
}
