import CapsimModel
import Foundation

/// N independent runs of one scenario, for statistics instead of one seed's anecdote.
///
/// Replication 0 runs on the scenario's own seed, so it is the run `simulate` gives without
/// replications; replication i > 0 runs on a seed drawn from the stream `replication/i` of that
/// seed. Every replication is independent of how many run at once: `jobs` changes the wall
/// time, never a byte of the result.
public enum Replications {
    /// The seed of replication `i`.
    public static func seed(_ i: Int, of base: UInt64) -> UInt64 {
        if i == 0 { return base }
        var stream = RandomStream(seed: base, name: "replication/\(i)")
        return stream.next()
    }

    /// Runs `count` replications on up to `jobs` threads and hands each result, in replication
    /// order, to `digest`, which keeps what it needs: a run's timeline is dropped as soon as it
    /// is digested, so memory holds `jobs` runs, not `count`. `progress` hears how many are done.
    public static func run<Digest: Sendable>(scenario: Scenario, options: SimulationOptions, count: Int, jobs: Int,
                                             progress: (@Sendable (Int) -> Void)? = nil,
                                             digest: @escaping @Sendable (Int, SimulationResult) -> Digest) throws -> [Digest] {
        try ParallelRuns.map(count: count, jobs: jobs, progress: progress) { i in
            var o = options
            o.seed = seed(i, of: options.seed)
            o.progress = nil
            return digest(i, try Simulator(scenario: scenario, options: o).run())
        }
    }
}

/// A mean over replications with its 95 % confidence interval (Student t on n − 1 degrees of
/// freedom): the interval that covers the true mean of the metric in 95 % of such experiments,
/// if the replications are independent (they are: separate seeds) and the metric's
/// distribution is not too skewed for n. nil half-width with fewer than two values.
public struct Estimate: Hashable, Sendable, Codable {
    public let mean: Double
    public let halfWidth: Double?
    public let n: Int
    public let min: Double
    public let max: Double

    public init?(_ xs: [Double]) {
        guard !xs.isEmpty else { return nil }
        let count = xs.count, m = xs.reduce(0, +) / Double(xs.count)
        n = count; mean = m
        min = xs.min()!; max = xs.max()!
        if count >= 2 {
            let v = xs.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(count - 1)
            halfWidth = StudentT.quantile975(degreesOfFreedom: count - 1) * (v / Double(count)).squareRoot()
        } else {
            halfWidth = nil
        }
    }

    public var low: Double? { halfWidth.map { mean - $0 } }
    public var high: Double? { halfWidth.map { mean + $0 } }
}

/// How often something held over replications, with a 95 % Wilson score interval (sound at 0
/// and n, unlike the normal approximation).
public struct Proportion: Hashable, Sendable, Codable {
    public let successes: Int
    public let n: Int

    public init(successes: Int, n: Int) { self.successes = successes; self.n = n }

    public var share: Double { n > 0 ? Double(successes) / Double(n) : 0 }

    public var interval: (low: Double, high: Double) {
        guard n > 0 else { return (0, 1) }
        let z = 1.959964, nn = Double(n), p = share
        let centre = (p + z * z / (2 * nn)) / (1 + z * z / nn)
        let half = z / (1 + z * z / nn) * (p * (1 - p) / nn + z * z / (4 * nn * nn)).squareRoot()
        return (Swift.max(0, centre - half), Swift.min(1, centre + half))
    }
}
