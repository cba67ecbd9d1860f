import CapsimModel
import Simulation

/// What one replication contributes to a verification: a few numbers per service and the
/// stations whose backlog grew. The run's timeline is dropped once this is taken.
struct RunDigest: Sendable {
    struct Service: Sendable {
        /// The SLO's statistic over the run after warm-up; nil without an SLO or completions.
        let sloValue: Double?
        /// Share of samples after warm-up (with completions) within the SLO.
        let samplesWithin: Double?
        let peakReplicas: Int
        let peakArrivalRps: Double
        /// Requests dropped by a full queue or timed out in one after warm-up.
        let turnedAway: Int
        let arrivals: Int
        /// Cost per measured hour in the scenario's reporting currency; nil without a rate.
        let costPerHour: Double?
    }

    struct Backlogged: Sendable {
        let station: String
        /// "database", "read replicas", "consumer group", or nil for a service.
        let kind: String?
        /// Still growing when the run ended: a collapse rather than a surge it caught up with.
        let untilEnd: Bool
        /// Waiting at or for the station when the run ended (0: it drained).
        let atEnd: Int
    }

    /// By service name.
    let services: [String: Service]
    let backlogs: [Backlogged]

    init(_ r: SimulationResult, scenario s: Scenario) {
        let measured = r.timeline.filter { $0.time > r.warmup }
        let hours = (r.duration - r.warmup) / 3600
        var out: [String: Service] = [:]
        for summary in r.services where summary.kind == nil {
            guard let sv = s.services[summary.service] else { continue }
            let samples = measured.filter { $0.service == summary.service }
            let withCompletions = samples.filter { $0.latencyMean != nil }.count
            out[summary.service] = Service(
                sloValue: sv.slo.flatMap { Self.statistic($0.metric, summary.latency) },
                samplesWithin: sv.slo != nil && withCompletions > 0 ? 1 - Double(summary.sloBreaches) / Double(withCompletions) : nil,
                peakReplicas: samples.map(\.replicas).max() ?? summary.maxReplicas,
                peakArrivalRps: samples.map(\.arrivalRate).max() ?? 0, turnedAway: summary.dropped + summary.timedOut, arrivals: summary.arrivals,
                costPerHour: hours > 0 ? summary.cost(in: r.currencies.lead).map { $0 / hours } : nil)
        }
        services = out
        let kinds = Dictionary(r.services.map { ($0.service, $0.kind) }, uniquingKeysWith: { a, _ in a })
        backlogs = r.backlogs.map { Backlogged(station: $0.service, kind: kinds[$0.service] ?? nil, untilEnd: $0.untilEnd, atEnd: $0.backlogAtEnd) }
    }

    static func statistic(_ m: Metric, _ l: LatencySummary?) -> Double? {
        guard let l else { return nil }
        switch m {
        case .latencyMean: return l.mean
        case .latencyP50: return l.p50
        case .latencyP90: return l.p90
        case .latencyP95: return l.p95
        case .latencyP99: return l.p99
        default: return nil
        }
    }
}
