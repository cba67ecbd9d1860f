import CapsimModel

/// What one fault did in a run: its window (clipped to the run) and the pods and requests it
/// took. Per-route and per-service tallies for the window are in the run's `windows` under
/// the fault's name.
public struct FaultSummary: Hashable, Sendable, Codable {
    public let name: String
    /// `zone-loss`, `pod-crash`, `dependency-slowdown`, `dependency-outage` or `spot-preemption`.
    public let kind: String
    /// The service, zone or dependency hit.
    public let target: String
    /// What the fault does, in words ("every pod in the zone killed; nothing scheduled there").
    public let effect: String
    public let start: Double
    public let end: Double
    /// Pods killed (for a spot fault: pods preempted), and the requests in service or queued on
    /// them that failed with them (a preempted pod's: those it still held when its notice ended).
    public let podsLost: Int
    public let requestsLost: Int
    /// A spot fault only: the target's instance-hours on spot after warm-up, and what they cost
    /// less than at the service's on-demand price (negative when spot costs more), per currency
    /// as `ServiceSummary` has its cost.
    public var spotInstanceHours: Double? = nil
    public var spotSavingEtb: Double? = nil
    public var spotSavingUsd: Double? = nil
    /// A database failover only: queries refused while the primary was down; writes it had
    /// completed within the replication lag before it failed (not on the promoted replica;
    /// nil without replicas); reads the replicas served in the window, stale; read replicas
    /// left after the promotion (nil without replicas).
    public var queriesRefused: Int? = nil
    public var writesAtRisk: Int? = nil
    public var staleReads: Int? = nil
    public var replicasAfter: Int? = nil

    /// The fault's effect in words.
    static func effect(_ kind: Fault.Kind) -> String {
        switch kind {
        case .podCrash(_, .pods(let n)): return "\(n) pod\(n == 1 ? "" : "s") killed; the Deployment replaces them"
        case .podCrash(_, .meanTimeBetweenFailures(let m)): return "each pod dies after \(formatDuration(m)) on average; the Deployment replaces them"
        case .zoneLoss: return "every pod in the zone killed; nothing scheduled there until it returns"
        case .dependencySlowdown(_, let extra): return "+\(formatDuration(extra)) on every call"
        case .dependencyOutage(_, let rate): return "\(Percent(fraction: rate)) of calls answered with an error"
        case .spotPreemption(_, let spot):
            let price = spot.price.map { "\($0.currency.rawValue) \(String(format: "%g", $0.amount))" } ?? "the on-demand price"
            return "\(Percent(fraction: spot.share)) of pods on spot at \(price) per instance-hour, each spot pod preempted at \(FaultShortForm.rateText(spot.rate)) "
                + "with \(formatDuration(spot.notice)) notice; the Deployment replaces them at the notice"
        case .databaseFailover:
            return "the primary down: its queries fail and new ones are refused; reads stay on the replicas (stale) until one is promoted at the end"
        }
    }
}

extension Simulator {
    func faultSummaries() -> [FaultSummary]? {
        guard !faults.faults.isEmpty else { return nil }
        return faults.faults.enumerated().map { i, f in
            var x = FaultSummary(name: f.name, kind: f.kind.keyword, target: f.kind.target, effect: FaultSummary.effect(f.kind),
                                 start: min(f.start, options.duration), end: min(f.end, options.duration),
                                 podsLost: faults.podsLost[i], requestsLost: faults.requestsLost[i])
            if let service = f.spotService {
                let st = station(named: service)
                let hours = st.spotPodSeconds / 3600
                let saving = scenario.currency.split(hours * (st.spec.costPerHour - spot.price(st)))
                x.spotInstanceHours = hours; x.spotSavingEtb = saving.etb; x.spotSavingUsd = saving.usd
            }
            if let tally = faults.failovers[i] {
                x.queriesRefused = tally.queriesRefused
                x.writesAtRisk = tally.writesAtRisk
                x.replicasAfter = tally.replicasAfter
                if case .databaseFailover(let d) = f.kind, let replicas = replicaStation(of: station(named: d)),
                   let w = windows.names.firstIndex(of: f.name) {
                    x.staleReads = windows.stations[w][replicas.index].completed
                }
            }
            return x
        }
    }
}
