import Testing
@testable import Calibration

/// The search's logic over a service that serves `mu` requests per second: a run keeps up when
/// the offered rate is at most `mu`, and an overloaded run serves `mu`. The load generator and
/// the server are exercised for real by CalibrateCLITests; this pins the bracketing.
@Suite("Saturation search")
struct SaturationSearchTests {
    struct Service {
        var mu: Double
        /// Probes at these rates fail although the service keeps up (a short Poisson probe's
        /// start and drain): the case that stopped the old doubling search at 48/s of 50/s.
        var flakyProbes: Set<Double> = []
        var runs: [(rate: Double, kind: SearchStep.Kind)] = []

        mutating func measure(_ rate: Double, _ seconds: Double, _ kind: SearchStep.Kind) -> SearchStep {
            runs.append((rate, kind))
            let keeps = rate <= mu && !(kind == .probe && flakyProbes.contains(rate))
            return SearchStep(kind: kind, offered: rate, served: min(rate, mu), keptUp: keeps, p99: 0.01, errors: 0)
        }
    }

    @Test("the bracket closes on saturation within the stated precision, and the estimate is what overloaded runs served")
    func bracketsSaturation() {
        var s = Service(mu: 77)
        let f = SaturationSearch.find(probeSeconds: 3, holdSeconds: 30, precision: 0.05) { s.measure($0, $1, $2) }
        #expect(f.low <= 77 && 77 <= f.high)
        #expect(f.width <= 0.05)
        #expect(f.saturation == 77)
        #expect(s.runs.filter { $0.kind == .held }.count <= 8)
    }

    @Test("a probe that fails by chance is held, and the held run that keeps up moves the bracket up")
    func flakyProbeIsRetried() {
        var s = Service(mu: 77, flakyProbes: [50])
        let f = SaturationSearch.find(probeSeconds: 3, holdSeconds: 30, precision: 0.05) { s.measure($0, $1, $2) }
        #expect(s.runs.contains { $0.rate == 50 && $0.kind == .held })
        #expect(f.low > 50 && f.low <= 77 && 77 <= f.high)
        #expect(abs(f.saturation - 77) < 1e-9)
    }

    @Test("out of held runs, the search says how wide the bracket still is")
    func stopsAtTheStepBudget() {
        var s = Service(mu: 77)
        let f = SaturationSearch.find(probeSeconds: 3, holdSeconds: 30, precision: 0.001, maxHeld: 3) { s.measure($0, $1, $2) }
        #expect(s.runs.filter { $0.kind == .held }.count == 3)
        #expect(f.width > 0.001 && f.low <= 77 && 77 <= f.high)
    }
}

@Suite("Cost per request against load, and the accuracy table")
struct CostLawAndAccuracyTests {
    @Test("a weighted line through the measured costs, held at its ends outside the measured rates")
    func costLaw() throws {
        let pts = [CostPoint(rate: 25, cost: 0.0132, weight: 75), CostPoint(rate: 50, cost: 0.0129, weight: 150), CostPoint(rate: 75, cost: 0.0126, weight: 225)]
        let law = try #require(CostLaw.fit(pts))
        #expect(abs(law.slope - (-0.0006 / 50)) < 1e-12)
        #expect(abs(law.cost(at: 50) - 0.0129) < 1e-12)
        #expect(abs(law.cost(at: 200) - 0.0126) < 1e-12 && abs(law.cost(at: 1) - 0.0132) < 1e-12)
        #expect(CostLaw.fit([CostPoint(rate: 25, cost: 0.01, weight: 1)]) == nil, "one rate is no line")
        var m = RouteModel(route: "r", saturation: 77, concurrency: 1, meanServiceTime: 0.0129, p99ServiceTime: 0.03)
        m.costLaw = law
        #expect(abs(m.meanServiceTime(at: 75) - 0.0126) < 1e-12)
    }

    @Test("signed errors per metric, the measurement's noise, and the mean absolute error")
    func accuracy() throws {
        let measured = LevelMeasurement(rate: 50, throughput: 50, p50: 0.010, p90: 0.020, p95: 0.025, p99: 0.040,
                                        p50HalfWidth: 0.001, p90HalfWidth: nil, p99HalfWidth: 0.004, throughputHalfWidth: 1)
        let simulated = LevelMeasurement(rate: 50, throughput: 49, p50: 0.011, p90: 0.018, p95: 0.025, p99: 0.050)
        let t = AccuracyTable([Comparison(level: 0.5, measured: measured, simulated: simulated)])
        let row = try #require(t.rows.first)
        #expect(abs(row.errors[.p50]! - 0.10) < 1e-12 && abs(row.errors[.p90]! + 0.10) < 1e-12)
        #expect(abs(row.errors[.p99]! - 0.25) < 1e-12 && abs(row.errors[.throughput]! + 0.02) < 1e-12)
        #expect(row.noise[.p50] == 0.1 && row.noise[.p90] == nil)
        #expect(abs(t.meanAbsoluteError! - (0.10 + 0.10 + 0.25 + 0.02) / 4) < 1e-12)
        #expect(!AccuracyTable.meetsTargets(row), "p99 25 % over")
    }
}

@Suite("calibrate --precision")
struct PrecisionFlagTests {
    func parse(_ precision: String) throws(CalibrationFailure) -> CalibrationSettings {
        try CalibrationSettings.parsing(target: "http://127.0.0.1:8089", route: "GET:/a", body: nil, headers: [], levels: "30%,50%", fitLevel: "40%",
                                        duration: "20s", probe: "3s", connections: 64, fit: .empirical, replications: 5, seed: 1, precision: precision)
    }

    @Test("the bracket's precision is a percentage from 0.5 % to 50 %")
    func precision() throws {
        #expect(try parse("2%").precision == 0.02)
        #expect(throws: CalibrationFailure.self) { try parse("0%") }
        #expect(throws: CalibrationFailure.self) { try parse("80%") }
    }
}
