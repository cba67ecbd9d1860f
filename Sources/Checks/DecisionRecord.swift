import CapsimModel
import Foundation
import Simulation

/// A run's scaling decisions as a golden file: one CSV line per replica change or alert —
/// time, service, policy, the rule that fired, from, to — and nothing else, so the file moves
/// only when a decision does (not when a latency or a metric value shifts in its last digit).
///
/// The project commits one per bundled scenario (`scenarios/golden/`) and CI checks them with
/// `capsim check --decisions FILE`: an engine change that moves a decision must update the
/// file in the same commit, and its message must say why.
public enum DecisionRecord {
    public static let header = "time_s,service,policy,rule,from,to"

    public static func csv(_ r: SimulationResult) -> String {
        ([header] + r.scaling.map(line)).joined(separator: "\n") + "\n"
    }

    static func line(_ e: ScalingEvent) -> String {
        [String(format: "%.3f", e.time), e.service, e.policy, e.rule, "\(e.from)", "\(e.to)"].map(csvField).joined(separator: ",")
    }

    static func csvField(_ s: String) -> String {
        s.contains(",") || s.contains("\"") || s.contains("\n") ? "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : s
    }

    /// Compares a run with a golden file's text: passes when every line matches; otherwise the
    /// first lines that differ, as a unified-diff-like excerpt, and the counts.
    public static func compare(_ r: SimulationResult, golden text: String, file: String) -> CheckOutcome {
        let name = "scaling decisions match \(file)"
        let expected = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init).filter { !$0.isEmpty }
        let actual = csv(r).split(separator: "\n").map(String.init)
        guard expected.first == header else {
            return CheckOutcome(name: name, passed: false, detail: "\(file) is not a decisions file (its first line must be \(header)); write one with --write-decisions")
        }
        if expected == actual { return CheckOutcome(name: name, passed: true, detail: "\(actual.count - 1) decisions, identical") }
        var i = 0
        while i < min(expected.count, actual.count) && expected[i] == actual[i] { i += 1 }
        var shown: [String] = []
        for j in i..<min(i + 3, expected.count) { shown.append("-" + expected[j]) }
        for j in i..<min(i + 3, actual.count) { shown.append("+" + actual[j]) }
        return CheckOutcome(name: name, passed: false,
                            detail: "decision \(i) differs (golden \(expected.count - 1) decisions, this run \(actual.count - 1)):\n" + shown.map { "      " + $0 }.joined(separator: "\n")
                                + "\n      if the change is intended, rewrite the file with --write-decisions and say why in the commit")
    }
}
