import Foundation
import Testing
@testable import Planning

@Suite("Erlang C (M/M/c)")
struct ErlangCTests {
    /// The textbook example: λ = 0.35/min, mean service 10 min, c = 4 gives W = 24.7572 min
    /// in the system (published to four decimals, so the tolerance is half a unit in the last place).
    @Test("matches the published value λ=0.35/min, S=10 min, c=4 → W=24.7572 min")
    func publishedExample() {
        let q = ErlangC(lambda: 0.35, mu: 0.1, servers: 4)
        #expect(abs(q.meanResponse - 24.7572) < 0.00005)
    }

    /// The direct factorial formula, independent of the recursion, for small c.
    func direct(_ lambda: Double, _ mu: Double, _ c: Int) -> Double {
        let a = lambda / mu, rho = a / Double(c)
        var sum = 0.0, term = 1.0
        for k in 0..<c { if k > 0 { term *= a / Double(k) }; sum += term }
        let last = term * a / Double(c) / (1 - rho)
        return last / (sum + last)
    }

    @Test("the stable recursion agrees with the factorial formula", arguments: [(9.0, 1.0, 10), (0.35, 0.1, 4), (5.0, 1.0, 6), (19.0, 2.0, 12), (0.5, 1.0, 1)])
    func recursionMatchesFormula(lambda: Double, mu: Double, c: Int) {
        let q = ErlangC(lambda: lambda, mu: mu, servers: c)
        #expect(abs(q.probabilityOfWaiting - direct(lambda, mu, c)) < 1e-12)
    }

    @Test("M/M/1 reduces to ρ/(μ−λ)")
    func mm1() {
        let q = ErlangC(lambda: 0.8, mu: 1, servers: 1)
        #expect(abs(q.probabilityOfWaiting - 0.8) < 1e-12)
        #expect(abs(q.meanWait - 4.0) < 1e-12)
    }

    @Test("large pools stay finite (no factorial overflow)")
    func largePool() {
        let q = ErlangC(lambda: 4900, mu: 1, servers: 5000)
        #expect(q.probabilityOfWaiting.isFinite && q.probabilityOfWaiting > 0 && q.probabilityOfWaiting < 1)
    }

    @Test("unstable queues report infinite waiting, not a number")
    func unstable() {
        let q = ErlangC(lambda: 10, mu: 1, servers: 10)
        #expect(!q.isStable)
        #expect(q.meanWait == .infinity)
        #expect(q.waitQuantile(0.99) == .infinity)
    }

    @Test("the waiting-time quantile inverts P(W > t) = C·e^{−(cμ−λ)t}")
    func waitQuantile() {
        let q = ErlangC(lambda: 9, mu: 1, servers: 10)
        let t = q.waitQuantile(0.99)
        #expect(abs(q.probabilityWaitExceeds(t) - 0.01) < 1e-12)
        #expect(q.waitQuantile(0.2) == 0)   // 1 − C > 0.2: most arrivals do not wait
    }
}
