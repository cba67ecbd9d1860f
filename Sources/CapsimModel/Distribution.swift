import Foundation

/// A service-time distribution as a value that carries its own moments, so the planner
/// (Erlang C, Allen–Cunneen) and the simulator share one definition and can be checked
/// against each other.
public enum ServiceTime: Hashable, Sendable, Codable {
    /// Exponential with the given mean (the M in M/M/c). Shorthand: a bare duration.
    case exponential(mean: Double)
    /// Always exactly `value` seconds (the D in M/D/1).
    case deterministic(value: Double)
    /// Lognormal fitted to a mean and a 99th percentile, the two numbers dashboards show.
    case lognormal(mean: Double, p99: Double)
    /// Gamma with a mean and a shape k (k integer: Erlang-k). SCV = 1/k.
    case gamma(mean: Double, shape: Double)
    /// Empirical, from a histogram file of `seconds,count` rows (a measured distribution):
    /// each bin's value drawn with its count's share.
    case empirical(file: String, values: [Double], weights: [Double])

    /// Mean in seconds.
    public var mean: Double {
        switch self {
        case .exponential(let m): return m
        case .deterministic(let v): return v
        case .lognormal(let m, _): return m
        case .gamma(let m, _): return m
        case .empirical(_, let v, let w):
            let total = w.reduce(0, +)
            return zip(v, w).reduce(0) { $0 + $1.0 * $1.1 } / total
        }
    }

    /// Squared coefficient of variation, Var/mean². 1 for exponential, 0 for deterministic.
    public var scv: Double {
        switch self {
        case .exponential: return 1
        case .deterministic: return 0
        case .lognormal:
            let s = lognormalSigma
            return exp(s * s) - 1
        case .gamma(_, let k): return 1 / k
        case .empirical(_, let v, let w):
            let total = w.reduce(0, +), m = mean
            guard m > 0 else { return 0 }
            let second = zip(v, w).reduce(0) { $0 + $1.0 * $1.0 * $1.1 } / total
            return second / (m * m) - 1
        }
    }

    public var variance: Double { scv * mean * mean }

    /// σ of the underlying normal for the lognormal fitted to (mean, p99).
    /// With μ = ln(mean) − σ²/2 and p99 = exp(μ + z·σ), z = Φ⁻¹(0.99): solve
    /// σ²/2 − zσ + ln(p99/mean) = 0 and take the smaller root (the larger gives an absurd tail).
    /// Requires p99 > mean and ln(p99/mean) ≤ z²/2; the validator checks both.
    public var lognormalSigma: Double {
        guard case .lognormal(let m, let p99) = self else { return 0 }
        let z = 2.3263478740408408
        let disc = z * z - 2 * log(p99 / m)
        return z - disc.squareRoot()
    }

    /// The service time not exceeded with probability `p` (seconds).
    public func quantile(_ p: Double) -> Double {
        switch self {
        case .exponential(let m): return -log(1 - p) * m
        case .deterministic(let v): return v
        case .lognormal(let m, _):
            let s = lognormalSigma
            return exp(log(m) - s * s / 2 + s * normalQuantile(p))
        case .empirical(_, let v, let w):
            // The smallest bin value whose cumulative share reaches p.
            let total = w.reduce(0, +)
            var acc = 0.0
            for (x, c) in zip(v, w) { acc += c; if acc / total >= p { return x } }
            return v.last ?? 0
        case .gamma:
            // A Cornish–Fisher-free, conservative bound: mean + z·sd (normal approximation).
            return mean + normalQuantile(p) * variance.squareRoot()
        }
    }

    public var name: String {
        switch self {
        case .exponential: return "exponential"
        case .deterministic: return "deterministic"
        case .lognormal: return "lognormal"
        case .gamma: return "gamma"
        case .empirical: return "empirical"
        }
    }
}

/// Φ⁻¹(p), the standard normal quantile (Acklam's rational approximation, |error| < 1.2e-9).
public func normalQuantile(_ p: Double) -> Double {
    let a = [-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02, 1.383577518672690e+02, -3.066479806614716e+01, 2.506628277459239e+00]
    let b = [-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02, 6.680131188771972e+01, -1.328068155288572e+01]
    let c = [-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00, -2.549732539343734e+00, 4.374664141464968e+00, 2.938163982698783e+00]
    let d = [7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00, 3.754408661907416e+00]
    let lo = 0.02425, hi = 1 - lo
    if p < lo {
        let q = (-2 * log(p)).squareRoot()
        return (((((c[0]*q+c[1])*q+c[2])*q+c[3])*q+c[4])*q+c[5]) / ((((d[0]*q+d[1])*q+d[2])*q+d[3])*q+1)
    }
    if p > hi {
        let q = (-2 * log(1 - p)).squareRoot()
        return -(((((c[0]*q+c[1])*q+c[2])*q+c[3])*q+c[4])*q+c[5]) / ((((d[0]*q+d[1])*q+d[2])*q+d[3])*q+1)
    }
    let q = p - 0.5, r = q * q
    return (((((a[0]*r+a[1])*r+a[2])*r+a[3])*r+a[4])*r+a[5])*q / (((((b[0]*r+b[1])*r+b[2])*r+b[3])*r+b[4])*r+1)
}
