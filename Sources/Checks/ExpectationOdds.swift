import CapsimModel
import Simulation

/// How often each expectation held over replications: the same rows `check` evaluates on one
/// run, counted over many, so "p99 below 1 s" becomes "held in 19 of 20 runs".
public struct ExpectationOdds: Hashable, Sendable, Codable {
    public let name: String
    public let held: Proportion

    /// `outcomes[i]` are replication i's verdicts, in the same row order for every replication.
    public static func tally(_ outcomes: [[CheckOutcome]]) -> [ExpectationOdds] {
        guard let first = outcomes.first else { return [] }
        return first.indices.map { row in
            ExpectationOdds(name: first[row].name, held: Proportion(successes: outcomes.filter { $0[row].passed }.count, n: outcomes.count))
        }
    }
}

extension ExpectationOdds {
    /// `check --replications`: a row passes when the share of replications in which it held
    /// reaches its `holds_in` (every replication when it names none). `runs[i]` are replication
    /// i's verdicts, one per expectation, in order.
    public static func verdicts(_ expectations: [Expectation], runs: [[CheckOutcome]]) -> [CheckOutcome] {
        tally(runs).enumerated().map { i, odds in
            let need = expectations[i].holdsIn ?? 1
            let (lo, hi) = odds.held.interval
            let pct = { (v: Double) in String(format: "%.0f%%", v * 100) }
            let observed = runs[0][i].detail
            let detail = "held in \(odds.held.successes) of \(odds.held.n) replications (\(pct(odds.held.share)); 95 % interval \(pct(lo))–\(pct(hi))); "
                + "needs \(expectations[i].holdsIn == nil ? "every one" : "at least " + pct(need)); replication 1: \(observed)"
            return CheckOutcome(name: odds.name + (expectations[i].holdsIn.map { " in ≥ \(pct($0)) of replications" } ?? " in every replication"),
                                passed: odds.held.share >= need - 1e-12, detail: detail)
        }
    }
}
