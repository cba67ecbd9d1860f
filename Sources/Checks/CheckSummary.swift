import CapsimModel
import Simulation

/// What `capsim check` prints for one scenario: the verdict line, one line per outcome, then
/// the run's findings as warnings — except those a failed expectation already states (a
/// `no_backlog` failure quotes its finding), so nothing is said twice.
public enum CheckSummary {
    public static func text(file: String, scenario: String, seed: UInt64, duration: Double, outcomes: [CheckOutcome], findings: [Finding]) -> String {
        let bad = outcomes.filter { !$0.passed }
        let skipped = outcomes.filter { $0.skipped != nil }.count
        let counted = skipped > 0 ? "\(outcomes.count - bad.count - skipped) of \(outcomes.count - skipped) checks passed, \(skipped) skipped"
            : "\(outcomes.count - bad.count) of \(outcomes.count) checks passed"
        var lines = ["\(file): \(bad.isEmpty ? "PASS" : "FAIL") — \(counted) (\(scenario), seed \(seed), \(formatDuration(duration)) simulated)"]
        for o in outcomes { lines.append("  \(o.skipped != nil ? "–" : o.passed ? "✔" : "✘") \(o.name): \(o.detail)") }
        let judged = Set(bad.map(\.detail))
        for f in findings where !judged.contains(where: { $0.contains(f.message) }) { lines.append("  ! warning: \(f.message)") }
        return lines.joined(separator: "\n") + "\n"
    }
}
