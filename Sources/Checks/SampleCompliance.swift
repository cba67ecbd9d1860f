import CapsimModel
import Simulation

/// An expectation judged the error-budget way (`compliance: 99%`): over the run's samples (one
/// every `simulation.sample_period`, after the warm-up, within `during:` when given), the share
/// whose latency statistic keeps the bound. A sample with no completions has no statistic and
/// is not counted. The run's statistic and the share of good samples can disagree a lot: an
/// M/M/10 at ρ 0.9 holds a 2 s mean over two hours while about one sample in five breaks it.
enum SampleCompliance {
    static func evaluate(_ e: Expectation, _ m: Metric, _ bound: Expectation.Bound, _ x: Double, target: Double,
                         _ r: SimulationResult, _ win: WindowSummary?) -> CheckOutcome {
        let inScope = { (t: Double) in t > r.warmup && (win?.overlaps(sampleAt: t, period: r.samplePeriod) ?? true) }
        let values: [Double]
        if let route = e.route {
            values = r.routeTimeline.filter { $0.route == route && inScope($0.time) }.compactMap { m == .latencyP50 ? $0.latencyP50 : $0.latencyP99 }
        } else {
            values = r.timeline.filter { $0.service == e.target && inScope($0.time) }.compactMap { s in
                switch m {
                case .latencyMean: return s.latencyMean
                case .latencyP50: return s.latencyP50
                case .latencyP95: return s.latencyP95
                default: return s.latencyP99
                }
            }
        }
        let name = e.name + " in ≥ \(pct(target)) of samples"
        guard !values.isEmpty else {
            return CheckOutcome(name: name, passed: false, detail: "no sample with completions \(win.map { "in \($0.window)" } ?? "after warm-up")")
        }
        let good = values.filter { ExpectationChecker.holds($0, bound, x) }.count
        let share = Double(good) / Double(values.count)
        return CheckOutcome(name: name, passed: share >= target - 1e-12,
                            detail: "within the bound in \(good) of \(values.count) \(formatDuration(r.samplePeriod)) samples (\(pct(share))); needs \(pct(target))")
    }

    static func pct(_ v: Double) -> String {
        let p = v * 100
        return p == p.rounded() ? String(format: "%.0f%%", p) : String(format: "%.1f%%", p)
    }
}
