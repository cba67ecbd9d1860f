import CapsimModel
import Simulation

/// A candidate the search ran: its knob values, the replications it took to decide, its cost
/// over them, and the rows that kept it from holding.
public struct CandidateOutcome: Hashable, Sendable {
    public let values: [String]
    /// Each value's position in its knob's list (0: the cheapest listed).
    public let indices: [Int]
    public let replications: Int
    /// The platform's cost per run in the reporting currency, over the replications run.
    public let cost: Estimate?
    public let feasible: Bool
    public let broken: [BrokenRow]
}

/// A row a candidate broke more often than its confidence allows, and by how much.
public struct BrokenRow: Hashable, Sendable {
    public let row: Expectation
    public let held: Proportion
    /// What a metric row observed over the replications run (SI units); nil for other rows.
    public let observed: Estimate?

    /// The observed mean's distance past the bound, as a share of the bound (+0.35: 35 % over a
    /// `below` bound); nil for rows without a number.
    public var excess: Double? {
        guard case .metric(_, let bound, let limit) = row.kind, let o = observed?.mean, limit != 0 else { return nil }
        switch bound {
        case .below, .atMost: return (o - limit) / abs(limit)
        case .above, .atLeast: return (limit - o) / abs(limit)
        case .equals: return abs(o - limit) / abs(limit)
        }
    }
}

/// What a search found: the winner (nil when no candidate in the knobs' ranges holds), every
/// candidate run in the order run, and the size of the grid it did not have to run.
public struct OptimizeResult: Hashable, Sendable {
    public let knobs: [Knob]
    public let confidence: Double
    public let replications: Int
    public let currency: Currency
    public let evaluated: [CandidateOutcome]
    public let gridSize: Int

    /// The cheapest that held; between equal costs (a knob that did not bite in this run), the
    /// one listed cheaper: the least total position in the knobs' lists, then the first knob's.
    public var winner: CandidateOutcome? {
        evaluated.filter(\.feasible).min { a, b in
            let ca = a.cost?.mean ?? .infinity, cb = b.cost?.mean ?? .infinity
            if ca != cb { return ca < cb }
            let sa = a.indices.reduce(0, +), sb = b.indices.reduce(0, +)
            return sa != sb ? sa < sb : a.indices.lexicographicallyPrecedes(b.indices)
        }
    }

    /// Candidates the search ran that cost less than the winner (all of them when none holds),
    /// cheapest first: each broke a row, named in `broken`.
    public var cheaperRejected: [CandidateOutcome] {
        let bar = winner?.cost?.mean ?? .infinity
        return evaluated.filter { !$0.feasible && ($0.cost?.mean ?? 0) < bar }.sorted { ($0.cost?.mean ?? 0) < ($1.cost?.mean ?? 0) }
    }

    public var simulations: Int { evaluated.reduce(0) { $0 + $1.replications } }
}

/// The walk over the knobs' grid (see `Optimizer`): bisection per setting of the other knobs,
/// skipping candidates dominated by a known failure.
struct Search {
    let optimizer: Optimizer
    let jobs: Int
    let progress: (@Sendable (OptimizeProgress) -> Void)?
    var done: [[Int]: CandidateOutcome] = [:]
    var order: [[Int]] = []

    init(optimizer: Optimizer, jobs: Int, progress: (@Sendable (OptimizeProgress) -> Void)?) {
        self.optimizer = optimizer; self.jobs = jobs; self.progress = progress
    }

    mutating func feasible(_ c: [Int]) throws -> Bool {
        if let d = done[c] { return d.feasible }
        // No safer than a failure: fails too (the knobs are monotone).
        if done.contains(where: { !$0.value.feasible && zip($0.key, c).allSatisfy { $0 >= $1 } }) { return false }
        let outcome = try optimizer.evaluate(c, jobs: jobs)
        done[c] = outcome; order.append(c)
        progress?(OptimizeProgress(candidates: order.count, replications: done.values.reduce(0) { $0 + $1.replications }))
        return outcome.feasible
    }

    mutating func explore() throws {
        let sizes = optimizer.knobs.map(\.values.count)
        let prefixes = sizes.dropLast().reduce([[Int]()]) { grid, n in grid.flatMap { p in (0..<n).map { p + [$0] } } }
        // With two knobs the prefixes form a chain: once (a, b) holds, (a + 1, b) holds too and
        // costs more, so the next prefix only looks for a cheaper b, and none is left below 0.
        let chain = sizes.count == 2
        var ceiling: Int?
        for prefix in prefixes {
            var hi = chain ? (ceiling ?? sizes.last! - 1) : sizes.last! - 1
            if !chain || ceiling == nil {
                guard try feasible(prefix + [hi]) else { continue }
            } else if hi == 0 {
                break
            } else {
                hi -= 1
                guard try feasible(prefix + [hi]) else { continue }
            }
            var lo = 0
            while lo < hi {
                let mid = (lo + hi) / 2
                if try feasible(prefix + [mid]) { hi = mid } else { lo = mid + 1 }
            }
            ceiling = hi
        }
    }

    func result() -> OptimizeResult {
        let scenarioCurrency = optimizer.currency
        return OptimizeResult(knobs: optimizer.knobs, confidence: optimizer.confidence, replications: optimizer.replications, currency: scenarioCurrency,
                              evaluated: order.map { done[$0]! }, gridSize: optimizer.knobs.reduce(1) { $0 * $1.values.count })
    }
}
