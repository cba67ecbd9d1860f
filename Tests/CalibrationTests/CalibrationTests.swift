import CapsimModel
import Foundation
import Testing
@testable import Calibration
@testable import Simulation

/// The calibration round trip without a network: "measure" a known system — a constant 2 ms
/// overhead in front of an M/G/8 with lognormal service (mean 20 ms, p99 80 ms) — the way
/// `calibrate` measures a real one, fit the model, and check it predicts the known system's
/// latencies at 30/60/90 % of saturation within the targets (p50 10 %, p99 20 %).
@Suite("Calibration round trip")
struct CalibrationTests {
    static let truth = RouteModel(route: "truth", saturation: 400, concurrency: 8, meanServiceTime: 0.02, p99ServiceTime: 0.08, overhead: 0.002)

    func simulate(_ model: RouteModel, rate: Double, seed: UInt64 = 99) throws -> RouteSummary {
        let s = try ScenarioLoader.parse(model.scenarioYAML(rate: rate, duration: 600), file: "truth.yaml")
        var o = SimulationOptions(scenario: s)
        o.seed = seed; o.warmup = 30
        return try Simulator(scenario: s, options: o).run().routes[0]
    }

    func measure(rate: Double) throws -> LevelMeasurement {
        let x = try simulate(Self.truth, rate: rate)
        return LevelMeasurement(rate: rate, throughput: Double(x.completed) / 570, p50: x.latency!.p50, p90: x.latency!.p90, p95: x.latency!.p95, p99: x.latency!.p99)
    }

    @Test("a fitted model reproduces a known system's percentiles at 30/60/90 % of saturation")
    func roundTrip() throws {
        // At 10 % of saturation the round trip is overhead + service; the "server" reports the
        // service time itself, as Server-Timing does.
        let low = try simulate(Self.truth, rate: 40)
        let profile = FitProfile(rate: 40, roundTripMean: try #require(low.latency?.mean), roundTripP99: try #require(low.latency?.p99),
                                     handlerMean: 0.02, handlerP99: 0.08)
        let model = RouteModel.fit(route: "truth", saturation: 400, measured: profile, shape: .lognormal)
        #expect(model.concurrency == 8)
        #expect(abs(model.meanServiceTime - 0.02) < 1e-12)
        // The overhead is the round trip's mean minus the service mean: 2 ms, up to the sample
        // mean's noise (≈ 24k requests, σ of the mean ≈ 0.1 ms).
        #expect(abs(model.overhead - 0.002) < 0.0005, "overhead \(model.overhead)")
        let levels = try [0.3, 0.6, 0.9].map { f in (fraction: f, measured: try measure(rate: 400 * f)) }
        let cmp = try Calibrator.compare(model, levels: levels, duration: 600, replications: 3, seed: 7)
        for c in cmp {
            #expect(c.withinTargets, "level \(c.level): p50 error \(c.p50Error), p99 error \(c.p99Error)")
            #expect(abs(c.throughputError) < 0.03)
            #expect(c.simulated.p99HalfWidth != nil)
        }
    }

    @Test("with Server-Timing: the handler's shape, the CPU cost per request as the mean, the light-load rest as overhead")
    func fitWithServerTiming() {
        let bins = [FitProfile.Bin(seconds: 0.008, count: 90), FitProfile.Bin(seconds: 0.018, count: 10)]
        let profile = FitProfile(rate: 60, roundTripMean: 0.0142, roundTripP99: 0.04, queueMean: 0.004, handlerMean: 0.009,
                                     handlerP99: 0.018, handlerBins: bins, cpuPerRequest: 0.0099, measuredOverhead: 0.0011)
        let m = RouteModel.fit(route: "r", saturation: 125, measured: profile, shape: .empirical)
        #expect(m.concurrency == 1)                                  // 125/s × 9.9 ms = 1.24 → 1
        #expect(abs(m.meanServiceTime - 0.0099) < 1e-12)             // CPU per request > handler time
        #expect(abs(m.capacity - 1 / 0.0099) < 1e-9)
        #expect(abs(m.overhead - 0.0002) < 1e-12)                    // 1.1 ms measured, less the 0.9 ms now in the station
        #expect(m.usedServerTiming && m.shape == .empirical)
        // The handler's shape is kept, scaled by 9.9/9 so its mean becomes the CPU cost.
        #expect(m.bins.map(\.count) == [90, 10])
        #expect(abs(m.bins[0].seconds - 0.008 * 1.1) < 1e-12 && abs(m.bins[1].seconds - 0.018 * 1.1) < 1e-12)
        #expect(abs(m.p99ServiceTime - 0.018 * 1.1) < 1e-12)
    }

    /// Measured on a one-core server: 8.68 ms per request at 61/s, saturation 122.2/s (8.18 ms).
    /// In between, and below, the mean moves along that line; the shape follows it.
    @Test("the mean service time is linear in the rate between the fitting run and saturation")
    func loadDependentMean() throws {
        let bins = [FitProfile.Bin(seconds: 0.008, count: 90), FitProfile.Bin(seconds: 0.0128, count: 10)]   // mean 8.48 ms
        let profile = FitProfile(rate: 61, roundTripMean: 0.014, roundTripP99: 0.03, queueMean: 0.0049, handlerMean: 0.00848,
                                     handlerP99: 0.0128, handlerBins: bins, cpuPerRequest: 0.00868, measuredOverhead: 0.0007)
        let m = RouteModel.fit(route: "r", saturation: 122.2, measured: profile, shape: .empirical)
        #expect(m.fitRate == 61 && m.fitMeanServiceTime == 0.00868)
        #expect(abs(m.meanServiceTime(at: 61) - 0.00868) < 1e-12)
        #expect(abs(m.meanServiceTime(at: 122.2) - 1 / 122.2) < 1e-12)
        let mid = (61 + 122.2) / 2
        #expect(abs(m.meanServiceTime(at: mid) - (0.00868 + 1 / 122.2) / 2) < 1e-12)
        #expect(m.meanServiceTime(at: 30) > 0.00868)                  // slower at light load
        #expect(abs(m.utilization(at: 122.2) - 1) < 1e-12)             // saturates where measured
        let at110 = m.at(rate: 110)
        let k = at110.meanServiceTime / m.meanServiceTime
        #expect(abs(at110.bins[1].seconds - m.bins[1].seconds * k) < 1e-15)
        #expect(abs(at110.p99ServiceTime - m.p99ServiceTime * k) < 1e-15)
        // The written station is the one at the scenario's rate, and it loads.
        let s = try ScenarioLoader.parse(at110.scenarioYAML(rate: 110, duration: 60), file: "c.yaml")
        #expect(s.services["core"] != nil)
    }

    /// Payments on capsim serve: the rewards worker's batches cost 49.6 µs per payment, one batch
    /// every 200 ms. They become the station's timed job (rate × 49.6 µs × 200 ms), and leave
    /// the request's own cost — the CPU, the handler's tail that waited for them, and the
    /// saturation point's share.
    @Test("timed batches become a job; their cost leaves the request's")
    func batchesBecomeAJob() throws {
        // 95 handler times of 0.2 ms and 5 that waited for a batch (10 ms).
        let bins = [FitProfile.Bin(seconds: 0.0002, count: 95), FitProfile.Bin(seconds: 0.01, count: 5)]
        let batch = BackgroundBatch(interval: 0.2, secondsPerRequest: 0.0000496)
        let profile = FitProfile(rate: 1_000, roundTripMean: 0.002, roundTripP99: 0.02, queueMean: 0.001, handlerMean: 0.00069,
                                     handlerP99: 0.01, handlerBins: bins, cpuPerRequest: 0.00026, measuredOverhead: 0.0002, batch: batch)
        let m = RouteModel.fit(route: "POST:/payments", saturation: 3_000, measured: profile, shape: .empirical)
        // The batches run 1000/s × 49.6 µs = 4.96 % of the time: the top 4.96 % of handler
        // times (all but 0.04 of the 10 ms bin) leave; the request costs its CPU less the batch's.
        #expect(abs(m.meanServiceTime - (0.00026 - 0.0000496)) < 1e-12)
        #expect(m.batch == batch)
        #expect(abs(batch.work(at: 2_000) - 0.01984) < 1e-12)
        #expect(batch.work(at: 1e9) == 0.2 * 0.95)                    // never the whole period
        #expect(abs(m.meanServiceTime(at: 3_000) - (1 / 3_000.0 - 0.0000496)) < 1e-12)
        #expect(abs(m.utilization(at: 2_000) - (2_000 * m.meanServiceTime(at: 2_000) + 0.0992)) < 1e-12)
        let s = try ScenarioLoader.parse(m.scenarioYAML(rate: 2_000, duration: 60), file: "c.yaml")
        #expect(s.services["core"]?.jobs == [PeriodicJob(every: 0.2, work: 0.01984)])
        let trimmed = FitProfile.trimTop(bins, share: 0.0496)
        #expect(trimmed.count == 2 && abs(trimmed[1].count - 0.04) < 1e-9)
    }

    @Test("a route waiting on I/O holds its slot for the handler's wall time, not its small CPU cost")
    func fitIOBound() {
        let profile = FitProfile(rate: 100, roundTripMean: 0.0042, roundTripP99: 0.01, queueMean: 0.0002, handlerMean: 0.003,
                                     handlerP99: 0.006, cpuPerRequest: 0.0002)
        let m = RouteModel.fit(route: "r", saturation: 330, measured: profile, shape: .lognormal)
        #expect(abs(m.meanServiceTime - 0.003) < 1e-12)
        #expect(m.concurrency == 1)                                  // 330/s × 3 ms ≈ 0.99 → 1: one writer
        // No light-load probe: the overhead is the fitting run's round trip minus wait and handler.
        #expect(abs(m.overhead - 0.001) < 1e-12)
    }

    @Test("without Server-Timing the round trip is the service time: no overhead, more slots")
    func fitWithoutServerTiming() {
        let profile = FitProfile(rate: 100, roundTripMean: 0.0002, roundTripP99: 0.0004)
        let m = RouteModel.fit(route: "r", saturation: 39_000, measured: profile, shape: .empirical)
        #expect(!m.usedServerTiming)
        #expect(m.concurrency == 8)                                  // 39k/s × 0.2 ms = 7.8 → 8
        #expect(abs(m.meanServiceTime - 8 / 39_000.0) < 1e-15)
        #expect(m.overhead == 0)                                     // the round trip is all service
        #expect(m.shape == .lognormal)                               // no bins: the lognormal stands in
    }

    @Test("a lognormal's p99 is clamped into what a lognormal with that mean can have")
    func lognormalClamp() {
        let wide = RouteModel.fit(route: "r", saturation: 10, measured: FitProfile(rate: 1, roundTripMean: 0.1, roundTripP99: 5), shape: .lognormal)
        #expect(abs(wide.p99ServiceTime - wide.meanServiceTime * 14.5) < 1e-12)
        let narrow = RouteModel.fit(route: "r", saturation: 10, measured: FitProfile(rate: 1, roundTripMean: 0.1, roundTripP99: 0.05), shape: .lognormal)
        #expect(abs(narrow.p99ServiceTime - narrow.meanServiceTime * 1.01) < 1e-12)
    }

    @Test("the written scenario loads, with the overhead as a wide constant station in front")
    func scenarioLoads() throws {
        let s = try ScenarioLoader.parse(Self.truth.scenarioYAML(rate: 100, duration: 60), file: "c.yaml")
        #expect(s.services.keys.sorted() == ["core", "overhead"])
        var m = Self.truth
        m.route = "GET:/marketplace/products?q=coffee&page=2"
        #expect(m.fileSafeName == "GET_marketplace_products-q-coffee-page-2")
        #expect(try ScenarioLoader.parse(m.scenarioYAML(rate: 1, duration: 60), file: "c.yaml").name == "calibrated-GET_marketplace_products-q-coffee-page-2")
    }
}

@Suite("Batch-means percentile intervals")
struct BatchMeansTests {
    @Test("the nearest-rank percentile matches HdrHistogram's convention")
    func nearestRank() {
        let v = (1...100).map(Double.init)
        #expect(BatchMeans.quantile(v, 50) == 50)
        #expect(BatchMeans.quantile(v, 99) == 99)
        #expect(BatchMeans.quantile(v, 100) == 100)
        #expect(BatchMeans.quantile([3, 1, 2], 50) == 2)
    }

    /// For independent exponential samples (mean 1), the p99 is ln 100 ≈ 4.605. A 95 %
    /// interval should cover it in about 95 % of runs; with 10 slices of 500 samples the
    /// slice p99s are nearly normal, so over 400 runs coverage below 88 % (binomial σ ≈ 1.1 %,
    /// 6σ) would mean the interval is too narrow, and above 99.5 % that it is far too wide.
    @Test("a 95 % interval for p99 covers the true value about 95 % of the time")
    func coverage() {
        var rng = RandomStream(seed: 5, name: "test/batch-means")
        var covered = 0
        for _ in 0..<400 {
            let samples = (0..<5_000).map { i in (time: Double(i), latency: -log(rng.uniformPositive())) }
            let (estimate, half) = BatchMeans.percentile(samples, 99)!
            if abs(estimate - log(100)) <= half { covered += 1 }
        }
        #expect(covered >= 352 && covered <= 398, "covered \(covered) of 400")
    }

    @Test("too few samples for the slices: no interval")
    func tooFew() {
        #expect(BatchMeans.percentile([(0, 1), (1, 2)], 99) == nil)
    }
}
