import CapsimModel
import Foundation

/// What a load run was asked to do, as the results store keeps it: the run's `parameters`
/// (as JSON) and, through `canonicalText`, its `scenario_text`, whose SHA-256 groups runs of
/// the same plan the way a scenario's hash groups simulations of the same file.
public struct LoadPlanRecord: Hashable, Sendable, Codable {
    /// Always "load": the other kinds' parameters carry their command too.
    public var command = "load"
    public var target: String
    public var profile: RateProfile
    /// Seconds during which requests were scheduled.
    public var duration: Double
    /// The mix as sent (the target's path alone when no --mix was given), bodies included.
    public var mix: [MixEntry]
    public var connections: Int
    public var seed: UInt64
    public var lateThreshold: Double
    public var drainTimeout: Double
    /// Evenly spaced or Poisson send times.
    public var arrivals: ArrivalPattern
    /// The names of the extra headers sent, never their values: an `Authorization` token does
    /// not belong in a results database.
    public var headers: [String]
    /// Set when the profile was derived from a scenario's traffic.
    public var scenario: ScenarioProfileSource?

    public init(_ plan: LoadPlan) {
        target = plan.target.absoluteString
        profile = plan.profile
        duration = plan.duration
        mix = plan.effectiveMix
        connections = plan.connections
        seed = plan.seed
        lateThreshold = plan.lateThreshold
        drainTimeout = plan.drainTimeout
        arrivals = plan.arrivals
        headers = plan.headers.map(\.name)
        scenario = plan.scenarioSource
    }

    /// The name runs are listed under: the scenario whose traffic was replayed, else the target.
    public var name: String { scenario?.scenario ?? target }

    /// The parameters JSON: sorted keys, so equal plans give equal text.
    public func json() -> String {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: (try? e.encode(self)) ?? Data("{}".utf8), as: UTF8.self)
    }

    public static func decode(_ text: String) -> LoadPlanRecord? {
        try? JSONDecoder().decode(LoadPlanRecord.self, from: Data(text.utf8))
    }

    /// The plan as text, one setting a line, every number written exactly (the shortest
    /// decimal that reads back as the same double): two runs of the same plan give the same
    /// bytes, and any change to what is sent changes them. A profile lists every step.
    public var canonicalText: String {
        var lines = ["capsim load plan", "target: \(target)"]
        switch profile {
        case .constant(let r):
            lines.append("rate: \(r)/s")
        case .steps(let steps):
            lines.append("profile: \(steps.count) steps (seconds into the run = requests per second)")
            lines += steps.map { "  \($0.at)=\($0.perSecond)" }
        }
        if let s = scenario {
            lines.append("from scenario: \(s.scenario), \(s.scenarioSeconds)s of its traffic at time scale \(s.timeScale) and rate scale \(s.rateScale), one step per \(s.stepSeconds)s")
        }
        lines.append("duration: \(duration)s")
        lines.append("mix: " + mix.map { "\($0.route)=\($0.share)" }.joined(separator: ","))
        for m in mix { if let body = m.body { lines.append("body \(m.route): \(body)") } }
        lines.append("arrivals: \(arrivals.rawValue)")
        if !headers.isEmpty { lines.append("headers: " + headers.joined(separator: ", ")) }
        lines.append("connections: \(connections)")
        lines.append("seed: \(seed)")
        lines.append("late threshold: \(lateThreshold)s")
        lines.append("drain timeout: \(drainTimeout)s")
        return lines.joined(separator: "\n") + "\n"
    }
}

/// The load generator's numbers as `capsim load` prints them, shared by the table, the run's
/// one-line summary and the comparisons.
public enum LoadFormat {
    /// Milliseconds: `0.95ms`, `12.3ms`, `1.001s`.
    public static func ms(_ x: Double) -> String {
        x < 10 ? String(format: "%.2fms", x) : x < 1000 ? String(format: "%.1fms", x) : String(format: "%.3fs", x / 1000)
    }

    /// Requests per second: `500.0/s`.
    public static func rate(_ r: Double) -> String { String(format: "%.1f/s", r) }

    /// `1000.0/s for 10s → 998.7/s, p99 3.21ms, 0 errors`: what was asked, what was achieved,
    /// the open-loop p99 and the errors.
    public static func summary(_ r: LoadResult) -> String {
        let errors = r.errorCount
        return "\(rate(r.requestedRate)) for \(formatDuration(r.duration)) → \(rate(r.achievedRate)), p99 \(ms(r.latency.p99)), \(errors) error\(errors == 1 ? "" : "s")"
    }
}
