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
        do { headers = try header.map(LoadRequest.parseHeader) } catch let e as LoadUsageProblem { throw usage(e.message) }

        var settings = CalibrationSettings(url: url, routeKey: routeKey, mix: mix, fractions: fractions, levelSeconds: d, probeSeconds: probeSeconds)
        settings.headers = headers
        settings.connections = connections
        settings.fitFraction = fitFraction
        settings.fit = fit
        settings.replications = replications
        settings.seed = seed
        let outcome: CalibrationOutcome
        do { outcome = try CalibrationProcedure.run(settings, progress: { printErr("calibrate: " + $0) }) } catch {
            printErr("error: \(error.description)")
            if case .usage = error { throw ExitCode(2) }
            throw ExitCode(1)
        }
        let model = outcome.model, name = model.fileSafeName
        // The scenario on disk names its histogram beside itself, so the folder can move.
        // The station as it is at the highest level, the rate the file is fed at.
        let topRate = outcome.topRate
        var written = outcome.written
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
            print(String(decoding: try e.encode(Report(target: target, model: m, scenario: scenarioPath, comparisons: outcome.comparisons, givenMeasuredCost: outcome.givenMeasuredCost)), as: UTF8.self))
        case .table:
            print(CalibrationRenderer.table(model: model, target: target, scenarioPath: scenarioPath, comparisons: outcome.comparisons,
                                            utilization: outcome.utilization, given: outcome.givenMeasuredCost, costs: outcome.costs))
        }
    }

    func usage(_ message: String) -> Error {
        printErr("error: \(message)")
        return ExitCode(2)
    }
}

extension RouteModel.Shape: ExpressibleByArgument {}
