import CapsimModel

/// What one fault did in a run: its window (clipped to the run) and the pods and requests it
/// took. Per-route and per-service tallies for the window are in the run's `windows` under
/// the fault's name.
public struct FaultSummary: Hashable, Sendable, Codable {
    public let name: String
    /// `zone-loss`, `pod-crash`, `dependency-slowdown` or `dependency-outage`.
    public let kind: String
    /// The service, zone or dependency hit.
    public let target: String
    /// What the fault does, in words ("every pod in the zone killed; nothing scheduled there").
    public let effect: String
    public let start: Double
    public let end: Double
    /// Pods killed, and the requests in service or queued on them that failed with them.
    public let podsLost: Int
    public let requestsLost: Int

    /// The fault's effect in words.
    static func effect(_ kind: Fault.Kind) -> String {
        switch kind {
        case .podCrash(_, .pods(let n)): return "\(n) pod\(n == 1 ? "" : "s") killed; the Deployment replaces them"
        case .podCrash(_, .meanTimeBetweenFailures(let m)): return "each pod dies after \(formatDuration(m)) on average; the Deployment replaces them"
        case .zoneLoss: return "every pod in the zone killed; nothing scheduled there until it returns"
        case .dependencySlowdown(_, let extra): return "+\(formatDuration(extra)) on every call"
        case .dependencyOutage(_, let rate): return "\(Percent(fraction: rate)) of calls answered with an error"
        }
    }
}

extension Simulator {
    func faultSummaries() -> [FaultSummary]? {
        guard !faults.faults.isEmpty else { return nil }
        return faults.faults.enumerated().map { i, f in
            FaultSummary(name: f.name, kind: f.kind.keyword, target: f.kind.target, effect: FaultSummary.effect(f.kind),
                         start: min(f.start, options.duration), end: min(f.end, options.duration),
                         podsLost: faults.podsLost[i], requestsLost: faults.requestsLost[i])
        }
    }
}
