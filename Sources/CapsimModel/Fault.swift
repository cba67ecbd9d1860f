/// A failure injected into a run (`faults:` rows and `--fault` flags): what breaks, when, and
/// for how long. Each kind carries exactly what it needs; nothing is encoded in a special
/// value of another field.
public struct Fault: Hashable, Sendable, Codable {
    public enum Kind: Hashable, Sendable, Codable {
        /// Pods of a service die: `count` of them at `start`, or each pod at random with a mean
        /// time between failures. The Deployment replaces them; work in flight on them fails.
        case podCrash(service: String, pattern: CrashPattern)
        /// Every pod in the zone dies at `start` and nothing can be scheduled there until the
        /// zone returns; replacements go to the other zones.
        case zoneLoss(zone: String)
        /// An external partner answers `extra` seconds later than usual.
        case dependencySlowdown(dependency: String, extra: Double)
        /// An external partner answers this share of calls with an error.
        case dependencyOutage(dependency: String, errorRate: Double)
        /// A share of the service's pods runs on spot capacity for the whole run, at the spot
        /// price; while the window lasts each spot pod is reclaimed at random, with a notice.
        case spotPreemption(service: String, spot: Spot)
        /// A database's primary fails at `start`: its queries fail, its connections reset, and
        /// writes (and reads that go to the primary) are refused until `end`, when a read
        /// replica is promoted (the replicas keep serving reads meanwhile, stale) — or, with no
        /// replica, the primary comes back.
        case databaseFailover(database: String)

        /// The kind as written (`zone-loss`).
        public var keyword: String {
            switch self {
            case .podCrash: return "pod-crash"
            case .zoneLoss: return "zone-loss"
            case .dependencySlowdown: return "dependency-slowdown"
            case .dependencyOutage: return "dependency-outage"
            case .spotPreemption: return "spot-preemption"
            case .databaseFailover: return "database-failover"
            }
        }

        /// The service, zone or dependency it hits.
        public var target: String {
            switch self {
            case .podCrash(let s, _), .spotPreemption(let s, _): return s
            case .zoneLoss(let z): return z
            case .dependencySlowdown(let d, _), .dependencyOutage(let d, _): return d
            case .databaseFailover(let d): return d
            }
        }
    }

    /// How a `pod-crash` picks its moments.
    public enum CrashPattern: Hashable, Sendable, Codable {
        /// This many pods at the fault's start.
        case pods(Int)
        /// Each live pod fails after an exponential time with this mean (seconds), while the
        /// fault's window is open.
        case meanTimeBetweenFailures(Double)
    }

    /// How a `spot-preemption` runs a service's pods on spot capacity.
    public struct Spot: Hashable, Sendable, Codable {
        /// The share of the service's pods on spot, in (0, 1]: a new pod is spot when the share
        /// of its live pods, counting it, calls for more spot pods than there are.
        public let share: Double
        /// Preemptions per spot pod per second while the window lasts (a Poisson process per pod).
        public let rate: Double
        /// Seconds from the preemption notice to the pod's end (cloud providers give 30 s–2 min).
        public let notice: Double
        /// The price of a spot instance-hour; nil: the service's own `cost_per_instance_hour`.
        public let price: Money?

        public init(share: Double = Defaults.spotShare, rate: Double, notice: Double = Defaults.spotNotice, price: Money? = nil) {
            self.share = share; self.rate = rate; self.notice = notice; self.price = price
        }
    }

    public static let keywords = ["pod-crash", "zone-loss", "dependency-slowdown", "dependency-outage", "spot-preemption", "database-failover"]

    /// The key a `faults:` mapping names its target with, by kind keyword.
    public static func targetKey(_ keyword: String) -> String {
        switch keyword {
        case "pod-crash", "spot-preemption": return "service"
        case "zone-loss": return "zone"
        case "database-failover": return "database"
        default: return "dependency"
        }
    }

    /// How `during:` rows, reports and events.csv name it: the row's `name`, else its short form.
    public let name: String
    public let kind: Kind
    /// Seconds from the start of the run.
    public let start: Double
    /// How long it lasts. A crash of N pods is an instant: its window is then the service's
    /// start-up delay (the time its replacements take), filled in by the loader.
    public let duration: Double
    /// False: written in the scenario but off until `--fault NAME` turns it on (a what-if kept
    /// beside the platform it applies to).
    public let enabled: Bool

    public init(name: String, kind: Kind, start: Double, duration: Double, enabled: Bool = true) {
        self.name = name; self.kind = kind; self.start = start; self.duration = duration; self.enabled = enabled
    }

    public var end: Double { start + duration }

    /// The service a spot fault runs on spot capacity.
    public var spotService: String? {
        if case .spotPreemption(let service, _) = kind { return service }
        return nil
    }

    /// A spot fault's price per instance-hour, when it gives one.
    public var spotPrice: Money? {
        if case .spotPreemption(_, let spot) = kind { return spot.price }
        return nil
    }
}
