import ArgumentParser
import Calibration
import Reporting
import Store

/// `capsim calibrate`: fits a one-route model to a real service and reports how well the
/// simulator then predicts it. The libraries read the flags, measure, fit, simulate and name
/// the files (`Calibration`) and render (`Reporting`); this command writes and prints.
struct Calibrate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Fit the simulator to a real service: find saturation, fit service times, compare measured and simulated latency.",
        discussion: """
        For one route, with Poisson arrivals (as the simulator's traffic): finds saturation by \
        measurement — doubling short probes until one does not keep up (served under 98 % of the \
        arrivals of its steady window, over 1 % errors, or p99 over a second), holding that rate \
        (a held run that keeps up moves the bracket up), then bisecting the bracket with held runs \
        (half of --duration each) until it is --precision narrow; saturation is what the \
        overloaded held runs served while the load was on. It prints the bracket and every run, \
        and cross-checks against the server's CPU (cores busy when overloaded ÷ CPU per request \
        at the fitting run). A fitting run at --fit-level (40 %) gives the service time's shape \
        (the server's handler time from Server-Timing) and the cost per request is a line in the \
        rate fitted to the server's CPU per request over every run (probes, held runs, fitting \
        run). Little's law at saturation gives the slots; the round trip's rest is constant \
        overhead. It writes the calibrated scenario under --out, then measures and simulates \
        (5 seeds) each --levels fraction and prints the accuracy table: signed errors of p50, \
        p90, p99 and throughput with the measurement's own noise, and the mean absolute error. \
        Targets: p50 within 10 %, p99 within 20 %. Every calibration is recorded in the results \
        database (capsim runs calibrations; --no-store skips it).
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
    var levels: String = "30%,50%,70%,80%,90%"
    @Option(help: "Load of the fitting run, as a fraction of saturation (not one of --levels: those are predicted, not fitted).")
    var fitLevel: String = "40%"
    @Option(help: "Stop the saturation search when its bracket (kept up / did not) is this narrow, relative to its lower end.")
    var precision: String = "5%"
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
    @Option(help: "Also write a report: FILE.html (the search, the cost law and the accuracy table, with charts) or FILE.md (Markdown).")
    var report: String?
    @OptionGroup var store: StoreOptions

    func run() throws {
        // Open the store before measuring: a bad --db should not cost a calibration.
        let db = store.noStore ? nil : try openStore(store.db)
        let startedAt = nowISO()
        let outcome: CalibrationOutcome
        do {
            let settings = try CalibrationSettings.parsing(target: target, route: route, body: body, headers: header, levels: levels, fitLevel: fitLevel,
                                                           duration: duration, probe: probe, connections: connections, fit: fit,
                                                           replications: replications, seed: seed, precision: precision)
            outcome = try CalibrationProcedure.run(settings, progress: { printErr("calibrate: " + $0) })
        } catch {
            printErr("error: \(error.description)")
            if case .usage = error { throw ExitCode(2) }
            throw ExitCode(1)
        }
        let written = outcome.files(in: out)
        for file in written.files { try emit(file.text, to: file.path) }
        let record = CalibrationRecord(target: target, scenarioPath: written.scenarioPath, outcome: outcome)
        // Printed before it is stored: minutes of measurement are never lost to a store error.
        switch format {
        case .json: print(try CalibrationReport(target: target, outcome: outcome, files: written).json())
        case .table: print(CalibrationRenderer.table(record))
        }
        try CalibrationOutput.record(record, in: db, startedAt: startedAt, report: report)
    }
}

extension RouteModel.Shape: ExpressibleByArgument {}
