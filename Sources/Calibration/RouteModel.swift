import CapsimModel
import Foundation

/// What one low-load measurement says about a route: the client's round trip and, when the
/// service sends `Server-Timing`, the time the request held a worker (its handler time).
public struct LowLoadProfile: Hashable, Sendable, Codable {
    /// Offered rate of the low-load run, requests per second.
    public var rate: Double
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

    public init(rate: Double, roundTripMean: Double, roundTripP99: Double, roundTripBins: [Bin]? = nil,
                handlerMean: Double? = nil, handlerP99: Double? = nil, handlerBins: [Bin]? = nil) {
        self.rate = rate
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
/// Why this split. The station must saturate where the real service does, so its mean service
/// time is the bottleneck's occupancy per request, `concurrency ÷ saturation` — that includes
/// server work outside the handler (accepting, parsing, writing the response), which the handler
/// time misses. The concurrency is what Little's law says was busy at saturation,
/// `saturation × handler mean`, rounded (at least 1): with one core and one worker it is 1, with
/// four workers on one core still 1 (they share the core), with two cores 2. The distribution's
/// shape is the measured handler time's, scaled to that mean; the rest of the low-load round
/// trip is the overhead. Without `Server-Timing` the round trip stands in for the handler time,
/// so the overhead is folded into the station (and the concurrency comes out too high).
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
    public var bins: [LowLoadProfile.Bin]
    /// True when the service sent `Server-Timing` and the fit used it.
    public var usedServerTiming: Bool
    /// Where the scenario will find the bins (written by the caller), for `.empirical`.
    public var histogramFile: String?

    public init(route: String, saturation: Double, concurrency: Int, meanServiceTime: Double, p99ServiceTime: Double,
                overhead: Double = 0, shape: Shape = .lognormal, bins: [LowLoadProfile.Bin] = [], usedServerTiming: Bool = false) {
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

    /// Fits the model from the saturation throughput and a low-load profile (see the type).
    public static func fit(route: String, saturation: Double, lowLoad: LowLoadProfile, shape: Shape) -> RouteModel {
        let serverTiming = lowLoad.handlerMean.map { $0 > 0 } ?? false
        let holdMean = serverTiming ? lowLoad.handlerMean! : lowLoad.roundTripMean
        let holdP99 = serverTiming ? (lowLoad.handlerP99 ?? holdMean) : lowLoad.roundTripP99
        let c = max(1, Int((saturation * holdMean).rounded()))
        let mean = Double(c) / saturation
        let scale = mean / holdMean
        // A lognormal needs p99 > mean and p99/mean ≤ e^{z²/2} ≈ 14.9; clamp into that range.
        let p99 = min(max(holdP99 * scale, mean * 1.01), mean * 14.5)
        let raw = (serverTiming ? lowLoad.handlerBins : lowLoad.roundTripBins) ?? []
        let bins = raw.map { LowLoadProfile.Bin(seconds: $0.seconds * scale, count: $0.count) }
        return RouteModel(route: route, saturation: saturation, concurrency: c, meanServiceTime: mean, p99ServiceTime: p99,
                          overhead: max(0, lowLoad.roundTripMean - mean), shape: bins.isEmpty ? .lognormal : shape, bins: bins,
                          usedServerTiming: serverTiming)
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
        # saturation \(String(format: "%.1f", saturation)) req/s; station: \(concurrency) slot\(concurrency == 1 ? "" : "s"), mean service \(formatDuration((meanServiceTime * 1e6).rounded() / 1e6)) (\(shape.rawValue)\(usedServerTiming ? ", shape from Server-Timing" : ", shape from the round trip")); overhead \(formatDuration((overhead * 1e6).rounded() / 1e6)).
        capsim: 1
        name: calibrated-\(route.replacingOccurrences(of: "/", with: "_"))
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
            queue: {discipline: shared}
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
