import CapsimModel
import Foundation
import LoadGen

/// What `capsim calibrate` measures, as values: the route and how hard and long to push it.
public struct CalibrationSettings: Sendable {
    public var url: URL
    /// `METHOD:/path`.
    public var routeKey: String
    public var mix: [MixEntry]
    public var headers: [(name: String, value: String)] = []
    public var connections = 64
    /// The predicted levels and the fitting run's level, as fractions of saturation.
    public var fractions: [Double]
    public var fitFraction = 0.4
    /// The saturation search stops when its bracket is this narrow (relative width).
    public var precision = 0.05
    /// Seconds per level (and for the fitting run), and per step of the saturation search.
    public var levelSeconds: Double
    public var probeSeconds: Double
    public var fit: RouteModel.Shape = .empirical
    public var replications = 5
    public var seed: UInt64 = 1

    public init(url: URL, routeKey: String, mix: [MixEntry], fractions: [Double], levelSeconds: Double, probeSeconds: Double) {
        self.url = url; self.routeKey = routeKey; self.mix = mix; self.fractions = fractions
        self.levelSeconds = levelSeconds; self.probeSeconds = probeSeconds
    }
}

/// Why a calibration stopped: a setting that makes no load plan (the user's to fix), or a
/// measurement that could not be made (the service's or the machine's).
public enum CalibrationFailure: Error, CustomStringConvertible, Sendable {
    case usage(String)
    case measurement(String)
    public var description: String {
        switch self { case .usage(let m), .measurement(let m): return m }
    }
}

/// What a calibration found: the fitted model, the model as written at the top level's rate,
/// and each level measured against simulated — with the model's own cost, and (when the server
/// reported it) with the cost it measured at each level.
public struct CalibrationOutcome: Sendable {
    public let model: RouteModel
    public let written: RouteModel
    public let topRate: Double
    public let comparisons: [Comparison]
    public let givenMeasuredCost: [Comparison]
    /// Per level, the server's CPU seconds per second (nil without its /metrics).
    public let utilization: [Double?]
    /// Per level, the cost per request the server measured (empty unless every level had one).
    public let costs: [Double]
    /// How saturation was found: the bracket, every run and the estimate.
    public let saturation: SaturationFinding
    /// What the server's CPU says it can serve: the cores busy when overloaded ÷ the CPU per
    /// request at the fitting run; nil without its /metrics.
    public let cpuSaturation: Double?

    /// The accuracy table over the levels, with the model's own cost.
    public var accuracy: AccuracyTable { AccuracyTable(comparisons) }
}

/// The measuring half of `capsim calibrate`, against a live service: find saturation, make the
/// fitting run, measure each level, and compare with the fitted model simulated. `progress`
/// hears one line per measurement (the command writes them to stderr).
public enum CalibrationProcedure {
    public static func run(_ settings: CalibrationSettings, progress: (String) -> Void) throws(CalibrationFailure) -> CalibrationOutcome {
        do { return try measureAndCompare(settings, progress: progress) } catch let f as CalibrationFailure { throw f } catch {
            throw CalibrationFailure.measurement("\(error)")
        }
    }

    static func measureAndCompare(_ settings: CalibrationSettings, progress: (String) -> Void) throws -> CalibrationOutcome {
        let url = settings.url, routeKey = settings.routeKey, mix = settings.mix, headers = settings.headers, connections = settings.connections
        let fractions = settings.fractions, fitFraction = settings.fitFraction, d = settings.levelSeconds, probeSeconds = settings.probeSeconds
        let fit = settings.fit, replications = settings.replications, seed = settings.seed
        var arrivalSeed = seed
        func measure(_ rate: Double, seconds: Double, samples: Bool = false) throws -> LoadResult {
            var plan = LoadPlan(target: url, rate: rate, duration: seconds, mix: mix, connections: connections, seed: arrivalSeed, recordSamples: samples)
            plan.arrivals = .poisson
            plan.headers = headers
            arrivalSeed &+= 1
            let problems = plan.problems()
            if !problems.isEmpty { throw CalibrationFailure.usage(problems.joined(separator: "; ")) }
            do { return try runLoadBlocking(plan) } catch let e as LoadError { throw CalibrationFailure.measurement(e.description) }
        }
        /// A run with the server's CPU seconds read before and after, when it exposes them:
        /// (CPU seconds per completed request, CPU seconds per wall second).
        func measureCPU(_ rate: Double, seconds: Double, samples: Bool = false) throws -> (LoadResult, perRequest: Double?, utilization: Double?, batch: BackgroundBatch?) {
            let before = MetricsProbe.fetch(url), t0 = Date()
            let r = try measure(rate, seconds: seconds, samples: samples)
            let after = MetricsProbe.fetch(url), wall = Date().timeIntervalSince(t0)
            func delta(_ name: String) -> Double? {
                guard let b = before.flatMap({ MetricsProbe.value(name, in: $0) }), let a = after.flatMap({ MetricsProbe.value(name, in: $0) }), a >= b else { return nil }
                return a - b
            }
            // Timed batches (capsim serve's rewards worker): their seconds over this run's requests.
            var batch: BackgroundBatch?
            if let interval = after.flatMap({ MetricsProbe.value("rewards_interval_seconds", in: $0) }), interval > 0,
               let busy = delta("rewards_batch_seconds_total"), busy > 0, r.completed > 0 {
                batch = BackgroundBatch(interval: interval, secondsPerRequest: busy / Double(r.completed))
            }
            guard let cpu = delta("process_cpu_seconds_total"), r.completed > 0 else { return (r, nil, nil, batch) }
            return (r, cpu / Double(r.completed), cpu / wall, batch)
        }
        func goodput(_ r: LoadResult) -> Double {
            Double(r.statuses.filter { (Int($0.key) ?? 500) < 400 }.values.reduce(0, +)) / r.elapsed
        }
        /// What one run cost the server per request: its CPU (or the handler time, when longer),
        /// less the timed batches'.
        func cost(_ r: LoadResult, _ perRequest: Double?, _ batch: BackgroundBatch?) -> Double? {
            let handler = r.serverTime.map { $0.app.mean / 1000 }
            guard let c = perRequest.map({ max(0, $0 - (batch?.secondsPerRequest ?? 0)) }) ?? handler else { return nil }
            return max(c, handler ?? 0)
        }
        var costPoints: [CostPoint] = []

        // 1. Saturation: found, not assumed (SaturationSearch): doubling probes, the failing
        //    rate held, then bisection with held runs; judged over each run's steady window.
        var sawServerTiming = false, firstProbe: LoadResult?
        let holdSeconds = max(probeSeconds, d / 2)
        let finding = try SaturationSearch.find(probeSeconds: probeSeconds, holdSeconds: holdSeconds, precision: settings.precision) { rate, seconds, kind in
            let (r, perRequest, u, batch) = try measureCPU(rate, seconds: seconds, samples: true)
            if r.serverTime != nil { sawServerTiming = true }
            if firstProbe == nil { firstProbe = r }
            guard let w = SteadyWindow(r) else { throw CalibrationFailure.measurement("the load run kept no samples") }
            let errorsOK = r.errorCount <= r.sent / 100
            let step = SearchStep(kind: kind, offered: rate, scheduled: r.requestedRate, served: w.served, keptUp: w.keptUp && errorsOK && (kind == .held || r.latency.p99 <= 1000),
                                  p99: r.latency.p99 / 1000, errors: r.errorCount, cpuPerRequest: perRequest, cpuUtilization: u)
            if let c = cost(r, perRequest, batch), r.completed > 0 {
                costPoints.append(CostPoint(rate: step.keptUp ? r.requestedRate : w.served, cost: c, weight: Double(r.completed)))
            }
            progress(String(format: "%@ %.1f/s (scheduled %.1f/s) for %.0f s → served %.1f/s of %d arrivals%@, p99 %.1f ms, %d errors: %@", kind == .probe ? "probe" : "held", rate, r.requestedRate, seconds,
                            w.served, w.arrivals, perRequest.map { String(format: ", server CPU %.2f ms/request", $0 * 1000) } ?? "",
                            r.latency.p99, r.errorCount, step.keptUp ? "kept up" : "did not keep up"))
            return step
        }
        let saturation = finding.saturation
        guard saturation > 0, finding.steps.contains(where: { $0.served > 0 }) else {
            throw CalibrationFailure.measurement("\(routeKey) on \(url) completed no request successfully; check the route, body and headers")
        }
        progress(String(format: "saturation %.1f/s: kept up at %.1f/s, not at %.1f/s (bracket %.1f %%, target %.0f %%); the overloaded held runs served %.1f/s",
                        saturation, finding.low, finding.high, finding.width * 100, settings.precision * 100, finding.saturation))

        // 2. The fitting run. With Server-Timing (seen in the probes) at --fit-level, where the
        //    handler works as it will at the predicted loads; without it at 10 %, where the round
        //    trip is nearly all service time.
        let fitRate = max(2, (sawServerTiming ? fitFraction : 0.1) * saturation)
        let (fitRun, cpuPerRequest, _, batch) = try measureCPU(fitRate, seconds: d)
        if let c = cost(fitRun, cpuPerRequest, batch) { costPoints.append(CostPoint(rate: fitRun.requestedRate, cost: c, weight: Double(fitRun.completed))) }
        progress(String(format: "fitting run %.1f/s: round trip mean %.3f ms%@%@", fitRate, fitRun.serviceTime.mean,
                        fitRun.serverTime.map { String(format: ", waiting %.3f ms, handler %.3f ms (Server-Timing)", $0.queue.mean, $0.app.mean) } ?? ", no Server-Timing",
                        cpuPerRequest.map { String(format: ", server CPU %.3f ms per request", $0 * 1000) } ?? ""))
        // The overhead — the round trip outside the server's wait and handler — by medians (a
        // few slow wake-ups move a mean by tens of per cent). Both places to measure it
        // overstate it, for known reasons: the lightest probe by cold wake-ups on both sides
        // (payments: ≈0.4 ms at 25/s against ≈0.2 ms at 1,000/s), the fitting run by waiting
        // the server cannot see (its one core busy before the request is even read: ≈1 ms for
        // search at 50 %). So the smaller of the two is taken.
        func medianOverhead(_ p: LoadResult) -> Double? {
            p.serverTime.map { max(0, (p.serviceTime.p50 - $0.queue.p50 - $0.app.p50) / 1000) }
        }
        var overheads = [medianOverhead(fitRun)].compactMap { $0 }
        if let p = firstProbe, p.requestedRate < 0.25 * saturation, let o = medianOverhead(p) { overheads.append(o) }
        let measuredOverhead = overheads.min()
        func bins(_ b: [(seconds: Double, count: Double)]?) -> [FitProfile.Bin]? {
            b.map { $0.map { FitProfile.Bin(seconds: $0.seconds, count: $0.count) } }
        }
        let profile = FitProfile(rate: fitRun.requestedRate, roundTripMean: fitRun.serviceTime.mean / 1000, roundTripP99: fitRun.serviceTime.p99 / 1000,
                                     roundTripBins: bins(fitRun.bins(of: fitRun.serviceTimeHistogram)),
                                     queueMean: fitRun.serverTime.map { $0.queue.mean / 1000 },
                                     handlerMean: fitRun.serverTime.map { $0.app.mean / 1000 }, handlerP99: fitRun.serverTime.map { $0.app.p99 / 1000 },
                                     handlerBins: bins(fitRun.bins(of: fitRun.serverAppHistogram)),
                                     cpuPerRequest: cpuPerRequest, measuredOverhead: measuredOverhead, batch: batch)
        var model = RouteModel.fit(route: routeKey, saturation: saturation, measured: profile, shape: fit)
        model.costLaw = CostLaw.fit(costPoints)
        // The cross-check: the cores the server kept busy when overloaded over its CPU per
        // request at the fitting run — what its CPU says it can serve.
        let busy = finding.steps.filter { $0.kind == .held && !$0.keptUp }.compactMap(\.cpuUtilization)
        let cpuSaturation = busy.isEmpty ? nil : cpuPerRequest.map { (busy.reduce(0, +) / Double(busy.count)) / $0 }
        if let cpuSaturation {
            let gap = (saturation - cpuSaturation) / cpuSaturation
            progress(String(format: "cross-check: %.2f cores busy when overloaded ÷ %.2f ms CPU per request at the fitting run = %.1f/s; the search found %.1f/s (%+.1f %%)%@",
                            busy.reduce(0, +) / Double(busy.count), (cpuPerRequest ?? 0) * 1000, cpuSaturation, saturation, gap * 100,
                            abs(gap) > 0.10 ? ": they disagree by more than 10 % — the route is not CPU-bound, or its cost at saturation differs from the fitting run's" : ""))
        }
        let name = model.fileSafeName
        // 3. Each level, measured (latency from intended sends, the first tenth dropped as
        //    warm-up, 95 % intervals by batch means) and simulated.
        var measured: [(fraction: Double, measured: LevelMeasurement)] = []
        var utilization: [Double?] = []
        var levelCost: [Double?] = []
        for f in fractions {
            let (r, perRequest, u, levelBatch) = try measureCPU(f * saturation, seconds: d, samples: true)
            utilization.append(u)
            // What a request really cost the server at this level, by the fit's own rule.
            // With timed batches the handler time holds the waits for them (they are jobs in the
            // model), so the CPU cost less the batches' is the request's own.
            if let levelBatch, let perRequest {
                levelCost.append(perRequest - levelBatch.secondsPerRequest)
            } else {
                levelCost.append(r.serverTime.map { max($0.app.mean / 1000, perRequest ?? 0) })
            }
            let kept = (r.samples ?? []).filter { $0.intended >= d / 10 && $0.status.map { $0 < 400 } == true }
                .compactMap { s in s.latency.map { (time: s.intended, latency: $0) } }
            guard let p50 = BatchMeans.percentile(kept, 50), let p99 = BatchMeans.percentile(kept, 99),
                  let p95 = BatchMeans.percentile(kept, 95), let p90 = BatchMeans.percentile(kept, 90) else {
                throw CalibrationFailure.measurement("too few successful responses at \(Percent(fraction: f)) to estimate percentiles; lengthen --duration")
            }
            progress(String(format: "%@ = %.1f/s → p50 %.2f ms, p99 %.2f ms", Percent(fraction: f).description, f * saturation, p50.estimate * 1000, p99.estimate * 1000))
            // The rate the run actually scheduled (a Poisson count differs from the nominal by
            // ±√n): near saturation a 2 % difference in load is a large one in waiting time.
            let window = SteadyWindow(r)
            measured.append((f, LevelMeasurement(rate: r.requestedRate, throughput: window?.served ?? goodput(r), p50: p50.estimate, p90: p90.estimate,
                                                 p95: p95.estimate, p99: p99.estimate, p50HalfWidth: p50.halfWidth, p90HalfWidth: p90.halfWidth,
                                                 p99HalfWidth: p99.halfWidth, throughputHalfWidth: SteadyWindow.throughputHalfWidth(r))))
        }
        // Long enough that the model's own percentiles are sharp: ~200k requests per replication.
        let simSeconds = min(1800, max(60, 200_000 / max(1, saturation * (fractions.min() ?? 0.3))))
        let comparisons = try Calibrator.compare(model, levels: measured, duration: simSeconds, replications: replications, seed: seed)
        let costs = levelCost.allSatisfy { $0 != nil } ? levelCost.compactMap { $0 } : []
        let given = costs.count == measured.count
            ? try Calibrator.compare(model, levels: measured, duration: simSeconds, replications: replications, seed: seed, means: costs) : []

        // The station as it is at the highest level, the rate the scenario file is fed at.
        let topRate = measured.map(\.measured.rate).max() ?? (fractions.max() ?? 0.9) * saturation
        return CalibrationOutcome(model: model, written: model.at(rate: topRate), topRate: topRate, comparisons: comparisons,
                                  givenMeasuredCost: given, utilization: utilization, costs: costs, saturation: finding, cpuSaturation: cpuSaturation)
    }
}
