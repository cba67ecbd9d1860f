import CapsimModel
import Simulation

/// `survives: FAULT`: every service's `slo:` holds over the fault's window — its statistic
/// (p99, p95, mean…) over the requests that completed at the service within the window — as
/// "we survive losing a zone at peak" means. A service with no completions in the window breaks
/// it (it served nothing); a fault left off skips the row.
enum Survival {
    static func evaluate(_ e: Expectation, fault: String, _ s: Scenario, _ r: SimulationResult) -> CheckOutcome {
        if let skipped = ExpectationChecker.skipped(e, fault: fault, s) { return skipped }
        guard let w = r.windows?.first(where: { $0.window == fault }), !w.intervals.isEmpty else {
            let why = "the run did not measure the window of \(fault)"
            return CheckOutcome(name: e.name, passed: false, detail: why, notMeasured: why)
        }
        var broken: [String] = [], held = 0
        for name in s.serviceNames {
            guard let slo = s.services[name]!.slo else { continue }
            let t = w.services.first { $0.name == name }
            let v = t.flatMap { ExpectationChecker.observe(slo.metric, $0, length: w.length) }
            guard let v else { broken.append("\(name) completed nothing"); continue }
            if v <= slo.threshold { held += 1 } else {
                broken.append("\(name) \(slo.metric.rawValue) \(formatDuration(v)) > \(formatDuration(slo.threshold))")
            }
        }
        if broken.isEmpty { return CheckOutcome(name: e.name, passed: true, detail: "\(held) of \(held) SLOs held in \(fault)") }
        return CheckOutcome(name: e.name, passed: false, detail: "\(broken.count) of \(broken.count + held) SLOs broken in \(fault): " + broken.joined(separator: "; "))
    }
}
