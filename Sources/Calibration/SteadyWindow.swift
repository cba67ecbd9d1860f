import Foundation
import LoadGen

/// A load run judged over its steady window — from the first tenth of its duration to its end,
/// before the drain — by counts, not by the goodput over the whole run: a run's start and drain
/// make the whole-run goodput of a short Poisson probe fall a few per cent below what was
/// scheduled although the service kept up (the 48/s at 50/s that stopped the old search).
struct SteadyWindow {
    /// Requests whose intended send falls in the window.
    let arrivals: Int
    /// Successful responses that ended in the window, whenever they were sent.
    let completions: Int
    let seconds: Double

    init?(_ r: LoadResult) {
        guard let samples = r.samples, r.duration > 0 else { return nil }
        let from = r.duration / 10, to = r.duration
        var a = 0, c = 0
        for s in samples {
            if s.intended >= from && s.intended < to { a += 1 }
            if let l = s.latency, let status = s.status, status < 400 {
                let end = s.intended + l
                if end >= from && end < to { c += 1 }
            }
        }
        arrivals = a; completions = c; seconds = to - from
    }

    /// Successful completions per second while the load was on.
    var served: Double { Double(completions) / seconds }

    /// At most `SaturationSearch.keepUpTolerance` of the arrivals left unserved.
    var keptUp: Bool { Double(completions) >= (1 - SaturationSearch.keepUpTolerance) * Double(arrivals) }

    /// The 95 % half-width of the served rate by batch means over ten slices of the window.
    static func throughputHalfWidth(_ r: LoadResult) -> Double? {
        guard let samples = r.samples, r.duration > 0 else { return nil }
        let from = r.duration / 10, width = (r.duration - from) / 10
        var counts = Array(repeating: 0.0, count: 10)
        for s in samples {
            guard let l = s.latency, let status = s.status, status < 400 else { continue }
            let end = s.intended + l
            guard end >= from, end < r.duration else { continue }
            counts[min(9, Int((end - from) / width))] += 1 / width
        }
        return Calibrator.halfWidth(counts)
    }
}
