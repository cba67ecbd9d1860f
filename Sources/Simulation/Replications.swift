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
        precondition(count >= 1 && jobs >= 1)
        let box = Results<Digest>(count: count)
        let next = Counter(), done = Counter()
        let workers = min(jobs, count)
        DispatchQueue.concurrentPerform(iterations: workers) { _ in
            while let i = next.take(below: count), !box.failed {
                var o = options
                o.seed = seed(i, of: options.seed)
                o.progress = nil
                do {
                    let r = try Simulator(scenario: scenario, options: o).run()
                    box.set(i, .success(digest(i, r)))
                    if let progress, let n = done.take(below: count) { progress(n + 1) }
                } catch {
                    box.set(i, .failure(error))
                }
            }
        }
        return try box.values()
    }

    /// Indices handed out one at a time to the workers.
    final class Counter: @unchecked Sendable {
        private let lock = NSLock()
        private var value = 0
        func take(below n: Int) -> Int? {
            lock.lock(); defer { lock.unlock() }
            guard value < n else { return nil }
            value += 1
            return value - 1
        }
    }

    /// Each replication's digest, or the first error.
    final class Results<T>: @unchecked Sendable {
        private let lock = NSLock()
        private var slots: [Result<T, any Error>?]
        init(count: Int) { slots = Array(repeating: nil, count: count) }
        var failed: Bool { lock.lock(); defer { lock.unlock() }; return slots.contains { if case .failure = $0 { return true }; return false } }
        func set(_ i: Int, _ r: Result<T, any Error>) { lock.lock(); slots[i] = r; lock.unlock() }
        func values() throws -> [T] {
            lock.lock(); defer { lock.unlock() }
            // The lowest-numbered failure wins, whatever order the threads met them in.
            if let e = slots.lazy.compactMap({ s -> (any Error)? in if case .failure(let e) = s { return e }; return nil }).first { throw e }
            return slots.map { s in if case .success(let v) = s { return v }; fatalError("a replication did not run") }
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
