import CapsimModel
import Foundation
import Simulation

/// One load level, measured or simulated: what was offered and what came back.
public struct LevelMeasurement: Hashable, Sendable, Codable {
    /// Offered rate, requests per second.
    public var rate: Double
    /// Successful responses per second.
    public var throughput: Double
    /// Latency percentiles in seconds (measured: from intended send times).
    public var p50: Double
    public var p90: Double
    public var p95: Double
    public var p99: Double
    /// Half-widths of 95 % confidence intervals (seconds; throughput in requests per second),
    /// when known: batch means over the run for a measurement, the spread of replications for a
    /// simulation.
    public var p50HalfWidth: Double?
    public var p90HalfWidth: Double?
    public var p99HalfWidth: Double?
    public var throughputHalfWidth: Double?

    public init(rate: Double, throughput: Double, p50: Double, p90: Double, p95: Double, p99: Double,
                p50HalfWidth: Double? = nil, p90HalfWidth: Double? = nil, p99HalfWidth: Double? = nil, throughputHalfWidth: Double? = nil) {
        self.rate = rate; self.throughput = throughput; self.p50 = p50; self.p90 = p90; self.p95 = p95; self.p99 = p99
        self.p50HalfWidth = p50HalfWidth; self.p90HalfWidth = p90HalfWidth; self.p99HalfWidth = p99HalfWidth
        self.throughputHalfWidth = throughputHalfWidth
    }
}

/// Measured against simulated at one level, with relative errors.
public struct Comparison: Hashable, Sendable, Codable {
    public let level: Double
    public let measured: LevelMeasurement
    public let simulated: LevelMeasurement
    public init(level: Double, measured: LevelMeasurement, simulated: LevelMeasurement) {
        self.level = level; self.measured = measured; self.simulated = simulated
    }
    public var p50Error: Double { rel(simulated.p50, measured.p50) }
    public var p90Error: Double { rel(simulated.p90, measured.p90) }
    public var p95Error: Double { rel(simulated.p95, measured.p95) }
    public var p99Error: Double { rel(simulated.p99, measured.p99) }
    public var throughputError: Double { rel(simulated.throughput, measured.throughput) }
    /// The targets: p50 within 10 %, p99 within 20 %.
    public var withinTargets: Bool { abs(p50Error) <= 0.10 && abs(p99Error) <= 0.20 }
    /// The measured p99's own 95 % interval as a fraction of it: a p99 error smaller than this
    /// is not distinguishable from the measurement's noise.
    public var measuredP99Noise: Double? { measured.p99HalfWidth.map { measured.p99 > 0 ? $0 / measured.p99 : 0 } }
    func rel(_ a: Double, _ b: Double) -> Double { b > 0 ? (a - b) / b : 0 }
}

public enum Calibrator {
    /// Simulates the fitted model at each measured level — the station as it is at that load
    /// (`RouteModel.at(rate:)`), the same offered rate, Poisson
    /// arrivals, `replications` independent seeds — and pairs the mean of the replications with
    /// the measurement. Each replication runs `duration` seconds after a warm-up of a tenth.
    ///
    /// `means`, when given, replaces the model's mean service time at each level (one per
    /// level): with the cost per request the server really had at that level, the comparison
    /// tests the queueing alone, apart from how well the fit predicted the capacity.
    public static func compare(_ model: RouteModel, levels: [(fraction: Double, measured: LevelMeasurement)], duration: Double,
                               replications: Int = 5, seed: UInt64 = 1, means: [Double]? = nil) throws -> [Comparison] {
        try levels.enumerated().map { i, level in
            var station = means.map { model.withMean($0[i]) } ?? model.at(rate: level.measured.rate)
            var scratch: URL?
            if station.shape == .empirical && !station.bins.isEmpty {
                // The histogram at this level's mean, in a file of its own for the loader.
                let url = FileManager.default.temporaryDirectory
                    .appendingPathComponent("capsim-calibrate-\(ProcessInfo.processInfo.processIdentifier)-\(Int(level.fraction * 1000)).csv")
                try station.histogramCSV.write(to: url, atomically: true, encoding: .utf8)
                station.histogramFile = url.path
                scratch = url
            }
            defer { if let scratch { try? FileManager.default.removeItem(at: scratch) } }
            let s = try ScenarioLoader.parse(station.scenarioYAML(rate: level.measured.rate, duration: duration), file: "calibrated.yaml")
            var p50: [Double] = [], p90: [Double] = [], p95: [Double] = [], p99: [Double] = [], throughput: [Double] = []
            for k in 0..<max(1, replications) {
                var o = SimulationOptions(scenario: s)
                o.seed = seed &+ UInt64(k)
                o.warmup = min(duration / 10, 30)
                let r = try Simulator(scenario: s, options: o).run()
                let route = r.routes[0]
                guard let latency = route.latency else { throw CalibrationFailure.measurement("the model completed no request at \(Percent(fraction: level.fraction))") }
                p50.append(latency.p50); p90.append(latency.p90); p95.append(latency.p95); p99.append(latency.p99)
                throughput.append(Double(route.completed) / (duration - o.warmup))
            }
            let sim = LevelMeasurement(rate: level.measured.rate, throughput: mean(throughput), p50: mean(p50), p90: mean(p90), p95: mean(p95), p99: mean(p99),
                                       p50HalfWidth: halfWidth(p50), p90HalfWidth: halfWidth(p90), p99HalfWidth: halfWidth(p99),
                                       throughputHalfWidth: halfWidth(throughput))
            return Comparison(level: level.fraction, measured: level.measured, simulated: sim)
        }
    }

    static func mean(_ x: [Double]) -> Double { x.reduce(0, +) / Double(max(1, x.count)) }

    /// 95 % t-interval half-width of the mean of `x` (nil for fewer than two values).
    static func halfWidth(_ x: [Double]) -> Double? {
        guard x.count >= 2 else { return nil }
        let m = mean(x)
        let variance = x.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(x.count - 1)
        return StudentT.quantile975(degreesOfFreedom: x.count - 1) * (variance / Double(x.count)).squareRoot()
    }
}

/// Confidence intervals for percentiles of an autocorrelated series (latencies of a queue are:
/// one slow request delays the next ones) by batch means: cut the run into `batches` equal
/// time slices, take the percentile in each, and use the slices' spread. Slices much longer
/// than the queue's busy periods are nearly independent, which the samples themselves are not.
public enum BatchMeans {
    /// (estimate, 95 % half-width) of the `percentile` (0…100) of `latency` over time-ordered
    /// samples `(time, latency)`; the estimate is the percentile of all samples. Nil when a
    /// slice has no samples.
    public static func percentile(_ samples: [(time: Double, latency: Double)], _ percentile: Double, batches: Int = 10) -> (estimate: Double, halfWidth: Double)? {
        guard batches >= 2, samples.count >= batches,
              let first = samples.map(\.time).min(), let last = samples.map(\.time).max(), last > first else { return nil }
        let width = (last - first) / Double(batches)
        var slices = Array(repeating: [Double](), count: batches)
        for s in samples { slices[min(batches - 1, Int((s.time - first) / width))].append(s.latency) }
        guard slices.allSatisfy({ !$0.isEmpty }) else { return nil }
        let per = slices.map { quantile($0, percentile) }
        let all = quantile(samples.map(\.latency), percentile)
        return (all, Calibrator.halfWidth(per) ?? 0)
    }

    /// The nearest-rank percentile (as HdrHistogram reports it).
    static func quantile(_ values: [Double], _ percentile: Double) -> Double {
        let sorted = values.sorted()
        let rank = Int((percentile / 100 * Double(sorted.count)).rounded(.up))
        return sorted[min(sorted.count - 1, max(0, rank - 1))]
    }
}
