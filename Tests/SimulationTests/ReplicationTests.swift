import CapsimModel
import Foundation
import Testing
@testable import Simulation

/// `simulate --replications`: seeds, independence of the thread count, and the statistics.
@Suite("Replications")
struct ReplicationTests {
    static let mm2 = singleStation(rate: "8/s", serviceTime: "{distribution: exponential, mean: 200ms}", concurrency: 2, duration: "10m", warmup: "1m")

    @Test("replication 1 is the scenario's own seed; the others are distinct, derived from it, and the same every time")
    func seeds() {
        #expect(Replications.seed(0, of: 42) == 42)
        let s = (1...50).map { Replications.seed($0, of: 42) }
        #expect(Set(s).count == 50 && !s.contains(42))
        #expect(s == (1...50).map { Replications.seed($0, of: 42) })
        #expect(Replications.seed(1, of: 43) != s[0])
    }

    @Test("the results do not depend on how many run at once")
    func jobsDoNotMatter() throws {
        let s = try load(Self.mm2)
        let o = SimulationOptions(scenario: s)
        let one = try Replications.run(scenario: s, options: o, count: 5, jobs: 1) { _, r in ReplicationMetrics(r) }
        let three = try Replications.run(scenario: s, options: o, count: 5, jobs: 3) { _, r in ReplicationMetrics(r) }
        #expect(one == three)
        #expect(ReplicationSummary(one) == ReplicationSummary(three))
        // Replication 1 is the plain run.
        let plain = try Simulator(scenario: s, options: o).run()
        #expect(one[0] == ReplicationMetrics(plain))
    }

    @Test("the 95 % interval of an M/M/2's mean wait covers Erlang C's value in at least 16 of 20 experiments")
    func intervalCoversTheory() throws {
        // M/M/2, λ 8, μ 5: ρ 0.8, Erlang C mean time in system W = 0.2 + C/(cμ − λ) with C = 0.7111 → 0.5556 s.
        let s = try load(Self.mm2)
        var covered = 0
        for k in 0..<20 {
            var o = SimulationOptions(scenario: s)
            o.seed = 1000 + UInt64(k)
            let runs = try Replications.run(scenario: s, options: o, count: 8, jobs: 2) { _, r in ReplicationMetrics(r) }
            let row = try #require(ReplicationSummary(runs).rows.first { $0.subject == "service s" && $0.metric == "latency_mean" })
            let e = try #require(row.estimate)
            if let lo = e.low, let hi = e.high, lo <= 0.5556 && 0.5556 <= hi { covered += 1 }
        }
        // Each experiment covers with probability ≈ 0.95 (a little less: 9-minute runs have a
        // small initial bias); P(fewer than 16 of 20 | p = 0.95) ≈ 0.016.
        #expect(covered >= 16, "covered \(covered) of 20")
    }

    @Test("a mean and its interval by hand: 1, 2, 3, 4 → 2.5 ± t(0.975, 3) × s/√n")
    func estimateByHand() throws {
        let e = try #require(Estimate([1, 2, 3, 4]))
        #expect(e.mean == 2.5 && e.n == 4 && e.min == 1 && e.max == 4)
        let expected = 3.182 * (1.6666666666666667).squareRoot() / 2
        #expect(abs(try #require(e.halfWidth) - expected) < 1e-12)
        #expect(Estimate([7])?.halfWidth == nil)
        #expect(Estimate([]) == nil)
    }

    @Test("the Wilson interval: 0 of 10 still allows up to 28 %, 10 of 10 down to 72 %")
    func wilson() {
        let none = Proportion(successes: 0, n: 10).interval, all = Proportion(successes: 10, n: 10).interval
        #expect(abs(none.low) < 1e-9 && abs(none.high - 0.2775) < 1e-3)
        #expect(abs(all.low - 0.7225) < 1e-3 && abs(all.high - 1) < 1e-9)
        let half = Proportion(successes: 5, n: 10).interval
        #expect(abs(half.low - 0.2366) < 1e-3 && abs(half.high - 0.7634) < 1e-3)
    }
}
