import CapsimModel
import Foundation

/// Background work the service does in batches on a timer, measured from its `/metrics`
/// (capsim serve's rewards worker: `rewards_interval_seconds`, and the batches' seconds over the
/// requests served): every `interval` one batch of `secondsPerRequest × rate × interval`
/// seconds holds the service, and requests that arrive meanwhile wait for it.
public struct BackgroundBatch: Hashable, Sendable, Codable {
    public var interval: Double
    /// Batch seconds per request of the route (per-row cost × rows per request).
    public var secondsPerRequest: Double
    public init(interval: Double, secondsPerRequest: Double) { self.interval = interval; self.secondsPerRequest = secondsPerRequest }

    /// One batch's work at `rate` requests per second, kept below the period.
    public func work(at rate: Double) -> Double { min(secondsPerRequest * rate * interval, interval * 0.95) }
}

/// What the fitting run says about a route: the client's round trip and, when the service
/// sends `Server-Timing`, the time each request waited for a worker and held one (its handler
/// time). The fitting run is at a moderate load (50 % of saturation by default): the server's
/// per-request cost there is what it is at the loads being predicted, which neither a nearly
/// idle server (slower: cold caches, a wake-up per request) nor a flooded one (faster:
/// back-to-back work) shows.
public struct FitProfile: Hashable, Sendable, Codable {
    /// Offered rate of the fitting run, requests per second.
    public var rate: Double
    /// Mean wait for a worker (seconds), from `Server-Timing: queue;dur=…`.
    public var queueMean: Double?
    /// The server's CPU seconds per request over the run (its `process_cpu_seconds_total`
    /// difference over the requests): the service demand by the utilization law, which counts
    /// the work outside the handler (accepting, parsing, writing) that the handler time misses.
    public var cpuPerRequest: Double?
    /// Round trip minus the server's wait and handler time by medians, measured by the caller
    /// (`capsim calibrate`: the smaller of its values at the lightest probe and at the fitting
    /// run, each inflated for a known reason); nil: the means of this profile are used instead.
    public var measuredOverhead: Double?
    /// The service's timed batches over the fitting run, when its `/metrics` shows them.
    public var batch: BackgroundBatch?
    /// Mean round trip from the actual send (seconds): network, server and client together.
    public var roundTripMean: Double
    /// Handler time (seconds) from `Server-Timing: app;dur=…`; nil when the service does not say.
    public var handlerMean: Double?
    public var handlerP99: Double?
    /// The handler-time histogram as (seconds, count) bins, for the empirical fit.
    public var handlerBins: [Bin]?
    /// Without server timing, the round trip's p99 and bins stand in for the handler's.
    public var roundTripP99: Double
    public var roundTripBins: [Bin]?

    public struct Bin: Hashable, Sendable, Codable {
        public var seconds: Double
        public var count: Double
        public init(seconds: Double, count: Double) { self.seconds = seconds; self.count = count }
    }

    /// The bins without their top `share` of the counts (the largest values), cut inside a bin
    /// where the share ends there.
    public static func trimTop(_ bins: [Bin], share: Double) -> [Bin] {
        let sorted = bins.sorted { $0.seconds < $1.seconds }
        var drop = sorted.reduce(0) { $0 + $1.count } * max(0, min(1, share))
        var kept = sorted
        while drop > 0, let last = kept.last {
            if last.count <= drop { drop -= last.count; kept.removeLast() } else { kept[kept.count - 1].count -= drop; drop = 0 }
        }
        return kept
    }

    /// The nearest-rank quantile (0…1) of binned values.
    public static func quantile(_ bins: [Bin], _ q: Double) -> Double {
        let sorted = bins.sorted { $0.seconds < $1.seconds }
        let rank = q * sorted.reduce(0) { $0 + $1.count }
        var seen = 0.0
        for b in sorted { seen += b.count; if seen >= rank { return b.seconds } }
        return sorted.last?.seconds ?? 0
    }

    public init(rate: Double, roundTripMean: Double, roundTripP99: Double, roundTripBins: [Bin]? = nil,
                queueMean: Double? = nil, handlerMean: Double? = nil, handlerP99: Double? = nil, handlerBins: [Bin]? = nil,
                cpuPerRequest: Double? = nil, measuredOverhead: Double? = nil, batch: BackgroundBatch? = nil) {
        self.rate = rate
        self.batch = batch
        self.queueMean = queueMean
        self.cpuPerRequest = cpuPerRequest
        self.measuredOverhead = measuredOverhead
        self.roundTripMean = roundTripMean
        self.roundTripP99 = roundTripP99
        self.roundTripBins = roundTripBins
        self.handlerMean = handlerMean
        self.handlerP99 = handlerP99
        self.handlerBins = handlerBins
    }
}

/// A route's fitted model: one station of `concurrency` slots behind a shared FIFO, each request
/// holding a slot for a service time of mean `meanServiceTime`, plus a constant `overhead` that
/// queues nowhere (loopback, HTTP parsing, the client itself).
///
/// With `Server-Timing` (capsim serve sends it) the service time has the shape of the handler
/// time measured at the fitting run — its histogram, or a lognormal with its p99-to-mean
/// ratio — and as its mean the larger of the handler's mean and the server's CPU seconds per
/// request (when `/metrics` has `process_cpu_seconds_total`); the overhead is the round trip
/// minus the server's wait and handler time (by medians, at the fitting run), less the
/// server's work outside the handler (which the station's mean now holds). The concurrency is what Little's
/// law says was busy at saturation, `saturation × handler mean`, rounded (at least 1): with one
/// core and one worker it is 1, with four workers on one core still 1 (they share the core),
/// with two cores 2. The model's capacity, `concurrency ÷ mean`, can sit a few per cent below
/// the measured saturation: a flooded server works back to back and does each request faster
/// than at any load below saturation, and the model is for those loads.
///
/// The service time depends on the load: measured here, a request costs the server about 9 ms
/// of CPU at 30 % of saturation, 8.6 ms at 60 % and 8.2 ms at 90 % and at saturation (warmer
/// caches, fewer wake-ups when work arrives back to back). At 90 % a 6 % error in that cost is
/// the difference between ρ = 0.90 and 0.95, which doubles the wait, so the model keeps both
/// measured points — the fitting run's cost at its rate and `concurrency ÷ saturation` at
/// saturation — and `at(rate:)` interpolates linearly in the arrival rate between them (a
/// load-dependent service centre, as in mean value analysis), scaling the shape to that mean.
///
/// Without `Server-Timing` the round trip at low load stands in for the service time, scaled
/// so the station saturates where the service did; the overhead is then folded into the
/// station (and the concurrency comes out too high for a fast route).
public struct RouteModel: Hashable, Sendable, Codable {
    public enum Shape: String, Hashable, Sendable, Codable, CaseIterable {
        /// The measured histogram itself (scaled): keeps a fast median with a long tail.
        case empirical
        /// A lognormal with the measured p99-to-mean ratio.
        case lognormal
    }

    public var route: String
    /// Requests per second the service completed successfully when overloaded.
    public var saturation: Double
    public var concurrency: Int
    /// Mean service time at the station (seconds): `concurrency / saturation`.
    public var meanServiceTime: Double
    public var p99ServiceTime: Double
    /// Constant time outside the station (seconds).
    public var overhead: Double
    public var shape: Shape
    /// Service-time bins (seconds, count), already scaled to `meanServiceTime`, for `.empirical`.
    public var bins: [FitProfile.Bin]
    /// True when the service sent `Server-Timing` and the fit used it.
    public var usedServerTiming: Bool
    /// Where the scenario will find the bins (written by the caller), for `.empirical`.
    public var histogramFile: String?
    /// The fitting run's rate (requests per second) and mean service time there: with
    /// (saturation, concurrency ÷ saturation) the two points of the load-dependent mean.
    /// Nil without Server-Timing (the mean is then `concurrency ÷ saturation` at every load).
    public var fitRate: Double?
    public var fitMeanServiceTime: Double?
    /// The service's timed batches, written as the station's `jobs` (their work at the
    /// scenario's rate).
    public var batch: BackgroundBatch?
    /// The cost per request as the server measured it at several rates; when present it
    /// decides the mean at each load (`meanServiceTime(at:)`).
    public var costLaw: CostLaw?

    public init(route: String, saturation: Double, concurrency: Int, meanServiceTime: Double, p99ServiceTime: Double,
                overhead: Double = 0, shape: Shape = .lognormal, bins: [FitProfile.Bin] = [], usedServerTiming: Bool = false) {
        self.route = route
        self.saturation = saturation
        self.concurrency = concurrency
        self.meanServiceTime = meanServiceTime
        self.p99ServiceTime = p99ServiceTime
        self.overhead = overhead
        self.shape = shape
        self.bins = bins
        self.usedServerTiming = usedServerTiming
    }

    /// Fits the model from the saturation throughput and a fitting run (see the type).
    public static func fit(route: String, saturation: Double, measured: FitProfile, shape: Shape) -> RouteModel {
        if var handler = measured.handlerMean, handler > 0 {
            var profile = measured
            if let b = measured.batch, b.secondsPerRequest > 0 {
                // The batches are modelled as jobs, so the requests that waited for one inside
                // the handler (the top share of handler times: the share of time a batch runs,
                // secondsPerRequest × rate) leave the handler's histogram, and the batches'
                // CPU leaves the cost per request.
                let share = min(0.5, b.secondsPerRequest * measured.rate)
                if let bins = measured.handlerBins, !bins.isEmpty {
                    let kept = FitProfile.trimTop(bins, share: share)
                    profile.handlerBins = kept
                    let n = kept.reduce(0) { $0 + $1.count }
                    handler = kept.reduce(0) { $0 + $1.seconds * $1.count } / max(n, 1)
                    profile.handlerP99 = FitProfile.quantile(kept, 0.99)
                }
                profile.cpuPerRequest = measured.cpuPerRequest.map { max(0, $0 - b.secondsPerRequest) }
            }
            var m = fitServerTimed(route: route, saturation: saturation, measured: profile, handler: handler, shape: shape)
            m.batch = measured.batch
            return m
        }
        let hold = measured.roundTripMean
        let c = max(1, Int((saturation * hold).rounded()))
        let mean = Double(c) / saturation
        let scale = mean / hold
        let bins = (measured.roundTripBins ?? []).map { FitProfile.Bin(seconds: $0.seconds * scale, count: $0.count) }
        return RouteModel(route: route, saturation: saturation, concurrency: c, meanServiceTime: mean,
                          p99ServiceTime: clampP99(measured.roundTripP99 * scale, mean: mean),
                          overhead: 0, shape: bins.isEmpty ? .lognormal : shape, bins: bins, usedServerTiming: false)
    }

    /// The fit with `Server-Timing` (see the type); `handler` is the handler's mean.
    static func fitServerTimed(route: String, saturation: Double, measured: FitProfile, handler: Double, shape: Shape) -> RouteModel {
        // A slot is held at least for the handler's wall time (all of it, for a route that
        // waits on I/O) and at least for the CPU a request costs (more than the handler time,
        // for a CPU-bound route, by the work around the handler).
        let mean = max(handler, measured.cpuPerRequest ?? 0)
        let c = max(1, Int((saturation * mean).rounded()))
        let scale = mean / handler
        let bins = (measured.handlerBins ?? []).map { FitProfile.Bin(seconds: $0.seconds * scale, count: $0.count) }
        // The round trip's rest outside the server's wait and handler; the server's work
        // outside the handler (mean − handler) is in the station now, so not here too.
        let overhead = (measured.measuredOverhead ?? (measured.roundTripMean - (measured.queueMean ?? 0) - handler)) - (mean - handler)
        var m = RouteModel(route: route, saturation: saturation, concurrency: c, meanServiceTime: mean,
                           p99ServiceTime: clampP99((measured.handlerP99 ?? handler) * scale, mean: mean),
                           overhead: max(0, overhead), shape: bins.isEmpty ? .lognormal : shape, bins: bins, usedServerTiming: true)
        if measured.rate < saturation * 0.95 {
            m.fitRate = measured.rate
            m.fitMeanServiceTime = mean
        }
        return m
    }

    /// A lognormal needs p99 > mean and p99/mean ≤ e^{z²/2} ≈ 14.9; clamp into that range.
    static func clampP99(_ p99: Double, mean: Double) -> Double { min(max(p99, mean * 1.01), mean * 14.5) }

    /// Requests per second the model's station can serve at its current mean.
    public var capacity: Double { Double(concurrency) / meanServiceTime }

    /// The mean service time at `rate`: linear in the rate through the fitting run's point and
    /// saturation's, kept within [½, 2] × the fitting run's mean so a far extrapolation cannot
    /// run away; the fitting run's mean when there is only that point.
    public func meanServiceTime(at rate: Double) -> Double {
        if let law = costLaw { return law.cost(at: rate) }
        guard let r0 = fitRate, let d0 = fitMeanServiceTime, saturation > r0 else { return meanServiceTime }
        // At saturation the service also ran its batches: their share of each request's cost
        // is the jobs' now, not the station's.
        let d1 = Double(concurrency) / saturation - (batch?.secondsPerRequest ?? 0)
        let d = d0 + (d1 - d0) * (rate - r0) / (saturation - r0)
        return min(max(d, d0 / 2), d0 * 2)
    }

    /// This model with its service time (mean, p99 and histogram alike) scaled to the mean at
    /// `rate`: what the station is at that load.
    public func at(rate: Double) -> RouteModel { withMean(meanServiceTime(at: rate)) }

    /// This model with its service time scaled to `mean`, the shape kept.
    public func withMean(_ mean: Double) -> RouteModel {
        guard mean != meanServiceTime, mean > 0 else { return self }
        let k = mean / meanServiceTime
        var m = self
        m.meanServiceTime = mean
        m.p99ServiceTime = p99ServiceTime * k
        m.bins = bins.map { FitProfile.Bin(seconds: $0.seconds * k, count: $0.count) }
        return m
    }

    /// The model's utilization at `rate`: the requests' work and the timed batches'.
    public func utilization(at rate: Double) -> Double { utilization(at: rate, cost: meanServiceTime(at: rate)) }

    /// The utilization at `rate` with every request costing `cost` (a measured cost, not the
    /// model's: `withMean` cannot say it when a cost law decides the mean at each rate).
    public func utilization(at rate: Double, cost: Double) -> Double {
        (rate * cost + (batch.map { $0.work(at: rate) / $0.interval } ?? 0)) / Double(concurrency)
    }

    /// The route as a name that is safe in a file or folder name: `GET:/a/b?q=x` → `GET_a_b-q-x`.
    public var fileSafeName: String {
        route.replacingOccurrences(of: ":/", with: "_").map { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "." ? String($0) : $0 == "/" ? "_" : "-" }.joined()
    }

    /// The background batches as the station's timed job at `rate`, or nothing.
    func jobsYAML(rate: Double) -> String {
        guard let b = batch, b.work(at: rate) > 0 else { return "" }
        return "\n    # The service's timed batches (its /metrics): \(String(format: "%.1f", b.secondsPerRequest * 1e6)) µs per request, one batch every \(formatDuration(b.interval)).\n    jobs: [{every: \(seconds(b.interval)), work: \(seconds(b.work(at: rate)))}]"
    }

    /// One line on how the mean moves with load, for the scenario's header.
    var loadLaw: String {
        if let law = costLaw {
            return String(format: "Mean service time measured from the server's CPU at %d rates, %.1f–%.1f/s: %@ at %.1f/s, %@ at %.1f/s (a line in the rate); this file is the station at the rate below.",
                          law.points.count, law.minRate, law.maxRate, formatDuration((law.cost(at: law.minRate) * 1e6).rounded() / 1e6), law.minRate,
                          formatDuration((law.cost(at: law.maxRate) * 1e6).rounded() / 1e6), law.maxRate)
        }
        guard let r0 = fitRate, let d0 = fitMeanServiceTime else { return "The mean service time does not depend on the load in this fit." }
        return String(format: "Mean service time %@ at %.1f/s and %@ at saturation (%.1f/s), linear in between: this file is the station at %@.",
                      formatDuration((d0 * 1e6).rounded() / 1e6), r0, formatDuration((meanServiceTime(at: saturation) * 1e6).rounded() / 1e6),
                      saturation, "the rate below")
    }

    /// The bins as a histogram file (`seconds,count`), the simulator's empirical format.
    public var histogramCSV: String {
        "seconds,count\n" + bins.map { String(format: "%.7f,%.0f", $0.seconds, $0.count) }.joined(separator: "\n") + "\n"
    }

    var serviceTimeYAML: String {
        if shape == .empirical, let f = histogramFile { return "{distribution: empirical, file: \"\(f)\"}" }
        return "{distribution: lognormal, mean: \(seconds(meanServiceTime)), p99: \(seconds(p99ServiceTime))}"
    }

    func seconds(_ x: Double) -> String { String(format: "%.7fs", x) }

    /// The calibrated scenario for this route alone, fed open-loop (Poisson) at `rate`: the
    /// overhead as a pure delay (a station too wide to queue) in front of the fitted station.
    public func scenarioYAML(rate: Double, duration: Double) -> String {
        let overheadService = overhead > 0
            ? "{distribution: deterministic, value: \(seconds(overhead))}" : "{distribution: deterministic, value: 0s}"
        return """
        # Calibrated by capsim calibrate from measurements of route \(route):
        # saturation \(String(format: "%.1f", saturation)) req/s (model capacity \(String(format: "%.1f", capacity))); station: \(concurrency) slot\(concurrency == 1 ? "" : "s"), mean service \(formatDuration((meanServiceTime * 1e6).rounded() / 1e6)) (\(shape.rawValue)\(usedServerTiming ? ", the handler time from Server-Timing" : ", from the round trip")); overhead \(formatDuration((overhead * 1e6).rounded() / 1e6)).
        # \(loadLaw)
        capsim: 1
        name: calibrated-\(fileSafeName)
        services:
          overhead:
            # Loopback, HTTP parsing and the client: time that queues nowhere.
            capacity: {service_time: \(overheadService), concurrency: 100000}
            replicas: 1
            startup: 0s
            queue: {discipline: shared}
          core:
            capacity: {service_time: \(serviceTimeYAML), concurrency: \(concurrency)}
            replicas: 1
            startup: 0s
            queue: {discipline: shared}\(jobsYAML(rate: rate))
        traffic:
          entry: overhead
          peak: \(String(format: "%.3f", rate))/s
          hop_latency: 0s
          routes:
            route: {share: 100%, path: [overhead, core]}
        simulation:
          duration: \(String(format: "%.0f", duration))s
        """
    }
}

/// A cost per request the server measured at one rate: its CPU seconds over one run's
/// completed requests (or the handler time, when that is longer), less the timed batches'.
public struct CostPoint: Hashable, Sendable, Codable {
    public var rate: Double
    public var cost: Double
    /// Requests behind it: the fit's weight.
    public var weight: Double
    public init(rate: Double, cost: Double, weight: Double) { self.rate = rate; self.cost = cost; self.weight = weight }
}

/// How the cost per request changes with load, measured: a weighted least-squares line
/// cost = intercept + slope × rate through the runs the calibration made anyway (probes, held
/// runs, the fitting run), used inside the measured rates and held at its end values outside.
/// A request costs more at light load (a wake-up per request, colder caches) and less when
/// work arrives back to back; on the payments route batching makes it fall further.
public struct CostLaw: Hashable, Sendable, Codable {
    public var intercept: Double
    public var slope: Double
    public var minRate: Double
    public var maxRate: Double
    public var points: [CostPoint]

    /// Nil with fewer than two distinct rates.
    public static func fit(_ points: [CostPoint]) -> CostLaw? {
        let pts = points.filter { $0.cost > 0 && $0.cost.isFinite && $0.weight > 0 }
        let w = pts.reduce(0) { $0 + $1.weight }
        guard pts.count >= 2, w > 0, let lo = pts.map(\.rate).min(), let hi = pts.map(\.rate).max(), hi > lo else { return nil }
        let mx = pts.reduce(0) { $0 + $1.weight * $1.rate } / w
        let my = pts.reduce(0) { $0 + $1.weight * $1.cost } / w
        let sxx = pts.reduce(0) { $0 + $1.weight * ($1.rate - mx) * ($1.rate - mx) }
        let sxy = pts.reduce(0) { $0 + $1.weight * ($1.rate - mx) * ($1.cost - my) }
        let slope = sxx > 0 ? sxy / sxx : 0
        return CostLaw(intercept: my - slope * mx, slope: slope, minRate: lo, maxRate: hi, points: pts)
    }

    public func cost(at rate: Double) -> Double {
        intercept + slope * min(max(rate, minRate), maxRate)
    }
}
