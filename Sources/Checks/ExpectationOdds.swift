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
