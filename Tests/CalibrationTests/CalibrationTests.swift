import CapsimModel
import Foundation
import Testing
@testable import Calibration
@testable import Simulation

/// The calibration round trip without a network: "measure" a known system (a simulated
/// M/G/8 with lognormal service) the way `calibrate` measures a real one, fit the model, and
/// check it predicts the known system's latencies at 30/60/90 % of saturation within the
/// issue's targets (p50 10 %, p99 20 %).
@Suite("Calibration round trip")
struct CalibrationTests {
    func measure(rate: Double) throws -> LevelMeasurement {
        let truth = RouteModel(route: "truth", saturation: 400, meanServiceTime: 0.02, p99ServiceTime: 0.08, concurrency: 8)
        let s = try ScenarioLoader.parse(truth.scenarioYAML(rate: rate, duration: 600), file: "truth.yaml")
        var o = SimulationOptions(scenario: s)
        o.seed = 99; o.warmup = 30
        let r = try Simulator(scenario: s, options: o).run()
        let x = r.routes[0]
        return LevelMeasurement(rate: rate, throughput: Double(x.completed) / 570, p50: x.latency!.p50, p95: x.latency!.p95, p99: x.latency!.p99)
    }

    @Test("a fitted model reproduces a known system's percentiles at 30/60/90 % of saturation")
    func roundTrip() throws {
        // Low load (5 % of saturation) stands in for the service time itself.
        let low = try measure(rate: 20)
        let s = try ScenarioLoader.parse(RouteModel(route: "truth", saturation: 400, meanServiceTime: 0.02, p99ServiceTime: 0.08, concurrency: 8)
            .scenarioYAML(rate: 20, duration: 600), file: "truth.yaml")
        var o = SimulationOptions(scenario: s); o.seed = 99; o.warmup = 30
        let meanAtLow = try #require(try Simulator(scenario: s, options: o).run().routes[0].latency?.mean)
        let model = RouteModel.fit(route: "truth", saturation: 400, lowLoadMean: meanAtLow, lowLoadP99: low.p99)
        #expect(model.concurrency == 8)
        let levels = try [0.3, 0.6, 0.9].map { f in (fraction: f, measured: try measure(rate: 400 * f)) }
        let cmp = try Calibrator.compare(model, levels: levels, duration: 600, seed: 7)
        for c in cmp {
            #expect(c.withinTargets, "level \(c.level): p50 error \(c.p50Error), p99 error \(c.p99Error)")
            #expect(abs(c.throughputError) < 0.03)
        }
    }
}
