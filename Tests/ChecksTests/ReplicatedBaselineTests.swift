import CapsimModel
import Testing
@testable import Checks

/// Comparing replications with a significance test: Student's t distribution, Welch's test,
/// and Holm's correction over the compared metrics.
@Suite("Baselines of replications")
struct ReplicatedBaselineTests {
    @Test("Student's t CDF matches the tables: t(0.95, 5) = 2.015, t(0.975, 4) = 2.776, t(0.995, 10) = 3.169, symmetric about 0")
    func studentT() {
        #expect(abs(StudentT.cdf(2.015, degreesOfFreedom: 5) - 0.95) < 1e-3)
        #expect(abs(StudentT.cdf(-2.776, degreesOfFreedom: 4) - 0.025) < 1e-3)
        #expect(abs(StudentT.cdf(3.169, degreesOfFreedom: 10) - 0.995) < 1e-3)
        #expect(StudentT.cdf(0, degreesOfFreedom: 7) == 0.5)
        // Large df tends to the normal: Φ(1.96) = 0.975.
        #expect(abs(StudentT.cdf(1.96, degreesOfFreedom: 1e6) - 0.975) < 1e-4)
        // A non-integer df (Welch–Satterthwaite) lies between its neighbours.
        let a = StudentT.cdf(2, degreesOfFreedom: 4), b = StudentT.cdf(2, degreesOfFreedom: 4.5), c = StudentT.cdf(2, degreesOfFreedom: 5)
        #expect(a < b && b < c)
    }

    static func baseline(_ series: [(String, [Double])]) -> ReplicatedBaseline {
        let b = ReplicatedBaseline(scenario: "x", seeds: Array(repeating: 1, count: series.first?.1.count ?? 0),
                               series: series.map { ReplicatedBaseline.Series(subject: "route " + $0.0, metric: "latency_p99", values: $0.1) })
        return b
    }

    @Test("the same values pass with one line; a clear shift fails on that metric alone")
    func shift() {
        let old = Self.baseline([("a", [1.0, 1.1, 0.9, 1.05, 0.95]), ("b", [2.0, 2.1, 1.9, 2.05, 1.95])])
        let same = old.compare(old)
        #expect(same.count == 1 && same[0].passed)
        let worse = old.compare(Self.baseline([("a", [1.5, 1.6, 1.4, 1.55, 1.45]), ("b", [2.0, 2.1, 1.9, 2.05, 1.95])]))
        #expect(worse.count == 1 && !worse[0].passed)
        #expect(worse[0].name == "route a latency_p99 against the baseline's 5 replications")
        // Better is not a regression.
        let better = old.compare(Self.baseline([("a", [0.5, 0.6, 0.4, 0.55, 0.45]), ("b", [2.0, 2.1, 1.9, 2.05, 1.95])]))
        #expect(better.count == 1 && better[0].passed)
    }

    @Test("Holm's correction: a p of about 0.03 is a regression alone, not among 20 unchanged metrics")
    func holm() {
        let base: [Double] = [1.0, 1.2, 0.8, 1.1, 0.9, 1.05, 0.95, 1.0]
        let moved = base.map { $0 + 0.12 }
        let p = ReplicatedBaseline.welchWorse(base, moved)
        #expect(p > 0.01 && p < 0.05, "p = \(p)")
        let alone = Self.baseline([("a", base)]).compare(Self.baseline([("a", moved)]))
        #expect(!alone[0].passed)
        let others = (0..<19).map { ("u\($0)", base) }
        let crowd = Self.baseline([("a", base)] + others).compare(Self.baseline([("a", moved)] + others))
        #expect(crowd.count == 1 && crowd[0].passed)
    }
}
