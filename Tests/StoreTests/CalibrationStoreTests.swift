@testable import Calibration
import Foundation
import GRDB
@testable import Store
import Testing

/// A calibration outcome as `CalibrationProcedure` builds one, from values (no server): a
/// search of three probes and two held runs, a cost law through five runs, a model with
/// histogram bins and timed batches, and three levels — the last without half-widths or the
/// server's CPU, awkward doubles throughout.
func calibrationOutcome(cpuSaturation: Double? = 118.25, measuredCosts: Bool = true) -> CalibrationOutcome {
    let steps = [SearchStep(kind: .probe, offered: 25, served: 25.1, keptUp: true, p99: 0.012, errors: 0, cpuPerRequest: 0.0091, cpuUtilization: 0.23),
                 SearchStep(kind: .probe, offered: 50, served: 49.7, keptUp: true, p99: 0.021, errors: 0, cpuPerRequest: 0.0088, cpuUtilization: 0.44),
                 SearchStep(kind: .probe, offered: 100, served: 97.2, keptUp: true, p99: 0.09, errors: 0),
                 SearchStep(kind: .probe, offered: 200, served: 121.9, keptUp: false, p99: 1.99, errors: 3, cpuPerRequest: 0.0082, cpuUtilization: 0.999),
                 SearchStep(kind: .held, offered: 150, scheduled: 148.3, served: 122.3, keptUp: false, p99: 2.5, errors: 0, cpuPerRequest: 0.00818, cpuUtilization: 1.0 / 3 + 0.66)]
    let finding = SaturationFinding(steps: steps, low: 100, high: 150, saturation: 122.1, precision: 0.05)
    var model = RouteModel(route: "GET:/marketplace/products?q=ቡና", saturation: 122.1, concurrency: 1, meanServiceTime: 0.008379, p99ServiceTime: 0.0101,
                           overhead: 0.000332, shape: .empirical, bins: [FitProfile.Bin(seconds: 0.0071, count: 900), FitProfile.Bin(seconds: 0.0101, count: 100)],
                           usedServerTiming: true)
    model.fitRate = 48.84
    model.fitMeanServiceTime = 0.008379
    model.batch = BackgroundBatch(interval: 5, secondsPerRequest: 1.0 / 7_000)
    model.costLaw = CostLaw.fit([CostPoint(rate: 25, cost: 0.0091, weight: 75), CostPoint(rate: 50, cost: 0.0088, weight: 150),
                                 CostPoint(rate: 48.84, cost: 0.00838, weight: 977), CostPoint(rate: 121.9, cost: 0.0082, weight: 366),
                                 CostPoint(rate: 122.3, cost: 0.00818, weight: 1_834)])
    func level(_ rate: Double, _ p50: Double, _ p99: Double, noise: Bool) -> LevelMeasurement {
        LevelMeasurement(rate: rate, throughput: rate * 0.999, p50: p50, p90: p50 * 2.1, p95: p50 * 2.6, p99: p99,
                         p50HalfWidth: noise ? p50 * 0.02 : nil, p90HalfWidth: noise ? p50 * 0.1 : nil, p99HalfWidth: noise ? p99 * 0.08 : nil,
                         throughputHalfWidth: noise ? 0.4 : nil)
    }
    let measured = [(0.3, level(36.6, 0.00844, 0.02367, noise: true)), (0.6, level(73.2, 0.01269, 0.05511, noise: true)), (0.9, level(109.8, 0.04817, 0.25365, noise: false))]
    let comparisons = measured.map { f, m in
        Comparison(level: f, measured: m, simulated: LevelMeasurement(rate: m.rate, throughput: m.rate, p50: m.p50 * 1.04, p90: m.p90 * 0.97, p95: m.p95,
                                                                      p99: m.p99 * 0.88, p50HalfWidth: 1e-5, p99HalfWidth: 2e-4))
    }
    let given = measuredCosts ? comparisons.map { c in
        Comparison(level: c.level, measured: c.measured, simulated: LevelMeasurement(rate: c.measured.rate, throughput: c.measured.rate, p50: c.measured.p50 * 1.01,
                                                                                   p90: c.measured.p90, p95: c.measured.p95, p99: c.measured.p99 * 1.1))
    } : []
    return CalibrationOutcome(model: model, written: model.at(rate: 109.8), topRate: 109.8, comparisons: comparisons, givenMeasuredCost: given,
                              utilization: [0.3, 0.62, nil], costs: measuredCosts ? [0.008294, 0.008493, 0.008402] : [], saturation: finding,
                              cpuSaturation: cpuSaturation)
}

func calibrationRecord(cpuSaturation: Double? = 118.25, measuredCosts: Bool = true) -> CalibrationRecord {
    CalibrationRecord(target: "http://127.0.0.1:8091", scenarioPath: "scenarios/calibrated/GET_marketplace_products-q-ቡና.yaml",
                      outcome: calibrationOutcome(cpuSaturation: cpuSaturation, measuredCosts: measuredCosts))
}

@Suite("results store: calibrations")
struct CalibrationStoreTests {
    @Test("a calibration reads back equal to the outcome it was made from, the model without its bins")
    func roundTrip() throws {
        let dir = try temporaryFolder(); defer { try? FileManager.default.removeItem(at: dir) }
        let store = try ResultsStore(path: dir.appendingPathComponent("runs.sqlite").path)
        let outcome = calibrationOutcome(), record = calibrationRecord()
        let id = try store.saveCalibration(record, capsimVersion: "0.1.0", createdAt: createdAt, completedAt: "2025-09-11T06:09:00Z")
        let back = try #require(try store.calibration(id))
        #expect(back.record == record)
        #expect(back.record.comparisons == outcome.comparisons)
        #expect(back.record.givenMeasuredCost == outcome.givenMeasuredCost && back.record.costs == outcome.costs)
        #expect(back.record.utilization == outcome.utilization)
        #expect(back.record.saturation == outcome.saturation && back.record.cpuSaturation == outcome.cpuSaturation)
        var model = outcome.model
        model.bins = []
        #expect(back.record.model == model && !outcome.model.bins.isEmpty)
        #expect(back.record.accuracy == outcome.accuracy)
        #expect(back.info == CalibrationInfo(id: id, target: "http://127.0.0.1:8091", route: "GET:/marketplace/products?q=ቡና", saturation: 122.1, low: 100,
                                             high: 150, levels: 3, stored: 3, meanAbsoluteError: outcome.accuracy.meanAbsoluteError, capsimVersion: "0.1.0",
                                             createdAt: createdAt, completedAt: "2025-09-11T06:09:00Z"))
        #expect(try store.calibrations() == [back.info])
        #expect(try store.check().isEmpty)
    }

    @Test("the stored columns hold the signed errors, the mean absolute errors, and NULL for what is unknown")
    func columns() throws {
        let dir = try temporaryFolder(); defer { try? FileManager.default.removeItem(at: dir) }
        let store = try ResultsStore(path: dir.appendingPathComponent("runs.sqlite").path)
        let record = calibrationRecord(cpuSaturation: nil, measuredCosts: false)
        let id = try store.saveCalibration(record, capsimVersion: "0.1.0", createdAt: createdAt, completedAt: createdAt)
        #expect(try store.calibration(id)?.record == record)
        let a = record.accuracy
        try store.dbPool.read { db in
            let c = try #require(try Row.fetchOne(db, sql: "SELECT * FROM calibration WHERE id = ?", arguments: [id]))
            #expect(c["cpu_saturation"] as Double? == nil)
            #expect(c["mae"] as Double? == a.meanAbsoluteError && c["mae_p99"] as Double? == a.meanAbsoluteError(.p99))
            #expect(c["mae_throughput"] as Double? == a.meanAbsoluteError(.throughput))
            #expect(c["saturation"] as Double == 122.1 && c["bracket_low"] as Double == 100 && c["bracket_high"] as Double == 150 && c["precision"] as Double == 0.05)
            #expect((c["model_json"] as String).contains("\"bins\":[]"))
            let rows = try Row.fetchAll(db, sql: "SELECT * FROM calibration_level WHERE calibration_id = ? ORDER BY seq", arguments: [id])
            #expect(rows.map { $0["level"] as Double } == [0.3, 0.6, 0.9])
            for (row, acc) in zip(rows, a.rows) {
                #expect(row["error_p50"] as Double == acc.errors[.p50] && row["error_p99"] as Double == acc.errors[.p99])
                #expect(row["error_p90"] as Double == acc.errors[.p90] && row["error_throughput"] as Double == acc.errors[.throughput])
                #expect(row["measured_cost"] as Double? == nil && row["simulated_at_measured_cost_json"] as String? == nil)
            }
            #expect(rows[2]["measured_p99_half_width"] as Double? == nil && rows[2]["server_cpu"] as Double? == nil)
            #expect(rows[0]["measured_p99_half_width"] as Double? == 0.02367 * 0.08)
        }
    }
}
