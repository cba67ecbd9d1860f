import Foundation

/// The M/M/c queue (Erlang C), exact.
///
/// Notation: arrival rate λ, service rate per server μ, c servers, offered load a = λ/μ,
/// utilisation ρ = a/c < 1. Formulas from Kleinrock, *Queueing Systems* vol. 1, §3.5, and
/// Gross & Harris, *Fundamentals of Queueing Theory*, §2.3.
public struct ErlangC: Sendable, Equatable {
    public let lambda: Double
    public let mu: Double
    public let servers: Int

    public init(lambda: Double, mu: Double, servers: Int) {
        self.lambda = lambda; self.mu = mu; self.servers = servers
    }

    public var offeredLoad: Double { lambda / mu }
    public var utilization: Double { offeredLoad / Double(servers) }
    public var isStable: Bool { utilization < 1 }

    /// Erlang B by the stable recursion B(0) = 1, B(k) = a·B(k−1) / (k + a·B(k−1)),
    /// which never forms a! or a^c and so holds for thousands of servers.
    public var blockingProbability: Double {
        let a = offeredLoad
        var b = 1.0
        if servers > 0 { for k in 1...servers { b = a * b / (Double(k) + a * b) } }
        return b
    }

    /// Probability an arrival waits: C = B / (1 − ρ(1 − B)). 1 when unstable.
    public var probabilityOfWaiting: Double {
        guard isStable else { return 1 }
        let b = blockingProbability, rho = utilization
        return b / (1 - rho * (1 - b))
    }

    /// Mean time in queue Wq = C / (cμ − λ).
    public var meanWait: Double {
        guard isStable else { return .infinity }
        return probabilityOfWaiting / (Double(servers) * mu - lambda)
    }

    /// Mean time in system W = Wq + 1/μ.
    public var meanResponse: Double { meanWait + 1 / mu }

    /// Mean number waiting Lq = λ·Wq (Little's law).
    public var meanQueueLength: Double { lambda * meanWait }

    /// P(Wq > t) = C·e^{−(cμ−λ)t}: the waiting time is 0 with probability 1 − C and
    /// exponential with rate cμ − λ otherwise.
    public func probabilityWaitExceeds(_ t: Double) -> Double {
        guard isStable else { return 1 }
        return probabilityOfWaiting * exp(-(Double(servers) * mu - lambda) * t)
    }

    /// The waiting time not exceeded with probability p: max(0, ln(C/(1−p)) / (cμ − λ)).
    public func waitQuantile(_ p: Double) -> Double {
        guard isStable else { return .infinity }
        let c = probabilityOfWaiting
        if c <= 1 - p { return 0 }
        return log(c / (1 - p)) / (Double(servers) * mu - lambda)
    }

    /// The number in the system (waiting + in service) not exceeded with probability p: the
    /// connections a database needs when each query holds one while queued and served.
    ///
    /// Above c the tail is geometric, P(N > c + k) = C·ρ^(k+1); below c, P(N = n) is walked
    /// down from P(N = c) = C(1 − ρ) by P(N = n − 1) = P(N = n)·n/a, which never forms a^n/n!.
    /// nil when unstable.
    public func inSystemQuantile(_ p: Double) -> Int? {
        guard isStable, p > 0, p < 1 else { return nil }
        let c = probabilityOfWaiting, rho = utilization, a = offeredLoad
        guard lambda > 0 else { return 0 }
        if c <= 1 - p {
            // The quantile is below c. P(N > c − 1) = C already qualifies; walk down while
            // P(N > n − 1) = P(N > n) + P(N = n) stays within 1 − p.
            var n = servers - 1, tail = c
            var pn = c * (1 - rho)   // P(N = n + 1), starting at P(N = c)
            while n >= 0 {
                pn = pn * Double(n + 1) / a   // now P(N = n)
                if tail + pn > 1 - p { break }
                tail += pn
                n -= 1
            }
            return max(0, n)
        }
        // P(N > c + k) = C·ρ^(k+1) ≤ 1 − p  ⇔  k + 1 ≥ ln((1 − p)/C) / ln ρ.
        guard rho > 0 else { return servers }
        let k = Int((log((1 - p) / c) / log(rho)).rounded(.up)) - 1
        return servers + max(0, k)
    }
}
