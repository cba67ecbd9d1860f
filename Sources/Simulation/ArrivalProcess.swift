import CapsimModel
import Foundation

/// The entry's arrival rate over simulated time: peak × multiplier × profile(t) × surges(t),
/// each factor piecewise linear, sampled as a non-homogeneous Poisson process by thinning
/// (Lewis & Shedler 1979) against a local bound per slice, so a quiet night does not cost
/// the rejections of a global bound.
public struct ArrivalProcess: Sendable {
    /// Knots of a `points` profile in simulated seconds, and the multiplier at each.
    let knots: [Double]
    let values: [Double]
    /// A diurnal profile's 24 hourly multipliers (hour 0 = midnight EAT), evaluated directly
    /// so a season can shift it; nil for constant and points profiles.
    let hourly: [Double]?
    let startOfDay: Double
    let surges: [Surge]
    public let base: Double

    /// `startOfDay`: seconds after midnight EAT at simulated time 0 (for diurnal profiles).
    /// `scale` multiplies the entry's peak (1 + the CDN origin routes' weight).
    public init(traffic: Traffic, duration: Double, startOfDay: Double, scale: Double = 1) {
        base = traffic.peak * traffic.multiplier * scale
        surges = traffic.surges
        self.startOfDay = startOfDay
        switch traffic.profile {
        case .constant:
            knots = [0]; values = [1]; hourly = nil
        case .points(let pts):
            knots = pts.map(\.at); values = pts.map(\.multiplier); hourly = nil
        case .diurnal(let h):
            knots = [0]; values = [1]; hourly = h
        }
    }

    /// The profile multiplier at t; a diurnal curve runs `shift` seconds late.
    @inline(__always)
    func profile(_ t: Double, shift: Double = 0) -> Double {
        if let hourly {
            var tod = (startOfDay + t - shift).truncatingRemainder(dividingBy: 86_400)
            if tod < 0 { tod += 86_400 }
            let x = tod / 3600
            let h = Int(x), f = x - Double(h)
            return hourly[h % 24] * (1 - f) + hourly[(h + 1) % 24] * f
        }
        if t <= knots[0] { return values[0] }
        if t >= knots[knots.count - 1] { return values[values.count - 1] }
        var lo = 0, hi = knots.count - 1
        while hi - lo > 1 { let m = (lo + hi) >> 1; if knots[m] <= t { lo = m } else { hi = m } }
        let f = (t - knots[lo]) / (knots[hi] - knots[lo])
        return values[lo] + f * (values[hi] - values[lo])
    }

    /// The profile's largest value on [t0, t1] with a given shift: the curve is piecewise
    /// linear, so it peaks at an end or at a knot (an hour boundary, for diurnal) inside.
    func profileBound(_ t0: Double, _ t1: Double, shift: Double) -> Double {
        var p = max(profile(t0, shift: shift), profile(t1, shift: shift))
        if hourly != nil {
            // Hour boundaries of the shifted clock inside the slice.
            var k = ((startOfDay + t0 - shift) / 3600).rounded(.up) * 3600 - startOfDay + shift
            while k < t1 { if k > t0 { p = max(p, profile(k, shift: shift)) }; k += 3600 }
        } else {
            for (k, v) in zip(knots, values) where k > t0 && k < t1 { p = max(p, v) }
        }
        return p
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

    /// Arrivals per second at t, before route multipliers.
    @inline(__always)
    public func rate(_ t: Double, shift: Double = 0) -> Double {
        var r = base * profile(t, shift: shift)
        for s in surges { r *= ArrivalProcess.surgeFactor(s, t) }
        return r
    }

    /// An upper bound of `rate` on [t0, t1] for each shift in `shifts`: each piecewise-linear
    /// factor peaks at an end of the slice or at one of its knots inside, so the product of
    /// the factors' maxima bounds it.
    public func bound(_ t0: Double, _ t1: Double, shifts: [Double] = [0]) -> Double {
        var r = base * shifts.map { profileBound(t0, t1, shift: $0) }.max()!
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
