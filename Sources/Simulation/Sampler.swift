import CapsimModel
import Foundation

/// Draws service times from a `ServiceTime`, with constants precomputed once so a draw is a
/// few arithmetic operations and no allocation.
public struct Sampler: Sendable {
    enum Kind: Sendable {
        case exponential(mean: Double)
        case deterministic(Double)
        case lognormal(mu: Double, sigma: Double)
        /// Marsaglia–Tsang: d = k − 1/3, c = 1/√(9d); `boost` handles k < 1.
        case gamma(d: Double, c: Double, scale: Double, shapeBelowOne: Double?)
        /// Bin values and their cumulative shares, drawn by binary search.
        case empirical(values: [Double], cumulative: [Double])
    }
    let kind: Kind
    public let mean: Double

    public init(_ st: ServiceTime) {
        mean = st.mean
        switch st {
        case .exponential(let m): kind = .exponential(mean: m)
        case .deterministic(let v): kind = .deterministic(v)
        case .lognormal(let m, _):
            let s = st.lognormalSigma
            kind = .lognormal(mu: log(m) - s * s / 2, sigma: s)
        case .gamma(let m, let k):
            let shape = k < 1 ? k + 1 : k
            let d = shape - 1.0 / 3.0
            kind = .gamma(d: d, c: 1 / (9 * d).squareRoot(), scale: m / k, shapeBelowOne: k < 1 ? k : nil)
        case .empirical(_, let v, let w):
            let total = w.reduce(0, +)
            var acc = 0.0
            kind = .empirical(values: v, cumulative: w.map { acc += $0; return acc / total })
        }
    }

    @inline(__always)
    public func draw(_ rng: inout RandomStream) -> Double {
        switch kind {
        case .exponential(let m): return -log(rng.uniformPositive()) * m
        case .deterministic(let v): return v
        case .lognormal(let mu, let sigma): return exp(mu + sigma * Sampler.normal(&rng))
        case .gamma(let d, let c, let scale, let below):
            var g = Sampler.marsagliaTsang(d, c, &rng)
            if let a = below { g *= pow(rng.uniformPositive(), 1 / a) }
            return g * scale
        case .empirical(let v, let cum):
            let u = rng.uniform()
            var lo = 0, hi = cum.count - 1
            while lo < hi { let m = (lo + hi) >> 1; if cum[m] > u { hi = m } else { lo = m + 1 } }
            return v[lo]
        }
    }

    /// A standard normal by Box–Muller (one of the pair; the other is discarded so a draw
    /// consumes a fixed two uniforms, keeping streams aligned across runs).
    @inline(__always)
    static func normal(_ rng: inout RandomStream) -> Double {
        let u1 = rng.uniformPositive(), u2 = rng.uniform()
        return (-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2)
    }

    @inline(__always)
    static func marsagliaTsang(_ d: Double, _ c: Double, _ rng: inout RandomStream) -> Double {
        while true {
            var x: Double, v: Double
            repeat {
                x = normal(&rng)
                v = 1 + c * x
            } while v <= 0
            v = v * v * v
            let u = rng.uniformPositive()
            if u < 1 - 0.0331 * x * x * x * x || log(u) < 0.5 * x * x + d * (1 - v + log(v)) { return d * v }
        }
    }
}
