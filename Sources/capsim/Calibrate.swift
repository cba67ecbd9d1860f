import ArgumentParser
import Calibration
import CapsimModel
import Foundation
import LoadGen
import Reporting

/// `capsim calibrate`: fits a one-route model to a real service and reports how well the
/// simulator then predicts it. The library does the fitting and the simulating
/// (`Calibration`); this command only measures and prints.
struct Calibrate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Fit the simulator to a real service: find saturation, fit service times, compare measured and simulated latency.",
        discussion: """
        For one route, with Poisson arrivals (as the simulator's traffic): doubles the rate until \
        the service stops keeping up (successful throughput below 95 % of the scheduled rate, p99 \
        over a second, or more than 1 % errors) and takes the best successful throughput as \
        saturation, then holds 125 % of it for half of --duration and takes that goodput as saturation. A fitting run at --fit-level (50 %) then gives the service time: the shape of \
        the server's own handler time (Server-Timing, which capsim serve sends) and as its mean the \
        larger of that and the server's CPU seconds per request (process_cpu_seconds_total on its \
        /metrics); the concurrency is Little's law at saturation, and the round trip's rest at the \
        lightest probe or the fitting run, whichever is smaller (by medians), is constant overhead. Without Server-Timing the round trip at 10 % stands in. \
        It writes the calibrated scenario under --out, then measures and simulates (5 seeds) each \
        --levels fraction of saturation and prints both with 95 % intervals, relative errors and \
        the server's measured CPU utilization. Targets: p50 within 10 %, p99 within 20 %.
        For a quiet measurement pin the server and this command to different cores, e.g. \
        `taskset -c 1 capsim serve --workers 1 …` and `taskset -c 0 capsim calibrate …`.
        """)

    enum Format: String, ExpressibleByArgument, CaseIterable { case table, json }

    @Option(help: "The service, e.g. http://127.0.0.1:8089 (capsim serve).")
    var target: String

    @Option(help: "The route: METHOD:/path (a GET by default), e.g. GET:/marketplace/products?q=coffee or POST:/payments.")
    var route: String = "GET:/marketplace/products?q=coffee"

    @Option(help: "A JSON body for the route's requests, e.g. '{\"amount\":120,\"currency\":\"ETB\",\"product_id\":7}'.")
    var body: String?

    @Option(help: "Request header for every request, e.g. 'Authorization: Bearer TOKEN' (repeatable).")
    var header: [String] = []

    @Option(help: "Load levels as fractions of saturation, comma-separated.")
    var levels: String = "30%,60%,90%"

    @Option(help: "Load of the fitting run, as a fraction of saturation (not one of --levels: those are predicted, not fitted).")
    var fitLevel: String = "50%"

    @Option(help: "Measurement time per level (and for the fitting run).")
    var duration: String = "20s"

    @Option(help: "Time per step of the saturation search.")
    var probe: String = "3s"

    @Option(help: "Client connections (keep above the server's workers + queue so the client is not the limit).")
    var connections: Int = 64

    @Option(help: "Folder for the calibrated scenario.")
    var out: String = "scenarios/calibrated"

    @Option(help: "Service-time shape: empirical (the measured histogram, scaled) or lognormal (its p99-to-mean ratio).")
    var fit: RouteModel.Shape = .empirical

    @Option(help: "Simulation replications per level (independent seeds).")
    var replications: Int = 5

    @Option(help: "Seed for arrivals and for the simulation.")
    var seed: UInt64 = 1

    @Option(help: "Output: table, or json (the fit and every comparison).")
    var format: Format = .table

    struct Report: Encodable {
        let target: String
        let model: RouteModel
        let scenario: String
        let comparisons: [Calibration.Comparison]
        /// The same levels simulated with the cost per request measured at each (empty when
        /// the server does not send Server-Timing).
        let givenMeasuredCost: [Calibration.Comparison]
    }

    func run() throws {
        guard let url = URL(string: target), url.host != nil else { throw usage("--target \"\(target)\": expected a URL like http://127.0.0.1:8080") }
        guard let d = Duration(parsing: duration)?.seconds, d > 0 else { throw usage("--duration \"\(duration)\": expected a duration like 20s") }
        guard let probeSeconds = Duration(parsing: probe)?.seconds, probeSeconds > 0 else { throw usage("--probe \"\(probe)\": expected a duration like 3s") }
        guard replications >= 1 else { throw usage("--replications expects at least 1") }
        guard let fitFraction = Percent(parsing: fitLevel)?.fraction, fitFraction > 0, fitFraction < 1 else {
            throw usage("--fit-level \"\(fitLevel)\": expected a percentage below 100%, like 50%")
        }
        let fractions = try levels.split(separator: ",").map { t -> Double in
            guard let p = Percent(parsing: String(t)), p.fraction > 0, p.fraction < 1 else { throw usage("--levels \"\(levels)\": expected percentages below 100%, like 30%,60%,90%") }
            return p.fraction
        }
        let routeKey = route.contains(":/") ? route : "GET:" + route
        let mix: [MixEntry]
        do { mix = try MixParser.parse(routeKey + "=100%", bodies: body.map { [routeKey: $0] } ?? [:]) } catch { throw usage("--route \"\(route)\": \(error)") }
        let headers: [(name: String, value: String)]
        do { headers = try header.map(Load.parseHeader) } catch let e as Load.UsageProblem { throw usage(e.message) }

        var arrivalSeed = seed
        func measure(_ rate: Double, seconds: Double, samples: Bool = false) throws -> LoadResult {
            var plan = LoadPlan(target: url, rate: rate, duration: seconds, mix: mix, connections: connections, seed: arrivalSeed, recordSamples: samples)
            plan.arrivals = .poisson
            plan.headers = headers
            arrivalSeed &+= 1
            let problems = plan.problems()
            if !problems.isEmpty { throw usage(problems.joined(separator: "; ")) }
            do { return try runLoadBlocking(plan) } catch let e as LoadError {
                printErr("error: \(e.description)")
                throw ExitCode(1)
            }
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

        // 1. Saturation: double until the service stops keeping up.
        var rate = 25.0, saturation = 0.0, sawServerTiming = false
        var firstProbe: LoadResult?
        while rate < 200_000 {
            let r = try measure(rate, seconds: probeSeconds)
            let ok = goodput(r)
            if r.serverTime != nil { sawServerTiming = true }
            if firstProbe == nil { firstProbe = r }
            printErr(String(format: "calibrate: offered %.0f/s → %.1f/s ok, p99 %.1f ms, %d errors", rate, ok, r.latency.p99, r.errorCount))
            saturation = max(saturation, ok)
            // Against what was scheduled, not the nominal rate: a short Poisson probe schedules
            // ±√n requests by chance.
            if ok < 0.95 * r.requestedRate || r.latency.p99 > 1000 || r.errorCount > r.sent / 100 { break }
            rate *= 2
        }
        guard saturation > 0 else {
            printErr("error: \(route) on \(target) completed no request successfully; check the route, body and headers")
            throw ExitCode(1)
        }
        // A short probe's goodput is rough (its start and its drain are a large part of it):
        // hold 25 % over the estimate for half a level's time and take that goodput instead.
        let held = try measure(1.25 * saturation, seconds: max(probeSeconds, d / 2))
        if goodput(held) > 0 {
            printErr(String(format: "calibrate: held %.0f/s for %.0f s → %.1f/s ok: saturation", 1.25 * saturation, max(probeSeconds, d / 2), goodput(held)))
            saturation = goodput(held)
        }

        // 2. The fitting run. With Server-Timing (seen in the probes) at --fit-level, where the
        //    handler works as it will at the predicted loads; without it at 10 %, where the round
        //    trip is nearly all service time.
        let fitRate = max(2, (sawServerTiming ? fitFraction : 0.1) * saturation)
        let (fitRun, cpuPerRequest, _, batch) = try measureCPU(fitRate, seconds: d)
        printErr(String(format: "calibrate: fitting run %.1f/s: round trip mean %.3f ms%@%@", fitRate, fitRun.serviceTime.mean,
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
        let model = RouteModel.fit(route: routeKey, saturation: saturation, measured: profile, shape: fit)
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
                  let p95 = BatchMeans.percentile(kept, 95) else {
                printErr("error: too few successful responses at \(Percent(fraction: f)) to estimate percentiles; lengthen --duration")
                throw ExitCode(1)
            }
            printErr(String(format: "calibrate: %@ = %.1f/s → p50 %.2f ms, p99 %.2f ms", Percent(fraction: f).description, f * saturation, p50.estimate * 1000, p99.estimate * 1000))
            // The rate the run actually scheduled (a Poisson count differs from the nominal by
            // ±√n): near saturation a 2 % difference in load is a large one in waiting time.
            measured.append((f, LevelMeasurement(rate: r.requestedRate, throughput: goodput(r), p50: p50.estimate, p95: p95.estimate, p99: p99.estimate,
                                                 p50HalfWidth: p50.halfWidth, p99HalfWidth: p99.halfWidth)))
        }
        // Long enough that the model's own percentiles are sharp: ~200k requests per replication.
        let simSeconds = min(1800, max(60, 200_000 / max(1, saturation * (fractions.min() ?? 0.3))))
        let comparisons = try Calibrator.compare(model, levels: measured, duration: simSeconds, replications: replications, seed: seed)
        let costs = levelCost.compactMap { $0 }
        let given = costs.count == measured.count
            ? try Calibrator.compare(model, levels: measured, duration: simSeconds, replications: replications, seed: seed, means: costs) : []

        // The scenario on disk names its histogram beside itself, so the folder can move.
        // The station as it is at the highest level, the rate the file is fed at.
        let topRate = measured.map(\.measured.rate).max() ?? (fractions.max() ?? 0.9) * saturation
        var written = model.at(rate: topRate)
        if written.shape == .empirical && !written.bins.isEmpty {
            try emit(written.histogramCSV, to: "\(out)/\(name).histogram.csv")
            written.histogramFile = "\(name).histogram.csv"
        }
        let scenarioPath = "\(out)/\(name).yaml"
        try emit(written.scenarioYAML(rate: topRate, duration: 600) + "\n", to: scenarioPath)

        switch format {
        case .json:
            let e = JSONEncoder()
            e.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            var m = written
            m.bins = []
            print(String(decoding: try e.encode(Report(target: target, model: m, scenario: scenarioPath, comparisons: comparisons, givenMeasuredCost: given)), as: UTF8.self))
        case .table:
            print(Self.render(model: model, target: target, scenarioPath: scenarioPath, comparisons: comparisons, utilization: utilization,
                              given: given, costs: costs))
        }
    }

    static func render(model: RouteModel, target: String, scenarioPath: String, comparisons: [Calibration.Comparison], utilization: [Double?],
                       given: [Calibration.Comparison] = [], costs: [Double] = []) -> String {
        func ms(_ v: Double) -> String { v < 0.01 ? String(format: "%.3fms", v * 1000) : String(format: "%.2fms", v * 1000) }
        func msCI(_ v: Double, _ h: Double?) -> String { h.map { ms(v) + " ±" + String(format: "%.0f%%", v > 0 ? 100 * $0 / v : 0) } ?? ms(v) }
        func pct(_ v: Double) -> String { String(format: "%+.1f%%", v * 100) }
        var lines: [String] = []
        lines.append(String(format: "%@ %@: saturation %.1f req/s", target, model.route, model.saturation))
        lines.append("fit: \(model.concurrency) slot\(model.concurrency == 1 ? "" : "s"), mean service \(ms(model.meanServiceTime))"
                     + (model.fitRate.map { String(format: " at %.1f/s", $0) } ?? "")
                     + " (\(model.shape.rawValue), " + (model.usedServerTiming ? "the server's handler time" : "no Server-Timing: the round trip at low load")
                     + "), p99 \(ms(model.p99ServiceTime)); constant overhead \(ms(model.overhead))")
        if let b = model.batch {
            lines.append(String(format: "timed batches (from /metrics): %.1f µs of batch work per request, one batch every %@ — a job of rate × %.1f µs × %@ at the station",
                                b.secondsPerRequest * 1e6, formatDuration(b.interval), b.secondsPerRequest * 1e6, formatDuration(b.interval)))
        }
        if model.fitRate != nil {
            lines.append("load-dependent: \(ms(model.meanServiceTime(at: model.saturation))) at saturation (slots ÷ saturation\(model.batch == nil ? "" : ", less the batches' share")), linear in the rate in between")
        }
        lines.append("calibrated scenario: \(scenarioPath)")
        lines.append("")
        var t = TextTable(["level", "req/s", "server CPU", "model ρ", "measured p50", "simulated", "error", "measured p95", "simulated", "error", "measured p99", "simulated", "error", "throughput", "targets"])
        for (i, c) in comparisons.enumerated() {
            let u = i < utilization.count ? utilization[i] : nil
            t.add([Percent(fraction: c.level).description, String(format: "%.0f", c.measured.rate),
                   u.map { String(format: "%.0f%%", $0 * 100) } ?? "-", String(format: "%.0f%%", 100 * model.utilization(at: c.measured.rate)),
                   msCI(c.measured.p50, c.measured.p50HalfWidth), msCI(c.simulated.p50, c.simulated.p50HalfWidth), pct(c.p50Error),
                   ms(c.measured.p95), ms(c.simulated.p95), pct(c.p95Error),
                   msCI(c.measured.p99, c.measured.p99HalfWidth), msCI(c.simulated.p99, c.simulated.p99HalfWidth), pct(c.p99Error),
                   pct(c.throughputError), c.withinTargets ? "met" : "missed"])
        }
        lines.append(t.render())
        lines.append("")
        lines.append("± is a 95 % interval: measured, batch means over 10 slices of the run; simulated, over the replications.")
        if utilization.contains(where: { $0 != nil }) {
            lines.append("server CPU: the server's CPU seconds per second during the level (its /metrics); model ρ: the level's rate × the model's mean service time there ÷ slots.")
        }
        if !given.isEmpty && given.count == costs.count {
            lines.append("")
            lines.append("The same levels simulated with the cost per request the server measured at each (the queueing alone, apart from the capacity forecast):")
            lines.append("")
            var g = TextTable(["level", "cost/request", "model ρ", "simulated p50", "error", "simulated p99", "error", "targets"])
            for (c, cost) in zip(given, costs) {
                g.add([Percent(fraction: c.level).description, ms(cost), String(format: "%.0f%%", 100 * model.withMean(cost).utilization(at: c.measured.rate)),
                       msCI(c.simulated.p50, c.simulated.p50HalfWidth), pct(c.p50Error), msCI(c.simulated.p99, c.simulated.p99HalfWidth), pct(c.p99Error),
                       c.withinTargets ? "met" : "missed"])
            }
            lines.append(g.render())
        }
        lines.append("")
        for c in comparisons where !c.withinTargets {
            let p50Noise = c.measured.p50HalfWidth.map { c.measured.p50 > 0 ? $0 / c.measured.p50 : 0 } ?? 0
            let p99Noise = c.measuredP99Noise ?? 0
            if abs(c.p50Error) <= 0.10 + p50Noise && abs(c.p99Error) <= 0.20 + p99Noise {
                lines.append("\(Percent(fraction: c.level)): the miss is inside the measurement's own noise (p50 ±\(String(format: "%.0f", p50Noise * 100)) %, p99 ±\(String(format: "%.0f", p99Noise * 100)) %): measure longer to tell.")
            } else {
                lines.append("\(Percent(fraction: c.level)): missed beyond the measurement's noise: the one-station model leaves something out at that load (see BENCHMARKS.md).")
            }
        }
        return lines.joined(separator: "\n")
    }

    func usage(_ message: String) -> Error {
        printErr("error: \(message)")
        return ExitCode(2)
    }
}

extension RouteModel.Shape: ExpressibleByArgument {}
