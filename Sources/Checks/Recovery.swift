import CapsimModel
import Simulation

/// `recovers_within: 5m, after: FAULT`: a latency row judged on the samples after a fault. The
/// row holds when, from `within` after the fault's window ends to the end of the run, every
/// sample with completions keeps the bound; the detail says when it recovered for good (the
/// first sample after the fault from which every later one keeps it), so a miss says by how much.
enum RecoveryCheck {
    static func evaluate(_ e: Expectation, _ rec: Expectation.Recovery, _ m: Metric, _ bound: Expectation.Bound, _ x: Double,
                         _ s: Scenario, _ r: SimulationResult) -> CheckOutcome {
        if let skipped = ExpectationChecker.skipped(e, fault: rec.fault, s) { return skipped }
        guard let fault = r.faults?.first(where: { $0.name == rec.fault }) else {
            let why = "the run did not inject the fault \(rec.fault)"
            return CheckOutcome(name: e.name, passed: false, detail: why, notMeasured: why)
        }
        let deadline = fault.end + rec.within
        guard deadline < r.duration else {
            let why = "the run ends \(formatDuration(r.duration - fault.end)) after \(rec.fault) does, before the \(formatDuration(rec.within)) allowed"
            return CheckOutcome(name: e.name, passed: false, detail: why, notMeasured: why)
        }
        let samples: [(Double, Double?)]
        if let route = e.route {
            samples = r.routeTimeline.filter { $0.route == route && $0.time > fault.end }.map { ($0.time, m == .latencyP50 ? $0.latencyP50 : $0.latencyP99) }
        } else {
            samples = r.timeline.filter { $0.service == e.target && $0.time > fault.end }.map { s in
                switch m {
                case .latencyMean: return (s.time, s.latencyMean)
                case .latencyP50: return (s.time, s.latencyP50)
                case .latencyP95: return (s.time, s.latencyP95)
                default: return (s.time, s.latencyP99)
                }
            }
        }
        // The last sample that broke the bound; recovery is the sample period after it.
        let lastBad = samples.last { v in v.1.map { !ExpectationChecker.holds($0, bound, x) } ?? false }
        let recovered = lastBad.map { $0.0 - fault.end } ?? 0
        let ok = recovered <= rec.within + 1e-9
        let when = lastBad == nil ? "kept the bound from the fault's end (\(formatElapsed(fault.end)))"
            : "last broke the bound in the sample at \(formatElapsed(lastBad!.0)) (\(formatDuration(lastBad!.1!.rounded(toPlaces: 4)))), \(formatDuration(recovered)) after \(rec.fault) ended"
        return CheckOutcome(name: e.name, passed: ok, detail: "\(when); allowed \(formatDuration(rec.within))", observed: recovered)
    }
}

private extension Double {
    func rounded(toPlaces p: Int) -> Double { var m = 1.0; for _ in 0..<p { m *= 10 }; return (self * m).rounded() / m }
}
