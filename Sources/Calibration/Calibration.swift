import CapsimModel
import Foundation
import Simulation

/// One load level measured against a real route: what was offered and what came back.
public struct LevelMeasurement: Hashable, Sendable, Codable {
    /// Offered rate, requests per second.
    public let rate: Double
    /// Completed requests per second.
    public let throughput: Double
    /// Latency percentiles in seconds, measured from intended send times.
    public let p50: Double
    public let p95: Double
    public let p99: Double
    public init(rate: Double, throughput: Double, p50: Double, p95: Double, p99: Double) {
        self.rate = rate; self.throughput = throughput; self.p50 = p50; self.p95 = p95; self.p99 = p99
    }
}

/// A route's fitted model: the service-time distribution (lognormal from the low-load mean
/// and p99, where queueing is negligible) and the effective concurrency (saturation
/// throughput × mean service time, Little's law at saturation).
public struct RouteModel: Hashable, Sendable, Codable {
    public let route: String
    public let saturation: Double
    public let meanServiceTime: Double
    public let p99ServiceTime: Double
    public let concurrency: Int
    /// A measured service-time histogram (`seconds,count` CSV, absolute path) to use instead of
    /// the lognormal: it keeps the real shape — a fast median with a long tail — that two
    /// numbers cannot.
    public var histogramFile: String? = nil

    /// Fits from the saturation throughput and a low-load measurement (mean and p99 there).
    public static func fit(route: String, saturation: Double, lowLoadMean: Double, lowLoadP99: Double) -> RouteModel {
        // A lognormal needs p99 > mean and p99/mean ≤ e^{z²/2} ≈ 14.9; clamp into that range.
        let p99 = min(max(lowLoadP99, lowLoadMean * 1.01), lowLoadMean * 14.5)
        let c = max(1, Int((saturation * lowLoadMean).rounded()))
        return RouteModel(route: route, saturation: saturation, meanServiceTime: lowLoadMean, p99ServiceTime: p99, concurrency: c)
    }

    var serviceTimeYAML: String {
        if let f = histogramFile { return "{distribution: empirical, file: \"\(f)\"}" }
        return "{distribution: lognormal, mean: \(String(format: "%.6f", meanServiceTime))s, p99: \(String(format: "%.6f", p99ServiceTime))s}"
    }

    /// A histogram file's text from (seconds, count) pairs.
    public static func histogramCSV(_ bins: [(seconds: Double, count: Double)]) -> String {
        "seconds,count\n" + bins.map { String(format: "%.7f,%.0f", $0.seconds, $0.count) }.joined(separator: "\n") + "\n"
    }

    /// The calibrated scenario for this route alone: one station with the fitted service time
    /// and concurrency behind one shared queue, fed open-loop at `rate`.
    public func scenarioYAML(rate: Double, duration: Double) -> String {
        """
        # Calibrated by capsim calibrate from measurements of route \(route):
        # saturation \(String(format: "%.1f", saturation)) req/s, low-load mean \(formatDuration(meanServiceTime)), p99 \(formatDuration(p99ServiceTime)).
        capsim: 1
        name: calibrated-\(route.replacingOccurrences(of: "/", with: "_"))
        services:
          core:
            capacity: {service_time: \(serviceTimeYAML), concurrency: \(concurrency)}
            replicas: 1
            startup: 0s
            queue: {discipline: shared}
        traffic:
          entry: core
          peak: \(String(format: "%.3f", rate))/s
          hop_latency: 0s
          routes:
            route: {share: 100%, path: [core]}
        simulation:
          duration: \(String(format: "%.0f", duration))s
        """
    }
}

/// Measured against simulated, per level, with relative errors.
public struct Comparison: Hashable, Sendable, Codable {
    public let level: Double
    public let measured: LevelMeasurement
    public let simulated: LevelMeasurement
    public var p50Error: Double { rel(simulated.p50, measured.p50) }
    public var p95Error: Double { rel(simulated.p95, measured.p95) }
    public var p99Error: Double { rel(simulated.p99, measured.p99) }
    public var throughputError: Double { rel(simulated.throughput, measured.throughput) }
    /// The issue's targets: p50 within 10 %, p99 within 20 %.
    public var withinTargets: Bool { abs(p50Error) <= 0.10 && abs(p99Error) <= 0.20 }
    func rel(_ a: Double, _ b: Double) -> Double { b > 0 ? (a - b) / b : 0 }
}

public enum Calibrator {
    /// Simulates the fitted model at each measured level (same offered rate, same seed stream)
    /// and pairs the results with the measurements.
    public static func compare(_ model: RouteModel, levels: [(fraction: Double, measured: LevelMeasurement)], duration: Double, seed: UInt64 = 1) throws -> [Comparison] {
        try levels.map { level in
            let s = try ScenarioLoader.parse(model.scenarioYAML(rate: level.measured.rate, duration: duration), file: "calibrated.yaml")
            var o = SimulationOptions(scenario: s)
            o.seed = seed
            o.warmup = min(duration / 10, 30)
            let r = try Simulator(scenario: s, options: o).run()
            let route = r.routes[0]
            let sim = LevelMeasurement(rate: level.measured.rate, throughput: Double(route.completed) / (duration - o.warmup),
                                       p50: route.latency?.p50 ?? 0, p95: route.latency?.p95 ?? 0, p99: route.latency?.p99 ?? 0)
            return Comparison(level: level.fraction, measured: level.measured, simulated: sim)
        }
    }
}
