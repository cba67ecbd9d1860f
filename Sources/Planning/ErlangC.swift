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
}
