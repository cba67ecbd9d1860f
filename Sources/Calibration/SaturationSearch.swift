import Foundation

/// One run the saturation search made, and what it showed.
public struct SearchStep: Hashable, Sendable, Codable {
    public enum Kind: String, Hashable, Sendable, Codable {
        /// A short step of the doubling search.
        case probe
        /// A run long enough to judge the rate it holds.
        case held
    }
    public let kind: Kind
    /// The rate the search asked for (requests per second): the bracket's coordinate.
    public let offered: Double
    /// The rate the run's Poisson arrivals actually scheduled (within ±√n of `offered`).
    public let scheduled: Double
    /// Successful completions per second inside the run's steady window (after the first
    /// tenth, before the drain): the rate served while the load was on.
    public let served: Double
    /// The service kept up: it served at least `(1 − keepUpTolerance)` of the arrivals of the
    /// steady window, with at most 1 % errors.
    public let keptUp: Bool
    public let p99: Double
    public let errors: Int
    /// The server's CPU seconds per completed request and per wall second, from its /metrics.
    public let cpuPerRequest: Double?
    public let cpuUtilization: Double?

    public init(kind: Kind, offered: Double, scheduled: Double? = nil, served: Double, keptUp: Bool, p99: Double, errors: Int,
                cpuPerRequest: Double? = nil, cpuUtilization: Double? = nil) {
        self.kind = kind; self.offered = offered; self.scheduled = scheduled ?? offered; self.served = served; self.keptUp = keptUp; self.p99 = p99
        self.errors = errors; self.cpuPerRequest = cpuPerRequest; self.cpuUtilization = cpuUtilization
    }
}

/// Where the service stops keeping up, found by measurement: the bracket (the highest rate it
/// kept up with, the lowest it did not), the held runs that narrowed it, and the estimate — the
/// rate the overloaded held runs served while the load was on, which is the service rate
/// itself when the server never idles.
public struct SaturationFinding: Hashable, Sendable, Codable {
    public let steps: [SearchStep]
    public let low: Double
    public let high: Double
    public let saturation: Double
    /// The bracket's relative width the search stopped at (or the width it reached when it ran
    /// out of steps).
    public let precision: Double

    public init(steps: [SearchStep], low: Double, high: Double, saturation: Double, precision: Double) {
        self.steps = steps; self.low = low; self.high = high; self.saturation = saturation; self.precision = precision
    }

    /// Relative width of the bracket, (high − low) ÷ low.
    public var width: Double { low > 0 ? (high - low) / low : .infinity }
}

/// The search itself, over a `measure(rate, seconds, kind)` that runs load and judges it.
public enum SaturationSearch {
    /// A held run "keeps up" when it served at least 98 % of the steady window's arrivals: a
    /// service 2 % overloaded for 30 s has fallen 0.6 s of work behind, which the count shows.
    public static let keepUpTolerance = 0.02

    /// Doubles from `start` with short probes until a probe does not keep up; holds 5 % above
    /// what that probe served, and confirms the failing rate with a held run (a short probe can
    /// fail by chance: its start and drain are a large part of it), doubling on while held runs
    /// keep up; then bisects the bracket with
    /// held runs until its width is at most `precision` or `maxHeld` held runs are spent. The
    /// estimate is the mean rate the overloaded held runs served, kept between low × 0.98 (a run
    /// that kept up may have served 2 % short) and high.
    public static func find(start: Double = 25, probeSeconds: Double, holdSeconds: Double, precision: Double = 0.05, maxHeld: Int = 8,
                            measure: (Double, Double, SearchStep.Kind) throws -> SearchStep) rethrows -> SaturationFinding {
        var steps: [SearchStep] = []
        var low = 0.0, high = start
        // 1. Doubling probes.
        while high < 200_000 {
            let s = try measure(high, probeSeconds, .probe)
            steps.append(s)
            if !s.keptUp { break }
            low = high
            high *= 2
        }
        var held = 0
        // 2. A short probe that fails served about the service rate: hold 5 % above that first
        //    (a narrow bracket at once, instead of bisecting down from twice the last good
        //    rate through heavily overloaded runs); then hold the failing rate unless a held
        //    run already failed there. A held run that keeps up moves the bracket up.
        if let p = steps.last, !p.keptUp, p.served * 1.05 > low, p.served * 1.05 < high {
            let s = try measure(p.served * 1.05, holdSeconds, .held)
            steps.append(s); held += 1
            if s.keptUp { low = s.offered } else { high = s.offered }
            while low >= high { high *= 2 }
        }
        while held < maxHeld && high < 200_000 && !steps.contains(where: { $0.kind == .held && !$0.keptUp && $0.offered == high }) {
            let s = try measure(high, holdSeconds, .held)
            steps.append(s); held += 1
            if !s.keptUp { break }
            // The failing probe was near saturation (it failed by chance): step up by a quarter,
            // not double — a held run at twice the service rate only builds a backlog to drain.
            low = high
            high *= 1.25
        }
        // 3. Bisection with held runs.
        while held < maxHeld && (low <= 0 || (high - low) / low > precision) {
            let mid = low > 0 ? (low + high) / 2 : high / 2
            let s = try measure(mid, holdSeconds, .held)
            steps.append(s); held += 1
            if s.keptUp { low = mid } else { high = mid }
        }
        let overloaded = steps.filter { $0.kind == .held && !$0.keptUp && $0.offered <= high * 1.0001 }.map(\.served)
        let served = overloaded.isEmpty ? (low + high) / 2 : overloaded.reduce(0, +) / Double(overloaded.count)
        // "Kept up" allows a 2 % shortfall, so the service rate is at least low × 0.98: the
        // overloaded runs' served rate is the estimate anywhere from there to `high`.
        let estimate = min(max(served, low * (1 - keepUpTolerance)), high)
        return SaturationFinding(steps: steps, low: low, high: high, saturation: estimate, precision: precision)
    }
}
