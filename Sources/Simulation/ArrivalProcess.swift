import CapsimModel
import Foundation

/// The entry's arrival rate over simulated time: peak × multiplier × profile(t) × surges(t),
/// each factor piecewise linear, sampled as a non-homogeneous Poisson process by thinning
/// (Lewis & Shedler 1979) against a local bound per slice, so a quiet night does not cost
/// the rejections of a global bound.
public struct ArrivalProcess: Sendable {
    /// Knots of the profile in simulated seconds, and the multiplier at each.
    let knots: [Double]
    let values: [Double]
    let surges: [Surge]
    public let base: Double

    /// `startOfDay`: seconds after midnight EAT at simulated time 0 (for diurnal profiles).
    public init(traffic: Traffic, duration: Double, startOfDay: Double) {
        base = traffic.peak * traffic.multiplier
        surges = traffic.surges
        switch traffic.profile {
        case .constant:
            knots = [0]; values = [1]
        case .points(let pts):
            knots = pts.map(\.at); values = pts.map(\.multiplier)
        case .diurnal(let hourly):
            // A knot at every EAT hour boundary inside the run, plus the ends.
            func at(_ t: Double) -> Double {
                let tod = (startOfDay + t).truncatingRemainder(dividingBy: 86_400)
                let h = Int(tod / 3600), frac = tod / 3600 - Double(h)
                return hourly[h % 24] * (1 - frac) + hourly[(h + 1) % 24] * frac
            }
            var ks: [Double] = [0]
            var next = 3600 - startOfDay.truncatingRemainder(dividingBy: 3600)
            while next < duration { if next > 0 { ks.append(next) }; next += 3600 }
            ks.append(duration)
            knots = ks; values = ks.map(at)
        }
    }

    /// The profile multiplier at t: linear between knots, held outside them.
    @inline(__always)
    func profile(_ t: Double) -> Double {
        if t <= knots[0] { return values[0] }
        if t >= knots[knots.count - 1] { return values[values.count - 1] }
        var lo = 0, hi = knots.count - 1
        while hi - lo > 1 { let m = (lo + hi) >> 1; if knots[m] <= t { lo = m } else { hi = m } }
        let f = (t - knots[lo]) / (knots[hi] - knots[lo])
        return values[lo] + f * (values[hi] - values[lo])
    }

    @inline(__always)
    static func surgeFactor(_ s: Surge, _ t: Double) -> Double {
        let end = s.start + s.duration
        guard t >= s.start && t < end else { return 1 }
        if s.ramp > 0 {
            if t < s.start + s.ramp { return 1 + (s.multiplier - 1) * (t - s.start) / s.ramp }
            if t > end - s.ramp { return 1 + (s.multiplier - 1) * (end - t) / s.ramp }
        }
        return s.multiplier
    }

    /// Arrivals per second at t.
    @inline(__always)
    public func rate(_ t: Double) -> Double {
        var r = base * profile(t)
        for s in surges { r *= ArrivalProcess.surgeFactor(s, t) }
        return r
    }

    /// An upper bound of `rate` on [t0, t1]: each piecewise-linear factor peaks at an end of
    /// the slice or at one of its knots inside, so the product of the factors' maxima bounds it.
    public func bound(_ t0: Double, _ t1: Double) -> Double {
        var p = max(profile(t0), profile(t1))
        for (k, v) in zip(knots, values) where k > t0 && k < t1 { p = max(p, v) }
        var r = base * p
        for s in surges {
            var m = max(ArrivalProcess.surgeFactor(s, t0), ArrivalProcess.surgeFactor(s, t1))
            for k in [s.start, s.start + s.ramp, s.start + s.duration - s.ramp] where k >= t0 && k <= t1 {
                m = max(m, ArrivalProcess.surgeFactor(s, k))
            }
            r *= m
        }
        return r
    }
}
