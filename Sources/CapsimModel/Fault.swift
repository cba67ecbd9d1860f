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

        /// The kind as written (`zone-loss`).
        public var keyword: String {
            switch self {
            case .podCrash: return "pod-crash"
            case .zoneLoss: return "zone-loss"
            case .dependencySlowdown: return "dependency-slowdown"
            case .dependencyOutage: return "dependency-outage"
            }
        }

        /// The service, zone or dependency it hits.
        public var target: String {
            switch self {
            case .podCrash(let s, _): return s
            case .zoneLoss(let z): return z
            case .dependencySlowdown(let d, _), .dependencyOutage(let d, _): return d
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

    public static let keywords = ["pod-crash", "zone-loss", "dependency-slowdown", "dependency-outage"]

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
}
