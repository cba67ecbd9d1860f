import ArgumentParser
import Calibration
import CapsimModel
import Foundation
import LoadGen
import Reporting

struct Calibrate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Fit the simulator to a real service: find saturation, fit service times, compare measured and simulated latency.",
        discussion: """
        For one route: doubles an open-loop rate until the service saturates (throughput below 95 % of \
        the offered rate, or p99 over a second, or errors), measures latency at 5 % of saturation to \
        fit a lognormal service time, takes the effective concurrency from Little's law at saturation, \
        writes the calibrated scenario to scenarios/calibrated/, then measures and simulates each \
        --levels fraction of saturation and prints both with relative errors. Targets: p50 within 10 %, \
        p99 within 20 %.
        """)

    @Option(help: "The service, e.g. http://127.0.0.1:8089 (capsim serve).")
    var target: String

    @Option(help: "The route: METHOD:/path (a GET by default), e.g. GET:/marketplace/products?q=coffee.")
    var route: String = "GET:/marketplace/products?q=coffee"

    @Option(help: "Load levels as fractions of saturation, comma-separated.")
    var levels: String = "30%,60%,90%"

    @Option(help: "Measurement time per level.")
    var duration: String = "10s"

    @Option(help: "Client connections (keep above the server's workers so the client is not the limit).")
    var connections: Int = 64

    @Option(help: "Folder for the calibrated scenario.")
    var out: String = "scenarios/calibrated"

    enum Fit: String, ExpressibleByArgument, CaseIterable { case empirical, lognormal }
    @Option(help: "Service-time fit: empirical (the low-load histogram) or lognormal (its mean and p99).")
    var fit: Fit = .lognormal

    func run() throws {
        guard let url = URL(string: target), let d = Duration(parsing: duration)?.seconds, d > 0 else {
            throw ValidationError("--target expects a URL and --duration a duration like 10s")
        }
        let fractions = try levels.split(separator: ",").map { t -> Double in
            guard let p = Percent(parsing: String(t)), p.fraction > 0, p.fraction < 1 else { throw ValidationError("--levels expects percentages below 100%, like 30%,60%,90%") }
            return p.fraction
        }
        let mix = try MixParser.parse(route.contains(":/") ? route + "=100%" : "GET:" + route + "=100%")
        func measure(_ rate: Double) throws -> LoadResult {
            try runLoadBlocking(LoadPlan(target: url, rate: rate, duration: d, mix: mix, connections: connections))
        }
        // 1. Saturation: double until the service stops keeping up.
        var rate = 25.0, saturation = 0.0
        while rate < 100_000 {
            let r = try measure(rate)
            let failed = r.errors.values.reduce(0, +)
            printErr(String(format: "calibrate: offered %.0f/s → %.1f/s, p99 %.1f ms, %d errors", rate, r.achievedRate, r.latency.p99, failed))
            saturation = max(saturation, r.achievedRate)
            if r.achievedRate < 0.95 * rate || r.latency.p99 > 1000 || failed > r.sent / 100 { break }
            rate *= 2
        }
        // 2. Service time at low load, where queueing is negligible.
        let low = try measure(max(5, 0.05 * saturation))
        var model = RouteModel.fit(route: route, saturation: saturation, lowLoadMean: low.serviceTime.mean / 1000, lowLoadP99: low.serviceTime.p99 / 1000)
        let name = route.replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: ":", with: "").replacingOccurrences(of: "?", with: "-")
        if fit == .empirical, let h = low.serviceTimeHistogram {
            // The low-load service times themselves, bucketed by HdrHistogram (µs → s).
            let bins = h.recordedValues().map { (seconds: Double($0.value) / 1e6, count: Double($0.count)) }
            let path = URL(fileURLWithPath: out).appendingPathComponent("\(name).histogram.csv").standardizedFileURL.path
            try emit(RouteModel.histogramCSV(bins), to: path)
            model.histogramFile = URL(fileURLWithPath: path).path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
        }
        // 3. Each level, measured and simulated.
        var measured: [(fraction: Double, measured: LevelMeasurement)] = []
        for f in fractions {
            let r = try measure(f * saturation)
            measured.append((f, LevelMeasurement(rate: f * saturation, throughput: r.achievedRate, p50: r.latency.p50 / 1000, p95: r.latency.p95 / 1000, p99: r.latency.p99 / 1000)))
        }
        let comparisons = try Calibrator.compare(model, levels: measured, duration: max(120, d * 10))
        try emit(model.scenarioYAML(rate: (fractions.max() ?? 0.9) * saturation, duration: 600) + "\n", to: "\(out)/\(name).yaml")
        print(String(format: "%@ %@: saturation %.1f req/s; low-load service time mean %@, p99 %@ (%@ fit); effective concurrency %d",
                     target, route, saturation, formatDuration((model.meanServiceTime * 1e5).rounded() / 1e5), formatDuration((model.p99ServiceTime * 1e5).rounded() / 1e5),
                     fit.rawValue, model.concurrency))
        print("calibrated scenario: \(out)/\(name).yaml\n")
        var t = TextTable(["level", "req/s", "measured p50", "simulated", "error", "measured p95", "simulated", "measured p99", "simulated", "error", "throughput err", "targets"])
        func ms(_ v: Double) -> String { String(format: "%.2fms", v * 1000) }
        func pct(_ v: Double) -> String { String(format: "%+.1f%%", v * 100) }
        for c in comparisons {
            t.add([Percent(fraction: c.level).description, String(format: "%.0f", c.measured.rate), ms(c.measured.p50), ms(c.simulated.p50), pct(c.p50Error),
                   ms(c.measured.p95), ms(c.simulated.p95), ms(c.measured.p99), ms(c.simulated.p99), pct(c.p99Error), pct(c.throughputError),
                   c.withinTargets ? "met" : "missed"])
        }
        print(t.render())
        if comparisons.contains(where: { !$0.withinTargets }) {
            print("\nA miss means the one-station model leaves something out at that load (SQLite's single writer, CPU shared by the pool, garbage collection pauses…): see BENCHMARKS.md.")
        }
    }
}
